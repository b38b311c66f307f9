#!/usr/bin/env bash
# go vet for macOS (darwin/arm64), which cannot be built here: Fyne needs
# cgo and Apple's SDK there (its window driver, and even its widgets read a
# system setting through cgo). Every package that compiles without cgo —
# all but the desktop app's Fyne packages — is vetted for darwin, without
# cgo. A package that needs cgo for any other reason fails the check: it
# would break the pure-Go cross builds (billfold-server, billfold-archive).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
TAGS=${TAGS:-migrated_fynedo,no_emoji}
export GOOS=darwin GOARCH=arm64

pure=() cgo=()
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
echo "vet-darwin: vetting ${#pure[@]} packages; not vetted, they need Fyne's cgo: ${cgo[*]}"
CGO_ENABLED=0 $GO vet -tags "$TAGS" "${pure[@]}"
