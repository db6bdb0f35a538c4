#!/usr/bin/env bash
# Checks what `make windows` built: two 64-bit Windows programs (PE32+, x86-64), each with the
# app icon, manifest and version resources embedded:
#   redox-uploader.exe         a console program (subsystem 3: it prints to the Command Prompt
#                              that runs it), built without cgo and linking no graphics
#   redox-uploader-window.exe  a GUI program (subsystem 2: no console window opens)
#
#   scripts/check-windows.sh redox-uploader.exe redox-uploader-window.exe
set -euo pipefail

cli=${1:?usage: scripts/check-windows.sh CLI.exe WINDOW.exe}
window=${2:?usage: scripts/check-windows.sh CLI.exe WINDOW.exe}
objdump=${OBJDUMP:-x86_64-w64-mingw32-objdump}
strings=${STRINGS:-x86_64-w64-mingw32-strings}
go=${GO:-go}
fail() { echo "check-windows: $exe: $*" >&2; exit 1; }

# check EXE KIND SUBSYSTEM PROGRAM: a PE32+ x86-64 program of that kind (file's word) and
# subsystem number, with icon, manifest and version resources naming PROGRAM.exe. It leaves
# exe set for the checks that follow.
check() {
  exe=$1
  local kind=$2 subsystem=$3 program=$4 rsrc want headers
  [ -s "$exe" ] || fail "missing or empty"
  local desc
  desc=$(file -b "$exe")
  [[ $desc == *"PE32+ executable"*"($kind)"*"x86-64"* ]] || fail "file says '$desc', want a PE32+ $kind x86-64 executable"
  headers=$("$objdump" -p "$exe")
  grep -Eq "^Subsystem[[:space:]]+0*$subsystem[[:space:]]" <<<"$headers" ||
    fail "subsystem is not $subsystem ($kind): $(grep -m1 '^Subsystem' <<<"$headers")"
  grep -q ' \.rsrc ' <<<"$("$objdump" -h "$exe")" || fail "no .rsrc section: the resources were not linked"
  grep -q 'Resource Directory \[\.rsrc\]' <<<"$headers" || fail "no resource directory in the data directories"
  # The resource types at the top of the .rsrc tree (three spaces in), as objdump lists them:
  # 0x3 RT_ICON, 0xe RT_GROUP_ICON, 0x10 RT_VERSION, 0x18 RT_MANIFEST.
  rsrc=$(sed -n '/The .rsrc Resource Directory section/,$p' <<<"$headers")
  for want in "0x000003:icon" "0x00000e:icon group" "0x000010:version information" "0x000018:manifest"; do
    grep -Eq "^[0-9a-f]+   Entry: ID: ${want%%:*}," <<<"$rsrc" || fail "no ${want#*:} resource (type ${want%%:*})"
  done
  grep -aq 'requestedExecutionLevel level="asInvoker"' "$exe" || fail "the application manifest is not embedded"
  grep -q 'Entry: name: .*GLFW_ICON' <<<"$rsrc" || fail "no GLFW_ICON icon (the window's and Explorer's icon)"
  # The version information is UTF-16: its strings, OriginalFilename among them.
  grep -qx "$program.exe" <<<"$("$strings" -el "$exe")" || fail "the version information does not name $program.exe as its file"
}

check "$cli" console 3 redox-uploader
info=$("$go" version -m "$cli")
grep -q 'CGO_ENABLED=0' <<<"$info" && grep -q -- '-tags=headless' <<<"$info" ||
  fail "not the headless build without cgo: $(grep -E 'CGO_ENABLED|-tags' <<<"$info" | tr -s '\t\n' '  ')"
# A program that loads OpenGL names its DLL, in its import table or in a string for LoadLibrary.
# The bytes are searched, not objdump's import listing: binutils lists no imports of a Go program
# that keeps its DWARF, so a check of that listing could never fail. The window program, which
# does load OpenGL, shows the search finds it.
! grep -aqi 'opengl32' "$exe" || fail "names opengl32.dll: it would load graphics libraries at every start"

check "$window" GUI 2 redox-uploader-window
grep -q 'CGO_ENABLED=1' <<<"$("$go" version -m "$window")" || fail "not built with cgo: it has no window"
grep -aqi 'opengl32' "$exe" || fail "does not name opengl32.dll: the search that guards the console program finds nothing"

echo "check-windows: $cli is a PE32+ x86-64 Windows console program without graphics, $window a GUI program; both with icon, manifest and version resources"
