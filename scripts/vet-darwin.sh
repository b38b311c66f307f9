#!/usr/bin/env bash
# go vet for macOS (darwin/arm64), which cannot be built here: Fyne needs
# cgo and Apple's SDK there (its window driver, and even its widgets read a
# system setting through cgo). Two checks:
#
#   every package but the desktop app's Fyne packages compiles without cgo
#   on darwin: a package that needs cgo for any other reason fails, since it
#   would break the pure-Go cross builds (billfold-server, billfold-archive);
#
#   the packages with platform-specific files (a file name or build
#   constraint naming an operating system, "unix" included) are vetted for
#   darwin without cgo. The others compile from the same files on darwin as
#   on Linux, where make vet checks them; vetting them again for darwin
#   would compile all their dependencies a second time, minutes of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
TAGS=${TAGS:-migrated_fynedo,no_emoji}
export GOOS=darwin GOARCH=arm64

oses='aix|android|darwin|dragonfly|freebsd|illumos|ios|js|linux|netbsd|openbsd|plan9|solaris|wasip1|windows|unix|other'
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
for pkg in "${pure[@]}"; do
  dir=$($GO list -e -f '{{.Dir}}' "$pkg")
  if ls "$dir"/*.go 2>/dev/null | grep -Eq "_($oses)(_[a-z0-9]+)?(_test)?\.go$" ||
    grep -Eqs "^//go:build .*\b($oses)\b" "$dir"/*.go; then
    vet+=("$pkg")
  fi
done
echo "vet-darwin: ${#pure[@]} packages compile without cgo; vetting those with platform-specific files: ${vet[*]}"
echo "vet-darwin: not checked, they need Fyne's cgo: ${cgo[*]}"
CGO_ENABLED=0 $GO vet -tags "$TAGS" "${vet[@]}"
