#!/usr/bin/env bash
# Checks a Linux release archive made by `make package`: it holds the program, its desktop
# entry, icon, README.md, INSTALL and install.sh in one folder; the desktop entry is valid
# enough to open files; the program prints the version the archive is named for.
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
for f in redox-uploader redox-uploader.desktop redox-uploader.png README.md INSTALL install.sh; do
  grep -qx "$base/$f" <<<"$listing" || fail "does not hold $base/$f"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$archive" -C "$tmp"
dir=$tmp/$base

{ [ -x "$dir/redox-uploader" ] && [ -x "$dir/install.sh" ]; } || fail "redox-uploader or install.sh is not executable"
desktop=$dir/redox-uploader.desktop
for key in 'Type=Application' 'Name=Redox Uploader' 'Exec=redox-uploader %F' 'Icon=redox-uploader' 'Categories=' 'MimeType=application/pdf;'; do
  grep -q "^$key" "$desktop" || fail "desktop entry has no line starting '$key'"
done
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "desktop-file-validate rejects the desktop entry"
fi
[[ $(file -b "$dir/redox-uploader.png") == PNG* ]] || fail "the icon is not a PNG"

out=$("$dir/redox-uploader" version) || fail "'redox-uploader version' failed"
[[ $out =~ ^Redox\ Uploader\ ${version//./\\.}\ \(commit\ ([0-9a-f]{7}(-dirty)?|unknown),\ built\ [0-9]{4}-[0-9]{2}-[0-9]{2}\)$ ]] ||
  fail "'redox-uploader version' printed '$out', want 'Redox Uploader $version (commit HASH, built DATE)'"
go version -m "$dir/redox-uploader" 2>/dev/null | grep -q -- '-trimpath=true' || fail "not built with -trimpath"

# install.sh into a scratch prefix: the program, entry and icon land where INSTALL says.
PREFIX=$tmp/prefix "$dir/install.sh" >/dev/null || fail "install.sh failed"
for f in bin/redox-uploader share/applications/redox-uploader.desktop share/icons/hicolor/256x256/apps/redox-uploader.png; do
  [ -e "$tmp/prefix/$f" ] || fail "install.sh did not install $f"
done
grep -q "^Exec=\"$tmp/prefix/bin/redox-uploader\" %F" "$tmp/prefix/share/applications/redox-uploader.desktop" ||
  fail "the installed desktop entry does not run the installed program"
PREFIX=$tmp/prefix "$dir/install.sh" --remove >/dev/null || fail "install.sh --remove failed"
[ ! -e "$tmp/prefix/bin/redox-uploader" ] || fail "install.sh --remove left the program"

echo "check-package: $archive holds the program ($out), desktop entry, icon, README.md, INSTALL and install.sh"
