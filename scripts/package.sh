#!/usr/bin/env bash
# Release artefacts into dist/ (make package; make package-check builds
# linux, deb and windows, then scripts/package-check.sh tests them):
#
#   scripts/package.sh [linux] [deb] [windows] [server]     (none: all four)
#
#   linux    Billfold-VERSION-linux-amd64.tar.xz   fyne package -os linux: binary, desktop entry, icon, Makefile
#   deb      billfold_DEBVERSION_amd64.deb         the same files under /usr, dependencies from dpkg-shlibdeps
#   windows  Billfold-VERSION-windows-amd64.zip    Billfold.exe (GUI, fyne package -os windows, MinGW)
#                                                  and billfold-archive.exe (the archive command, console)
#   server   billfold-server-VERSION-OS-ARCH.tar.gz|.zip for linux/amd64, linux/arm64, darwin/arm64,
#            windows/amd64 (pure Go, CGO_ENABLED=0), with deploy/ for the Linux ones
#
# Every package holds the licences of what is compiled into it. The version
# comes from scripts/version.sh (git describe) and is stamped into every
# binary. Release builds: -trimpath, stripped (-s -w), fyne's release tag.
#
# fyne package writes into the folder it builds: it bumps Build in
# FyneApp.toml and leaves fyne_metadata_init.go and fyne.syso behind while
# it works. It therefore runs on a copy of the tree (tracked and untracked,
# not ignored files), and the checkout is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."

FYNE=${FYNE:?set FYNE to the fyne CLI (make package installs it)}
TAGS=${TAGS:-migrated_fynedo,no_emoji}
GO=${GO:-go}
DIST=${DIST:-dist}
app_id=$(sed -n 's/^ID *= *"\(.*\)"/\1/p' FyneApp.toml)
version=$(scripts/version.sh)
app_version=$(scripts/version.sh --app)
app_build=$(scripts/version.sh --build)
deb_version=$(scripts/version.sh --deb)

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(linux deb windows server)

mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '== %s (%s)\n' "$*" "$version"; }

# copy_tree DIR: the checkout's files, as git sees them, into DIR.
copy_tree() {
  mkdir -p "$1"
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do if [[ -e $f ]]; then printf '%s\0' "$f"; fi; done |
    tar --null -T - -cf - | tar -xf - -C "$1"
}

# licences OUT GOOS GOARCH CGO PACKAGE...: the licence of every module
# compiled into the packages for that platform, the Go distribution's (its
# runtime and standard library are in every binary) and, for the desktop
# app, the embedded font's. A module without a licence file stops the build.
licences() {
  local out=$1 goos=$2 goarch=$3 cgo=$4; shift 4
  {
    echo "Billfold $version bundles the following third-party software. Their licences follow."
    echo
    echo "==> Go $($GO env GOVERSION) (runtime and standard library)"
    cat "$($GO env GOROOT)/LICENSE"
    GOOS=$goos GOARCH=$goarch CGO_ENABLED=$cgo $GO list -deps -tags "$TAGS" \
      -f '{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}} {{.Dir}}{{end}}{{end}}' "$@" | sort -u |
      while read -r path ver dir; do
        # One level down too: C libraries bundled inside a module (GLFW in
        # go-gl/glfw) and sub-packages with licences of their own.
        files=$(find "$dir" -maxdepth 2 -type f \( -iname 'LICEN[CS]E*' -o -iname 'COPYING*' -o -iname 'NOTICE*' \) \
          -not -name '*.go' -not -path '*/testdata/*' | sort)
        [[ -n $files ]] || { echo "package.sh: no licence file in module $path $ver ($dir)" >&2; exit 1; }
        for f in $files; do
          printf '\n==> %s %s: %s\n' "$path" "$ver" "${f#"$dir"/}"
          cat "$f"
        done
      done
    if GOOS=$goos GOARCH=$goarch CGO_ENABLED=$cgo $GO list -deps -tags "$TAGS" "$@" | grep -x billfold/assets >/dev/null; then
      printf '\n==> IPAexGothic font (assets/fonts/ipaexg.ttf), embedded unmodified\n'
      cat assets/fonts/IPA_Font_License_Agreement_v1.0.txt
    fi
  } >"$out"
}

src=$work/src
copy_tree "$src"
# The version goes into the copy's source rather than through -ldflags -X:
# fyne package builds the Windows program twice and hands the -ldflags it
# takes from GOFLAGS only to the first build.
stamped="var version = \"$version\""
sed -i "s|^var version string\$|$stamped|" "$src/internal/appinfo/appinfo.go"
grep -qxF "$stamped" "$src/internal/appinfo/appinfo.go" || { echo "package.sh: cannot stamp the version into internal/appinfo" >&2; exit 1; }

# fyne_package OS: fyne package in the copy, with the version from git.
fyne_package() {
  (cd "$src" && "$FYNE" package -os "$1" --release \
    --app-version "$app_version" --app-build "$app_build" --tags "$TAGS")
}

linux_tar=$DIST/Billfold-$version-linux-amd64.tar.xz
linux_tree=$work/linux # the tarball's contents: billfold/{Makefile,usr/local/…}

build_linux() {
  step "Linux: fyne package -os linux"
  fyne_package linux
  mkdir -p "$linux_tree"
  tar -xJf "$src/Billfold.tar.xz" -C "$linux_tree"
  licences "$linux_tree/billfold/THIRD-PARTY-LICENSES.txt" linux amd64 1 .
  tar -cf - -C "$linux_tree" billfold | xz -T0 -6 >"$linux_tar"
}

build_deb() {
  [[ -d $linux_tree/billfold ]] || build_linux
  step "Debian package"
  local from=$linux_tree/billfold/usr deb=$work/deb
  [[ -d $from/local ]] && from=$from/local
  install -Dm755 "$from/bin/billfold" "$deb/usr/bin/billfold"
  install -Dm644 "$from/share/applications/$app_id.desktop" "$deb/usr/share/applications/$app_id.desktop"
  install -Dm644 "$from/share/pixmaps/$app_id.png" "$deb/usr/share/icons/hicolor/512x512/apps/$app_id.png"
  install -Dm644 "$linux_tree/billfold/THIRD-PARTY-LICENSES.txt" "$deb/usr/share/doc/billfold/copyright"
  # dpkg-shlibdeps reads the package name from a debian/control beside it.
  mkdir -p "$work/shlibs/debian"
  printf 'Source: billfold\n\nPackage: billfold\nArchitecture: any\n' >"$work/shlibs/debian/control"
  local depends
  depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$deb/usr/bin/billfold" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  [[ -n $depends ]] || { echo "package.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
  # GLFW loads these X libraries with dlopen (RandR for monitors and
  # scaling, cursors, input), so dpkg-shlibdeps cannot see them.
  depends="$depends, libxrandr2, libxcursor1, libxi6, libxinerama1, libxxf86vm1, libx11-xcb1, libxrender1"
  mkdir -p "$deb/DEBIAN"
  cat >"$deb/DEBIAN/control" <<EOF
Package: billfold
Version: $deb_version
Architecture: amd64
Maintainer: ${DEB_MAINTAINER:-Billfold <https://github.com/billfold/billfold/issues>}
Installed-Size: $(du -sk --exclude=DEBIAN "$deb" | cut -f1)
Depends: $depends
Recommends: gnome-keyring | kwalletmanager | keepassxc, xdg-utils
Section: office
Priority: optional
Homepage: https://github.com/billfold/billfold
Description: desktop billing client for hosting customers and account managers
 Billfold shows a hosting account's Available Credit, adds funds (amount,
 gateway, invoice, payment), applies credit to invoices, redeems vouchers,
 saves invoice PDFs and keeps an offline, searchable, tamper-evident archive
 of them. The archive also runs headless for scheduled jobs:
 billfold archive sync|search|verify|export.
EOF
  dpkg-deb --root-owner-group -Zxz --build "$deb" "$DIST/billfold_${deb_version}_amd64.deb" >/dev/null
}

build_windows() {
  step "Windows: fyne package -os windows (MinGW) and billfold-archive.exe"
  local win=$work/windows/Billfold
  mkdir -p "$win"
  # The pure-Go archive command builds beside the app: MinGW compiles the
  # OpenGL binding's one large C file on one core for minutes.
  CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $GO build -C "$src" -trimpath -ldflags "-s -w" \
    -o "$win/billfold-archive.exe" ./cmd/billfold-archive &
  local archive_build=$!
  CC=x86_64-w64-mingw32-gcc GOARCH=amd64 fyne_package windows || { kill "$archive_build" 2>/dev/null; wait "$archive_build"; exit 1; }
  wait "$archive_build" || { echo "package.sh: billfold-archive.exe did not build" >&2; exit 1; }
  mv "$src/Billfold.exe" "$win/Billfold.exe"
  licences "$win/THIRD-PARTY-LICENSES.txt" windows amd64 1 .
  rm -f "$DIST/Billfold-$version-windows-amd64.zip"
  (cd "$work/windows" && zip -q -X -9 -r "$DIST/Billfold-$version-windows-amd64.zip" Billfold)
}

build_server() {
  local target goos goarch dir exe
  for target in linux/amd64 linux/arm64 darwin/arm64 windows/amd64; do
    goos=${target%/*} goarch=${target#*/}
    step "billfold-server $goos/$goarch"
    dir=$work/server/billfold-server-$version-$goos-$goarch
    exe=billfold-server
    [[ $goos == windows ]] && exe=billfold-server.exe
    mkdir -p "$dir"
    CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch $GO build -C "$src" -trimpath -ldflags "-s -w" \
      -o "$dir/$exe" ./cmd/billfold-server
    licences "$dir/THIRD-PARTY-LICENSES.txt" "$goos" "$goarch" 0 ./cmd/billfold-server
    if [[ $goos == linux ]]; then
      cp -r deploy "$dir/deploy"
    fi
    if [[ $goos == windows ]]; then
      rm -f "$DIST/$(basename "$dir").zip"
      (cd "$work/server" && zip -q -X -9 -r "$DIST/$(basename "$dir").zip" "$(basename "$dir")")
    else
      tar -czf "$DIST/$(basename "$dir").tar.gz" -C "$work/server" "$(basename "$dir")"
    fi
  done
}

for t in "${targets[@]}"; do
  case $t in
    linux | deb | windows | server) "build_$t" ;;
    *) echo "usage: $0 [linux] [deb] [windows] [server]" >&2; exit 2 ;;
  esac
done
(cd "$DIST" && shopt -s nullglob && sha256sum -- *.tar.xz *.deb *.zip *.tar.gz >SHA256SUMS)
ls -l "$DIST"
