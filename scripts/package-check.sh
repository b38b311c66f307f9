#!/usr/bin/env bash
# make package-check (part of make test): builds the Linux tarball, the .deb
# and the Windows build with scripts/package.sh into build/package, and
# checks them as a user would meet them:
#
#   the checkout    unchanged by the build (FyneApp.toml above all)
#   tarball         its files, a stripped binary that prints the stamped
#                   version, a valid desktop entry, its Makefile's install
#   .deb            its fields and files, installed with dpkg into a scratch
#                   root (own --instdir and --admindir), where
#                   `billfold archive --help` runs under LANG=C.UTF-8 with
#                   nothing on standard error; then removed again
#   Windows         Billfold.exe a GUI-subsystem program, billfold-archive.exe
#                   a console one, both stripped and stamped; under Wine,
#                   when installed (not in CI), billfold-archive.exe runs
#                   and returns its exit status
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${DIST:-build/package}
version=$(scripts/version.sh)
deb_version=$(scripts/version.sh --deb)
app_id=$(sed -n 's/^ID *= *"\(.*\)"/\1/p' FyneApp.toml)

fail() { echo "package-check: FAIL: $*" >&2; exit 1; }
ok() { echo "package-check: ok: $*"; }

before=$(git status --porcelain --untracked-files=all; sha256sum FyneApp.toml)
rm -rf "$DIST"
DIST=$DIST scripts/package.sh linux deb windows
after=$(git status --porcelain --untracked-files=all; sha256sum FyneApp.toml)
[[ $before == "$after" ]] || fail "the build changed the checkout:"$'\n'"$(diff <(echo "$before") <(echo "$after"))"
ok "checkout unchanged (FyneApp.toml $(sha256sum FyneApp.toml | cut -c1-12))"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# stripped_elf FILE: no symbol table, no DWARF.
stripped_elf() {
  ! readelf -S --wide "$1" | grep -E '\.symtab|\.debug_' >/dev/null || fail "$1 is not stripped"
}

# runs_clean WANT CMD...: CMD exits 0, its standard output starts with WANT,
# its standard error is empty, in the locale cron and containers have.
runs_clean() {
  local want=$1 out err; shift
  out=$(LANG=C.UTF-8 LC_ALL= LANGUAGE= "$@" 2>"$work/stderr") || fail "$* exited $?"
  err=$(cat "$work/stderr")
  [[ $out == "$want"* ]] || fail "$*: standard output ${out:0:200}, want $want…"
  [[ -z $err ]] || fail "$*: standard error: $err"
}

# --- Linux tarball
tarball=$DIST/Billfold-$version-linux-amd64.tar.xz
[[ -f $tarball ]] || fail "no $tarball"
mkdir -p "$work/tar"
tar -xJf "$tarball" -C "$work/tar"
t=$work/tar/billfold
prefix=$t/usr/local
[[ -d $prefix ]] || prefix=$t/usr
for f in Makefile THIRD-PARTY-LICENSES.txt; do [[ -f $t/$f ]] || fail "tarball lacks billfold/$f"; done
for f in bin/billfold "share/applications/$app_id.desktop" "share/pixmaps/$app_id.png"; do
  [[ -f $prefix/$f ]] || fail "tarball lacks ${prefix#"$work/tar/"}/$f"
done
stripped_elf "$prefix/bin/billfold"
runs_clean "billfold $version" "$prefix/bin/billfold" --version
desktop-file-validate "$prefix/share/applications/$app_id.desktop" || fail "desktop entry"
grep -q '^Exec=billfold$' "$prefix/share/applications/$app_id.desktop" || fail "desktop entry Exec"
grep -q 'IPA Font License' "$t/THIRD-PARTY-LICENSES.txt" || fail "tarball licences lack the font's"
make -s -C "$t" install DESTDIR="$work/tar-installed" >/dev/null || fail "the tarball's make install"
runs_clean "usage: billfold archive" "$(find "$work/tar-installed" -path '*/bin/billfold')" archive --help
ok "$(basename "$tarball") $(du -h "$tarball" | cut -f1): stripped, version $version, desktop entry valid, make install works"

# --- .deb
deb=$DIST/billfold_${deb_version}_amd64.deb
[[ -f $deb ]] || fail "no $deb"
field() { dpkg-deb --field "$deb" "$1"; }
[[ $(field Package) == billfold && $(field Version) == "$deb_version" && $(field Architecture) == amd64 ]] ||
  fail "control fields: $(dpkg-deb --field "$deb" Package Version Architecture)"
for lib in libc6 libgl1 libx11-6 libxrandr2 libxcursor1; do
  [[ $(field Depends) == *"$lib"* ]] || fail "Depends lacks $lib: $(field Depends)"
done
contents=$(dpkg-deb --contents "$deb")
for f in ./usr/bin/billfold "./usr/share/applications/$app_id.desktop" \
  "./usr/share/icons/hicolor/512x512/apps/$app_id.png" ./usr/share/doc/billfold/copyright; do
  grep -q " $f\$" <<<"$contents" || fail ".deb lacks $f"
done
! grep -v ' root/root ' <<<"$contents" >/dev/null || fail ".deb has files not owned by root"
root=$work/deb-root
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
touch "$root/var/lib/dpkg/status"
# The scratch root has no libc6 or libgl1 installed: --force-depends; the
# binary runs with this machine's libraries.
dpkg_scratch() { dpkg --instdir="$root" --admindir="$root/var/lib/dpkg" --force-not-root --force-depends --log=/dev/null "$@"; }
dpkg_scratch --install "$deb" >/dev/null 2>"$work/dpkg.err" || fail "dpkg --install: $(cat "$work/dpkg.err")"
runs_clean "usage: billfold archive <command>" "$root/usr/bin/billfold" archive --help
runs_clean "billfold $version" "$root/usr/bin/billfold" --version
dpkg_scratch --remove billfold >/dev/null 2>&1 || fail "dpkg --remove"
[[ ! -e $root/usr/bin/billfold ]] || fail "dpkg --remove left /usr/bin/billfold"
ok "$(basename "$deb") $(du -h "$deb" | cut -f1): installed into a scratch root, billfold archive --help ran, removed; Depends: $(field Depends)"

# --- Windows
zip=$DIST/Billfold-$version-windows-amd64.zip
[[ -f $zip ]] || fail "no $zip"
mkdir -p "$work/win"
unzip -q "$zip" -d "$work/win"
w=$work/win/Billfold
for f in Billfold.exe billfold-archive.exe THIRD-PARTY-LICENSES.txt; do [[ -f $w/$f ]] || fail "zip lacks Billfold/$f"; done
subsystem() { x86_64-w64-mingw32-objdump -p "$1" | sed -n 's/^Subsystem.*(\(.*\))$/\1/p'; }
[[ $(subsystem "$w/Billfold.exe") == "Windows GUI" ]] || fail "Billfold.exe subsystem: $(subsystem "$w/Billfold.exe")"
[[ $(subsystem "$w/billfold-archive.exe") == "Windows CUI" ]] || fail "billfold-archive.exe subsystem: $(subsystem "$w/billfold-archive.exe")"
for exe in Billfold.exe billfold-archive.exe; do
  ! x86_64-w64-mingw32-objdump -h "$w/$exe" | grep '\.debug_' >/dev/null || fail "$exe is not stripped"
  grep -qaF "$version" "$w/$exe" || fail "$exe does not hold the version $version"
done
x86_64-w64-mingw32-objdump -h "$w/Billfold.exe" | grep '\.rsrc' >/dev/null || fail "Billfold.exe has no resources (icon, manifest, version)"
ok "$(basename "$zip") $(du -h "$zip" | cut -f1): Billfold.exe GUI subsystem with icon and version resource, billfold-archive.exe console, stripped, version $version"

# Under Wine, when it is installed (not in CI: 650 MB): the console
# program's output and exit status, as cmd sees them in a scheduled batch
# file. Debian 12's Wine 8.0 lacks bcryptprimitives.dll, which the Go
# runtime needs (Windows 10 and later have it): a stand-in, built here,
# goes into the throwaway Wine prefix. (Wine hands its Unix output to GUI
# programs too, so it cannot show what the console program is for.)
if command -v wine >/dev/null; then
  export WINEPREFIX=$work/wine WINEDEBUG=-all
  wine cmd /c exit >/dev/null 2>&1 || fail "wine does not start"
  printf 'LIBRARY bcryptprimitives\nEXPORTS\n  ProcessPrng\n' >"$work/bcryptprimitives.def"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    scripts/wine/bcryptprimitives.c "$work/bcryptprimitives.def" -ladvapi32 ||
    fail "building the bcryptprimitives.dll stand-in"
  printf '%s\r\n' '@echo off' \
    'billfold-archive.exe version' 'echo status %ERRORLEVEL%' \
    'billfold-archive.exe verify --dir C:\no-such-folder 2>NUL' 'echo status %ERRORLEVEL%' \
    'billfold-archive.exe frobnicate 2>NUL' 'echo status %ERRORLEVEL%' >"$w/check.bat"
  out=$(cd "$w" && { wine cmd /c check.bat 2>/dev/null || true; } | tr -d '\r')
  want="billfold-archive $version"$'\nstatus 0\nstatus 1\nstatus 2'
  [[ $out == "$want" ]] || fail "billfold-archive.exe under Wine printed:"$'\n'"$out"$'\n'"want:"$'\n'"$want"
  wineserver -k 2>/dev/null || true
  ok "under Wine, from a batch file: billfold-archive.exe version (status 0), a failed verify (1), a usage error (2)"
fi
