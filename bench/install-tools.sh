#!/usr/bin/env bash
# Install, idempotently with apt-get, the tools the benchmark compares dmalint against:
#   ripgrep (rg)       - the "floor" (bench/floor.sh)
#   coccinelle (spatch) - the "Coccinelle" baseline (bench/cocci/*.cocci)
#   time (/usr/bin/time, GNU) - peak RSS via `/usr/bin/time -f %M`
#   hyperfine          - optional, installed when the archive has it
# Already-installed tools are left alone; apt-get update runs only if something is missing.
set -euo pipefail

log() { printf 'install-tools: %s\n' "$*" >&2; }
die() { printf 'install-tools: error: %s\n' "$*" >&2; exit 1; }

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs a Debian/Ubuntu system"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || die "not root and no sudo"
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

# package -> the file that proves it is installed
declare -A REQUIRED=([ripgrep]=rg [coccinelle]=spatch [time]=/usr/bin/time)
declare -A OPTIONAL=([hyperfine]=hyperfine)

have() { [[ "$1" == /* ]] && [[ -x "$1" ]] || command -v "$1" >/dev/null 2>&1; }

need=(); want=()
for p in "${!REQUIRED[@]}"; do have "${REQUIRED[$p]}" || need+=("$p"); done
for p in "${!OPTIONAL[@]}"; do have "${OPTIONAL[$p]}" || want+=("$p"); done

if ((${#need[@]} + ${#want[@]})); then
  log "updating package lists"
  $SUDO apt-get update >&2 || die "apt-get update failed"
fi
if ((${#need[@]})); then
  log "installing ${need[*]}"
  $SUDO apt-get install -y --no-install-recommends "${need[@]}" >&2 \
    || die "apt-get could not install ${need[*]}"
fi
for p in "${want[@]}"; do
  if [[ -n "$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" {print $2}')" ]]; then
    log "installing optional $p"
    $SUDO apt-get install -y --no-install-recommends "$p" >&2 || log "warning: could not install $p (optional)"
  else
    log "optional $p is not available from apt; skipped"
  fi
done

for p in "${!REQUIRED[@]}"; do have "${REQUIRED[$p]}" || die "$p still missing after install"; done
/usr/bin/time -f %M true >/dev/null 2>&1 || die "/usr/bin/time is not GNU time (-f %M unsupported)"

# Report versions (stdout).
echo "rg:        $(rg --version | sed -n 1p)"
echo "spatch:    $(spatch --version 2>&1 | sed -n 1p)"
echo "time:      $(/usr/bin/time --version 2>&1 | sed -n 1p)"
if have hyperfine; then echo "hyperfine: $(hyperfine --version)"; else echo "hyperfine: (not installed)"; fi
