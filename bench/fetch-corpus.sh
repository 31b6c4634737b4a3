#!/usr/bin/env bash
# Fetch and unpack a benchmark corpus: Debian's linux-source-VERSION (a full Linux tree), 6.1
# by default; 6.12 is Debian's linux-source-6.12 (bookworm-security).
#
# The tree goes into a cache OUTSIDE the repository:
#   ${DMALINT_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/dmalint/linux-VERSION}
# Idempotent: a marker file (.dmalint-corpus-complete) is written only after a complete
# unpack; the unpack goes to a sibling staging directory that is renamed into place, so an
# interrupted run leaves no half tree behind and is simply redone next time.
# The tree path is printed on the last line of stdout; progress goes to stderr.
#
# Usage: bench/fetch-corpus.sh [VERSION]  (6.1 or 6.12 …; env: DMALINT_CORPUS, XDG_CACHE_HOME)
set -euo pipefail

log() { printf 'fetch-corpus: %s\n' "$*" >&2; }
die() { printf 'fetch-corpus: error: %s\n' "$*" >&2; exit 1; }

(($# <= 1)) || die "usage: bench/fetch-corpus.sh [VERSION], e.g. 6.1 (default) or 6.12"
VERSION="${1:-6.1}"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+$ ]] || die "version '$VERSION' is not MAJOR.MINOR (e.g. 6.1 or 6.12)"
PKG="linux-source-$VERSION"
TARBALL="usr/src/linux-source-$VERSION.tar.xz"
MARKER=.dmalint-corpus-complete
DEST="${DMALINT_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/dmalint/linux-$VERSION}"

# Refuse to unpack kernel source inside a git work tree (e.g. the dmalint repository).
# (Checked on the nearest existing ancestor, before anything is created.)
parent="$(dirname -- "$DEST")"
probe="$parent"
while [[ ! -d "$probe" ]]; do probe="$(dirname -- "$probe")"; done
if command -v git >/dev/null 2>&1 && git -C "$probe" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  die "$DEST is inside a git work tree; set DMALINT_CORPUS to a path outside the repository"
fi
mkdir -p -- "$parent"
parent="$(cd -- "$parent" && pwd -P)"
DEST="$parent/$(basename -- "$DEST")"

if [[ -f "$DEST/$MARKER" ]]; then
  log "corpus already present ($(head -n1 "$DEST/$MARKER"))"
  printf '%s\n' "$DEST"
  exit 0
fi

# Serialize concurrent runs (several engineers / CI jobs may call this at once).
exec 9>"$parent/.$(basename -- "$DEST").lock"
if command -v flock >/dev/null 2>&1; then
  log "taking lock $parent/.$(basename -- "$DEST").lock"
  flock 9
  if [[ -f "$DEST/$MARKER" ]]; then   # another run finished while we waited
    log "corpus already present ($(head -n1 "$DEST/$MARKER"))"
    printf '%s\n' "$DEST"
    exit 0
  fi
fi

# Tools: apt-get, dpkg-deb, tar, xz.
SUDO=""
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs a Debian/Ubuntu system"
missing=()
command -v dpkg-deb >/dev/null 2>&1 || missing+=(dpkg)
command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
command -v tar >/dev/null 2>&1 || missing+=(tar)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
    || die "could not install ${missing[*]} with apt-get"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dmalint-corpus.XXXXXX")"
stage="$DEST.partial"
cleanup() { rm -rf -- "$tmp" "$stage"; }
trap cleanup EXIT
# apt-get download drops root to the sandbox user _apt; let it write into the temp dir.
if [[ $(id -u) -eq 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$tmp"; else chmod 755 "$tmp"; fi

log "downloading $PKG with apt-get"
if ! (cd "$tmp" && apt-get download "$PKG" >&2); then
  die "apt-get could not download $PKG (is a Debian bookworm source list configured, with bookworm-security for 6.12, and 'apt-get update' done? try: apt-cache policy $PKG)"
fi
deb="$(ls "$tmp"/${PKG}_*.deb 2>/dev/null | head -n1)"
[[ -n "$deb" ]] || die "apt-get download reported success but no ${PKG}_*.deb is in $tmp"
version="$(dpkg-deb -f "$deb" Version)"
log "got $(basename -- "$deb") ($(du -h "$deb" | cut -f1))"

# Extract the tarball from the .deb, then unpack it into the staging directory.
log "extracting $TARBALL from the .deb"
dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$tmp" "./$TARBALL" \
  || die "the .deb does not contain /$TARBALL"
rm -f -- "$deb"

rm -rf -- "$stage"
mkdir -p -- "$stage"
log "unpacking the kernel tree into $stage (a few minutes)"
xz -dc -T0 "$tmp/$TARBALL" | tar -xf - -C "$stage" --strip-components=1 --no-same-owner \
  || die "unpacking $TARBALL failed"
rm -f -- "$tmp/$TARBALL"
[[ -f "$stage/Makefile" && -d "$stage/arch/arm" && -d "$stage/drivers" ]] \
  || die "unpacked tree does not look like a kernel tree (no Makefile/arch/arm/drivers)"

printf '%s %s\nunpacked %s\n' "$PKG" "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$stage/$MARKER"
rm -rf -- "$DEST"          # a stale tree without marker (interrupted older run)
mv -- "$stage" "$DEST"
log "done: $PKG $version in $DEST"
printf '%s\n' "$DEST"
