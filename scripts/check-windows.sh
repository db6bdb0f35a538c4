#!/usr/bin/env bash
# Checks what `make windows` built: a 64-bit Windows GUI program (PE32+, x86-64, subsystem 2,
# so no console window opens) with the app icon, manifest and version resources embedded.
#
#   scripts/check-windows.sh redox-uploader.exe
set -euo pipefail

exe=${1:?usage: scripts/check-windows.sh BINARY.exe}
objdump=${OBJDUMP:-x86_64-w64-mingw32-objdump}
fail() { echo "check-windows: $exe: $*" >&2; exit 1; }

[ -s "$exe" ] || fail "missing or empty"
kind=$(file -b "$exe")
[[ $kind == *"PE32+ executable"*"(GUI)"*"x86-64"* ]] || fail "file says '$kind', want a PE32+ GUI x86-64 executable"

headers=$("$objdump" -p "$exe")
grep -Eq '^Subsystem[[:space:]]+0*2[[:space:]]' <<<"$headers" || fail "subsystem is not 2 (Windows GUI): $(grep -m1 '^Subsystem' <<<"$headers")"
"$objdump" -h "$exe" | grep -q ' \.rsrc ' || fail "no .rsrc section: the resources were not linked"
grep -q 'Resource Directory \[\.rsrc\]' <<<"$headers" || fail "no resource directory in the data directories"

# The resource types at the top of the .rsrc tree (three spaces in), as objdump lists them:
# 0x3 RT_ICON, 0xe RT_GROUP_ICON, 0x10 RT_VERSION, 0x18 RT_MANIFEST.
rsrc=$(sed -n '/The .rsrc Resource Directory section/,$p' <<<"$headers")
for want in "0x000003:icon" "0x00000e:icon group" "0x000010:version information" "0x000018:manifest"; do
  grep -Eq "^[0-9a-f]+   Entry: ID: ${want%%:*}," <<<"$rsrc" || fail "no ${want#*:} resource (type ${want%%:*})"
done
grep -aq 'requestedExecutionLevel level="asInvoker"' "$exe" || fail "the application manifest is not embedded"
grep -q 'Entry: name: .*GLFW_ICON' <<<"$rsrc" || fail "no GLFW_ICON icon (the window's icon)"

echo "check-windows: $exe is a PE32+ x86-64 Windows GUI program with icon, manifest and version resources"
