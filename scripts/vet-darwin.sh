#!/usr/bin/env bash
# go vet for macOS (darwin/arm64), which cannot be built here: Fyne needs
# cgo and Apple's SDK there (its window driver, and even its widgets read a
# system setting through cgo). Two checks:
#
#   every package but the desktop app's Fyne packages compiles without cgo
#   on darwin: a package that needs cgo for any other reason fails, since it
#   would break the pure-Go cross builds (billfold-server, billfold-archive);
#
#   the packages built from other files on darwin than on Linux (a file
#   name or build constraint naming one of them) are vetted for darwin
#   without cgo. The others compile from the same files on both, and make
#   vet checks those on Linux; vetting them again for darwin would compile
#   every dependency a second time, minutes of CI. (Files for "unix" are
#   vetted on Linux only, so a Linux-only system call in one would pass.)
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
TAGS=${TAGS:-migrated_fynedo,no_emoji}
export GOOS=darwin GOARCH=arm64

pure=() cgo=() vet=()
for pkg in $($GO list -e ./...); do
  # Non-standard dependencies with cgo files: on darwin without cgo those
  # files drop out and the package no longer compiles. (The standard
  # library has pure-Go fallbacks.)
  deps=$(CGO_ENABLED=1 $GO list -e -deps -tags "$TAGS" -f '{{.ImportPath}} {{if and .CgoFiles (not .Standard)}}cgo{{end}}' "$pkg")
  if ! grep -q ' cgo$' <<<"$deps"; then
    pure+=("$pkg")
  elif grep -q '^fyne\.io/fyne/v2 ' <<<"$deps"; then
    cgo+=("$pkg")
  else
    echo "vet-darwin: $pkg needs cgo on darwin, and not for Fyne:" $(sed -n 's/ cgo$//p' <<<"$deps") >&2
    exit 1
  fi
done
files='{{.ImportPath}} {{.GoFiles}} {{.TestGoFiles}} {{.XTestGoFiles}}'
differ=$(diff <(GOOS=linux GOARCH=amd64 CGO_ENABLED=0 $GO list -e -tags "$TAGS" -f "$files" "${pure[@]}") \
  <(CGO_ENABLED=0 $GO list -e -tags "$TAGS" -f "$files" "${pure[@]}") | sed -n 's/^> \([^ ]*\) .*/\1/p' || true)
vet=($differ)
echo "vet-darwin: ${#pure[@]} packages compile without cgo; vetting those built from other files than on Linux: ${vet[*]}"
echo "vet-darwin: not checked, they need Fyne's cgo: ${cgo[*]}"
# With no package named, go vet would vet the current directory's instead.
if ((${#vet[@]} > 0)); then CGO_ENABLED=0 $GO vet -tags "$TAGS" "${vet[@]}"; fi
