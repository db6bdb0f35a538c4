#!/usr/bin/env bash
# Checks a Linux release archive made by `make package`: it holds both programs, the desktop
# entry, icon, README.md, INSTALL and install.sh in one folder; the command line redox-uploader
# is the headless build (static, no cgo, no graphics libraries) and starts the window program
# beside it when given no command, and says so plainly when that is missing; the window program
# is the cgo build the desktop entry runs; both print the version the archive is named for.
#
#   scripts/check-package.sh dist/redox-uploader-VERSION-linux-amd64.tar.xz
set -euo pipefail

archive=${1:?usage: scripts/check-package.sh ARCHIVE.tar.xz}
fail() { echo "check-package: $archive: $*" >&2; exit 1; }
[ -s "$archive" ] || fail "missing or empty"
base=$(basename "$archive" .tar.xz)
[[ $base =~ ^redox-uploader-(.+)-linux-[a-z0-9]+$ ]] || fail "name is not redox-uploader-VERSION-linux-ARCH.tar.xz"
version=${BASH_REMATCH[1]}

listing=$(tar -tJf "$archive")
for f in redox-uploader redox-uploader-window redox-uploader.desktop redox-uploader.png README.md INSTALL install.sh; do
  grep -qx "$base/$f" <<<"$listing" || fail "does not hold $base/$f"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$archive" -C "$tmp"
dir=$tmp/$base

for f in redox-uploader redox-uploader-window install.sh; do
  [ -x "$dir/$f" ] || fail "$f is not executable"
done
desktop=$dir/redox-uploader.desktop
for key in 'Type=Application' 'Name=Redox Uploader' 'Exec=redox-uploader-window %F' 'TryExec=redox-uploader-window' \
  'Icon=redox-uploader' 'Categories=' 'MimeType=application/pdf;'; do
  grep -q "^$key" "$desktop" || fail "desktop entry has no line starting '$key'"
done
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "desktop-file-validate rejects the desktop entry"
fi
[[ $(file -b "$dir/redox-uploader.png") == PNG* ]] || fail "the icon is not a PNG"

for program in redox-uploader redox-uploader-window; do
  out=$("$dir/$program" version) || fail "'$program version' failed"
  [[ $out =~ ^Redox\ Uploader\ ${version//./\\.}\ \(commit\ ([0-9a-f]{7}(-dirty)?|unknown),\ built\ [0-9]{4}-[0-9]{2}-[0-9]{2}\)$ ]] ||
    fail "'$program version' printed '$out', want 'Redox Uploader $version (commit HASH, built DATE)'"
  go version -m "$dir/$program" 2>/dev/null | grep -q -- '-trimpath=true' || fail "$program is not built with -trimpath"
done

# The command line loads no graphics libraries: static, the headless build without cgo. The
# window program is the cgo build with Fyne.
cli_info=$(go version -m "$dir/redox-uploader")
{ grep -q 'CGO_ENABLED=0' <<<"$cli_info" && grep -q -- '-tags=headless' <<<"$cli_info"; } ||
  fail "redox-uploader is not the headless build without cgo: $(grep -E 'CGO_ENABLED|-tags' <<<"$cli_info" | tr -s '\t\n' '  ')"
[[ $(file -b "$dir/redox-uploader") == *"statically linked"* ]] || fail "redox-uploader is not statically linked: $(file -b "$dir/redox-uploader")"
go version -m "$dir/redox-uploader-window" | grep -q 'CGO_ENABLED=1' || fail "redox-uploader-window is not built with cgo: it has no window"

# launches PROGRAM WANT-STATUS WANT-TEXT WHAT: with no command and no display, PROGRAM exits
# with WANT-STATUS saying WANT-TEXT.
launches() {
  local status=0
  env -u DISPLAY -u WAYLAND_DISPLAY "$1" --data-dir "$tmp/data" >"$tmp/launch.log" 2>&1 || status=$?
  [ "$status" -eq "$2" ] && grep -qF "$3" "$tmp/launch.log" ||
    fail "$4: '$1' with no command exited with status $status (want $2), saying: $(cat "$tmp/launch.log")"
}
# The window program's own refusal (no screen here) shows that the command line started it.
launches "$dir/redox-uploader" 1 "there is no screen to show it on" "the command line does not start the window program"
mkdir "$tmp/alone"
cp "$dir/redox-uploader" "$tmp/alone/"
launches "$tmp/alone/redox-uploader" 2 "redox-uploader-window, is not in the same folder" "without the window program beside it"

# install.sh into a scratch prefix: the programs, entry and icon land where INSTALL says.
PREFIX=$tmp/prefix "$dir/install.sh" >/dev/null || fail "install.sh failed"
for f in bin/redox-uploader bin/redox-uploader-window share/applications/redox-uploader.desktop \
  share/icons/hicolor/256x256/apps/redox-uploader.png; do
  [ -e "$tmp/prefix/$f" ] || fail "install.sh did not install $f"
done
grep -q "^Exec=\"$tmp/prefix/bin/redox-uploader-window\" %F" "$tmp/prefix/share/applications/redox-uploader.desktop" ||
  fail "the installed desktop entry does not run the installed window program"
launches "$tmp/prefix/bin/redox-uploader" 1 "there is no screen to show it on" "the installed command line does not start the window program"
PREFIX=$tmp/prefix "$dir/install.sh" --remove >/dev/null || fail "install.sh --remove failed"
for f in redox-uploader redox-uploader-window; do
  [ ! -e "$tmp/prefix/bin/$f" ] || fail "install.sh --remove left $f"
done

echo "check-package: $archive holds the command line (static, no graphics; it starts the window program), the window program ($out), desktop entry, icon, README.md, INSTALL and install.sh"
