#!/usr/bin/env bash
# Measure the baselines dmalint is compared with, on the corpus:
#   - the floor (bench/floor.sh: rg -l for the identifiers), median of RUNS warm runs;
#   - Coccinelle: each bench/cocci/*.cocci, and the three in sequence, median of RUNS
#     warm runs; peak RSS of one run of each; findings (file:line, relative to TREE).
# Writes into OUT (default bench/results/latest): machine.txt, tree.txt, *.json
# (hyperfine exports), findings-*.txt, rss.txt, summary.txt. Nothing of the kernel tree
# is copied, only file:line lists.
#
# Usage: bench/run-baselines.sh [TREE]   (TREE defaults to the output of fetch-corpus.sh)
# Env:   RUNS (5), JOBS (2), OUT, SPATCH_EXTRA (extra spatch flags, e.g. include options)
set -euo pipefail

here="$(cd -- "$(dirname -- "$0")" && pwd -P)"
RUNS="${RUNS:-5}"
JOBS="${JOBS:-2}"
OUT="${OUT:-$here/results/latest}"
TREE="${1:-$("$here/fetch-corpus.sh" | tail -n1)}"
TREE="$(cd -- "$TREE" && pwd -P)"
CHECKS=(set-dma-ops attach teardown)

for t in rg spatch hyperfine /usr/bin/time; do
  command -v "$t" >/dev/null 2>&1 || { echo "missing $t: run bench/install-tools.sh" >&2; exit 1; }
done
mkdir -p -- "$OUT"

# spatch finds libpython by running the first python3 on PATH (a pyenv shim, say);
# pin the system interpreter when there is one, so that runs are comparable.
PY=()
[[ -x /usr/bin/python3 ]] && PY=(--python /usr/bin/python3)
# Flags used for every spatch run. --include-headers is off (the default: only .c files
# are processed); include files: the default (local "" includes only, no -I).
# .cocciconfig: spatch 1.1.1 reads ~/.cocciconfig and ./.cocciconfig only, not the one
# at the root of the kernel tree (which would add --use-gitgrep --timeout 200); we run
# from a scratch directory so that no .cocciconfig applies.
read -r -a EXTRA <<<"${SPATCH_EXTRA:-}"
SPATCH_FLAGS=(-D report -j "$JOBS" --very-quiet "${PY[@]}" "${EXTRA[@]}")
scratch="$(mktemp -d)"; trap 'rm -rf -- "$scratch"' EXIT
cd "$scratch"

q() { printf '%q ' "$@"; }
spatch_cmd() { q spatch --sp-file "$here/cocci/$1.cocci" --dir "$TREE" "${SPATCH_FLAGS[@]}"; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB\n", $2/1048576}' /proc/meminfo)"
  echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "kernel: $(uname -r)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "rg: $(rg --version | sed -n 1p)"
  echo "spatch: $(spatch --version 2>&1 | sed -n 1p)"
  echo "hyperfine: $(hyperfine --version)"
  echo "spatch flags: $(q "${SPATCH_FLAGS[@]}")"
} > "$OUT/machine.txt"

{
  echo "tree: $TREE"
  [[ -f "$TREE/.dmalint-corpus-complete" ]] && sed -n 1p "$TREE/.dmalint-corpus-complete"
  (cd "$TREE" && find . -type f \( -name '*.c' -o -name '*.h' \) -printf '%s %f\n') |
    awk '{n++; b+=$1; if ($2 ~ /\.c$/) {nc++; bc+=$1} else {nh++; bh+=$1}}
         END {printf "c+h files: %d, bytes: %d (%.1f MiB)\n.c files: %d, bytes: %d\n.h files: %d, bytes: %d\n", n, b, b/1048576, nc, bc, nh, bh}'
  echo "floor files (substring): $("$here/floor.sh" "$TREE")"
  echo "floor files (--word): $("$here/floor.sh" --word "$TREE")"
} > "$OUT/tree.txt"
"$here/floor.sh" --list "$TREE" | sed '$d' > "$OUT/floor-files.txt"

echo "== floor" >&2
hyperfine -N --style basic --warmup 2 --runs "$RUNS" --export-json "$OUT/floor.json" \
  "$(q "$here/floor.sh" "$TREE")" >&2

echo "== coccinelle, each" >&2
for c in "${CHECKS[@]}"; do
  hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$OUT/cocci-$c.json" \
    "$(spatch_cmd "$c")" >&2
done
all="$(for c in "${CHECKS[@]}"; do spatch_cmd "$c"; echo -n '; '; done)"
echo "== coccinelle, the three in sequence" >&2
hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$OUT/cocci-all.json" "$all" >&2

# Variant: set-dma-ops.cocci with include files for types, so that typed metavariables
# also match members of structures declared in headers (pdev->dev.dma_ops). Only this
# check uses typed metavariables. Generic headers plus the ARM arch headers.
INC_FLAGS=(--all-includes --include-headers-for-types
           -I "$TREE/include" -I "$TREE/include/uapi" -I "$TREE/arch/arm/include" -I "$TREE/arch/arm/include/uapi")
echo "== coccinelle, set-dma-ops with includes" >&2
hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$OUT/cocci-set-dma-ops-includes.json" \
  "$(spatch_cmd set-dma-ops) $(q "${INC_FLAGS[@]}")" >&2

echo "== findings and peak RSS" >&2
: > "$OUT/rss.txt"
for c in "${CHECKS[@]}"; do
  /usr/bin/time -f "$c wall_s=%e peak_rss_kib=%M" -a -o "$OUT/rss.txt" \
    spatch --sp-file "$here/cocci/$c.cocci" --dir "$TREE" "${SPATCH_FLAGS[@]}" \
    > "$scratch/$c.out" 2> "$OUT/stderr-$c.txt"
  sed "s|^$TREE/||" "$scratch/$c.out" | LC_ALL=C sort -t: -k1,1 -k2,2n | uniq > "$OUT/findings-$c.txt"
done
/usr/bin/time -f "set-dma-ops-includes wall_s=%e peak_rss_kib=%M" -a -o "$OUT/rss.txt" \
  spatch --sp-file "$here/cocci/set-dma-ops.cocci" --dir "$TREE" "${SPATCH_FLAGS[@]}" "${INC_FLAGS[@]}" \
  > "$scratch/sdi.out" 2> "$OUT/stderr-set-dma-ops-includes.txt"
sed "s|^$TREE/||" "$scratch/sdi.out" | LC_ALL=C sort -t: -k1,1 -k2,2n | uniq > "$OUT/findings-set-dma-ops-includes.txt"
/usr/bin/time -f "floor wall_s=%e peak_rss_kib=%M" -a -o "$OUT/rss.txt" "$here/floor.sh" "$TREE" >/dev/null

median() { node -e 'const j=require(process.argv[1]); console.log(j.results[0].median.toFixed(3))' "$1" 2>/dev/null \
  || python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }
{
  echo "median wall time over $RUNS warm runs (s):"
  echo "  floor: $(median "$OUT/floor.json")"
  for c in "${CHECKS[@]}"; do echo "  $c.cocci: $(median "$OUT/cocci-$c.json")"; done
  echo "  all three: $(median "$OUT/cocci-all.json")"
  echo "  set-dma-ops.cocci with includes: $(median "$OUT/cocci-set-dma-ops-includes.json")"
  echo "findings:"
  for c in "${CHECKS[@]}"; do echo "  $c: $(wc -l < "$OUT/findings-$c.txt")"; done
  echo "  set-dma-ops with includes: $(wc -l < "$OUT/findings-set-dma-ops-includes.txt")"
  echo "stderr lines other than standard.h warnings:"
  for c in "${CHECKS[@]}" set-dma-ops-includes; do echo "  $c: $(grep -cv 'type defaults to' "$OUT/stderr-$c.txt" || true)"; done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/summary.txt"
cat "$OUT/summary.txt"
