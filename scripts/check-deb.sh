#!/usr/bin/env bash
# Checks a Debian package made by `make deb` (scripts/deb.sh) without installing it: its control
# fields; its Depends, against the libraries the window program links (each one's package, as
# dpkg -S names it on this Debian or Ubuntu build machine, must be a dependency, and libc6 new
# enough for the symbol versions the program uses); the files and their modes; the maintainer
# scripts (postinst creates the group redox-uploader, postrm deletes nothing); and that the
# programs it holds run and find each other.
#
#   scripts/check-deb.sh dist/redox-uploader_VERSION_amd64.deb
set -euo pipefail

deb=${1:?usage: scripts/check-deb.sh DEB}
fail() { echo "check-deb: $deb: $*" >&2; exit 1; }
[ -s "$deb" ] || fail "missing or empty"
base=$(basename "$deb" .deb)
[[ $base =~ ^redox-uploader_(.+)_amd64$ ]] || fail "name is not redox-uploader_VERSION_amd64.deb"
version=${BASH_REMATCH[1]}

# field NAME: the control field NAME.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = redox-uploader ] || fail "Package is '$(field Package)', want redox-uploader"
[ "$(field Version)" = "${version/-/\~}" ] || fail "Version is '$(field Version)', want '${version/-/\~}'"
[ "$(field Architecture)" = amd64 ] || fail "Architecture is '$(field Architecture)', want amd64"
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || fail "Maintainer '$(field Maintainer)' is not 'Name <address>'"
[ -n "$(field Description)" ] || fail "no Description"

# Depends, one name a line; the libc6 version bound apart.
depends=$(field Depends)
depends_names=$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ .*//')
depends_has() { grep -qx "$1" <<<"$depends_names"; }
libc6_min=$(sed -n 's/.*libc6 (>= \([0-9.]*\)).*/\1/p' <<<"$depends")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
dpkg-deb -e "$deb" "$tmp/control"
window=$tmp/root/usr/bin/redox-uploader-window
cli=$tmp/root/usr/bin/redox-uploader

# The files and folders, with their modes and owner.
listing=$(dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }')
for want in \
  '-rwxr-xr-x root/root ./usr/bin/redox-uploader' \
  '-rwxr-xr-x root/root ./usr/bin/redox-uploader-window' \
  '-rw-r--r-- root/root ./usr/share/applications/redox-uploader.desktop' \
  '-rw-r--r-- root/root ./usr/share/icons/hicolor/256x256/apps/redox-uploader.png' \
  '-rw-r--r-- root/root ./usr/share/doc/redox-uploader/copyright' \
  '-rw-r--r-- root/root ./usr/share/doc/redox-uploader/changelog.gz' \
  '-rw-r--r-- root/root ./usr/share/lintian/overrides/redox-uploader' \
  'drwxr-xr-x root/root ./etc/redox-uploader/'; do
  grep -qxF -- "$want" <<<"$listing" || fail "does not hold '$want'; it holds:
$listing"
done
files=$(grep -vc '^d' <<<"$listing")
[ "$files" -eq 7 ] || fail "holds $files files, want 7:
$listing"
[ -z "$(ls -A "$tmp/root/etc/redox-uploader")" ] || fail "/etc/redox-uploader is not empty"

# Every library the window program links comes from a package it depends on.
needed=$(objdump -p "$window" | awk '$1 == "NEEDED" { print $2 }')
[ -n "$needed" ] || fail "redox-uploader-window links no library: it is not the cgo build with the window"
for lib in $needed; do
  owners=$(dpkg -S "*/$lib" 2>/dev/null | sed 's/[:,].*//' | sort -u) ||
    fail "no installed package holds $lib, which redox-uploader-window links: cannot check Depends"
  found=""
  for p in $owners; do depends_has "$p" && found=$p; done
  [ -n "$found" ] || fail "Depends ($depends) names none of $(echo "$owners" | tr '\n' ' ')which hold $lib, linked by redox-uploader-window"
done
glibc_max=$(objdump -T "$window" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
[ -n "$libc6_min" ] || fail "Depends ($depends) gives libc6 no version; the window program needs glibc $glibc_max"
dpkg --compare-versions "$libc6_min" ge "$glibc_max" ||
  fail "Depends asks for libc6 >= $libc6_min, but the window program uses symbols of glibc $glibc_max"
depends_has passwd || fail "Depends ($depends) does not name passwd, whose groupadd the postinst runs"

[[ $(file -b "$tmp/root/usr/share/icons/hicolor/256x256/apps/redox-uploader.png") == "PNG image data, 256 x 256"* ]] ||
  fail "the icon is not a 256x256 PNG"
desktop=$tmp/root/usr/share/applications/redox-uploader.desktop
grep -qx 'Exec=redox-uploader-window %F' "$desktop" || fail "the desktop entry does not run redox-uploader-window"
grep -qx 'Icon=redox-uploader' "$desktop" || fail "the desktop entry does not name the icon redox-uploader"
zcat "$tmp/root/usr/share/doc/redox-uploader/changelog.gz" | head -n1 | grep -qF "redox-uploader (${version/-/\~})" ||
  fail "the changelog's first entry is not for version ${version/-/\~}"
copyright=$tmp/root/usr/share/doc/redox-uploader/copyright
while read -r module; do
  grep -qxF "$module" "$copyright" || fail "the copyright file has no licence for $module, compiled into the programs"
done < <(go version -m "$cli" "$window" | awk '$1 == "dep" { print $2 "@" $3 }')

# The maintainer scripts: postinst creates the group; postrm deletes nothing (comments and
# what it says aside).
for script in postinst postrm; do
  [ -x "$tmp/control/$script" ] || fail "has no executable $script"
  head -n1 "$tmp/control/$script" | grep -qx '#!/bin/sh' || fail "$script does not start with #!/bin/sh"
  grep -qx 'set -e' "$tmp/control/$script" || fail "$script does not stop at the first error (set -e)"
done
grep -q 'groupadd --system redox-uploader' "$tmp/control/postinst" || fail "postinst does not create the system group redox-uploader"
commands=$(sed -e 's/#.*//' -e '/^ *echo /d' "$tmp/control/postrm")
if grep -Eqw 'rm|rmdir|groupdel|delgroup|deluser|userdel|unlink|find' <<<"$commands"; then
  fail "postrm deletes something: $(grep -Ew 'rm|rmdir|groupdel|delgroup|deluser|userdel|unlink|find' <<<"$commands")"
fi

# The programs: the version the package is named for; the command line static (no libraries,
# so no Depends of its own) and stripped, and, given no command, starting the window program
# beside it in /usr/bin (whose refusal, with no screen, shows it started).
for program in "$cli" "$window"; do
  out=$("$program" version) || fail "'$(basename "$program") version' failed"
  [[ $out == "Redox Uploader $version "* ]] || fail "'$(basename "$program") version' printed '$out'"
  [[ $(file -b "$program") == *", stripped"* ]] || fail "$(basename "$program") is not stripped"
done
[[ $(file -b "$cli") == *"statically linked"* ]] || fail "redox-uploader is not statically linked"
status=0
env -u DISPLAY -u WAYLAND_DISPLAY "$cli" --data-dir "$tmp/data" >"$tmp/launch.log" 2>&1 || status=$?
if [ "$status" -ne 1 ] || ! grep -qF "there is no screen to show it on" "$tmp/launch.log"; then
  fail "/usr/bin/redox-uploader with no command did not start /usr/bin/redox-uploader-window (status $status): $(cat "$tmp/launch.log")"
fi

echo "check-deb: $deb holds both programs ($out), the desktop entry, icon, copyright, changelog and /etc/redox-uploader; Depends: $depends"
