#!/usr/bin/env bash
# Many configurations in one run against one: the same tree checked with the first .config of
# CONFIGS alone and with all of them (`--kconfig CONFIGS`), cold (an empty cache directory) and
# warm (the cache that run left), RUNS times each. Prints wall and CPU (user+sys) seconds, and
# the findings of each run. The configurations are made by Kconfig, outside the corpus tree:
#   for d in multi_v7 imx_v6_v7 …; do make -C TREE O=/tmp/kcfg ARCH=arm ${d}_defconfig; cp /tmp/kcfg/.config CONFIGS/$d.config; done
#
# Usage: bench/configurations.sh TREE CONFIGS [RUNS]
set -euo pipefail
[[ $# -ge 2 && -d "$1" && -d "$2" ]] || { echo "usage: $0 TREE CONFIGS [RUNS]" >&2; exit 2; }
tree=$1; configs=$2; runs=${3:-3}
here=$(cd -- "$(dirname -- "$0")/.." && pwd)
cli="$here/dist/src/cli/main.js"
first=$(find "$configs" -maxdepth 1 -type f | sort | head -1)
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT

measure() { # label cache-mode kconfig-argument
  local label=$1 mode=$2 kconfig=$3 i
  for ((i = 1; i <= runs; i++)); do
    [[ $mode == cold ]] && rm -rf "$scratch/cache-$label"
    /usr/bin/time -f "%e %U %S %M" -o "$scratch/time" node "$cli" -q --cache-dir "$scratch/cache-$label" --kconfig "$kconfig" "$tree" >"$scratch/out" || [[ $? -eq 1 ]]
    read -r wall user sys rss < <(tail -1 "$scratch/time") # time says "Command exited with non-zero status 1" first
    printf '%-22s %-4s run %d: wall %6.2f s  cpu %6.2f s  rss %4d MiB  findings %d\n' "$label" "$mode" "$i" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) \
      "$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$scratch/out")"
  done
}
n=$(find "$configs" -maxdepth 1 -type f | wc -l)
for mode in cold warm; do
  measure one "$mode" "$first"
  measure "all-$n" "$mode" "$configs"
done
