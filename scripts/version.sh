#!/usr/bin/env bash
# The version of this checkout, from git. Release tags are vX.Y.Z (pre-release
# tags such as v1.2.0-rc1 are not used).
#
#   scripts/version.sh          v1.2.0 | v1.2.0-3-gabc1234 | v1.2.0-3-gabc1234-dirty   (git describe)
#   scripts/version.sh --app    1.2.0      fyne package --app-version (x.y.z)
#   scripts/version.sh --build  512        fyne package --app-build: commits in the history (> 0,
#                                          always growing: Windows file version, macOS bundle build)
#   scripts/version.sh --deb    1.2.0+3.gabc1234   Debian package version (sorts after 1.2.0, before 1.2.1)
#
# Before the first tag, git describe has nothing to describe from: the
# version is then v0.0.0-<commits>-g<hash>, as if v0.0.0 tagged the root.
# Without git (a source tarball) it is v0.0.0-unknown.
set -euo pipefail
cd "$(dirname "$0")/.."

describe() {
  git describe --tags --match 'v[0-9]*.[0-9]*.[0-9]*' --exclude 'v*-*' --dirty 2>/dev/null && return
  local n hash dirty=""
  n=$(git rev-list --count HEAD 2>/dev/null) || { echo v0.0.0-unknown; return; }
  hash=$(git rev-parse --short HEAD)
  git diff --quiet HEAD -- 2>/dev/null || dirty=-dirty
  echo "v0.0.0-$n-g$hash$dirty"
}

v=$(describe)
# v1.2.0[-3-gabc1234][-dirty] → 1.2.0 and the rest
re='^v([0-9]+\.[0-9]+\.[0-9]+)(-(.*))?$'
[[ $v =~ $re ]] || { echo "version.sh: cannot read version $v" >&2; exit 1; }
base=${BASH_REMATCH[1]} rest=${BASH_REMATCH[3]}

case "${1:-}" in
  "") echo "$v" ;;
  --app) echo "$base" ;;
  --build) git rev-list --count HEAD 2>/dev/null || echo 1 ;;
  --deb) if [[ -z $rest ]]; then echo "$base"; else echo "$base+${rest//-/.}"; fi ;;
  *) echo "usage: $0 [--app|--build|--deb]" >&2; exit 2 ;;
esac
