#!/usr/bin/env bash
# The "floor": the cheapest possible candidate-file search, which dmalint cannot beat.
# `rg -l` over the *.c and *.h files of TREE for any of the identifiers below, as
# substrings (so `dma_ops` also matches xen_swiotlb_dma_ops, ->dma_ops, ...), which is
# what a Buffer.indexOf / small-regex prefilter would do. --word restricts to whole words.
# Ignore files (.gitignore, .ignore) and hidden-file rules are disabled (-uu) so the result
# does not depend on whether TREE is a git checkout.
#
# Usage: bench/floor.sh [--word] [--list] TREE
#   prints the number of files; with --list, the files (relative to TREE) then the count.
set -euo pipefail

word=(); list=0
while (($#)); do
  case "$1" in
    --word) word=(-w); shift ;;
    --list) list=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -eq 1 && -d "$1" ]] || { echo "usage: $0 [--word] [--list] TREE" >&2; exit 2; }
command -v rg >/dev/null 2>&1 || { echo "floor: rg not found; run bench/install-tools.sh" >&2; exit 1; }

ids=(set_dma_ops dma_ops arm_iommu_attach_device arm_iommu_detach_device
     arch_setup_dma_ops arch_teardown_dma_ops iommu_ops BUS_NOTIFY_ADD_DEVICE)
pats=(); for i in "${ids[@]}"; do pats+=(-e "$i"); done

cd -- "$1"
# rg exits 1 when nothing matches: not an error here.
files="$(rg -uu -l -F "${word[@]}" -g '*.c' -g '*.h' "${pats[@]}" . | sed 's|^\./||' | LC_ALL=C sort || true)"
if ((list)) && [[ -n "$files" ]]; then printf '%s\n' "$files"; fi
if [[ -z "$files" ]]; then echo 0; else printf '%s\n' "$files" | wc -l; fi
