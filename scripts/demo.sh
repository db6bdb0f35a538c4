#!/usr/bin/env bash
# The main job on the built-in sandbox, with nothing leaving this computer: make a few sample
# clinical files and upload them. With a display, the window opens on the sandbox with the files
# added (the command line starts the window program beside it, as it does for users); without
# one, the command line uploads them and prints each URI. One file is over the size limit on
# purpose, to show how that is reported. The demo keeps its history in a temporary folder, not
# in yours.
#
# Usage: scripts/demo.sh [./redox-uploader]   (the command line; redox-uploader-window beside it)
set -uo pipefail
bin=${1:-./redox-uploader}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

head -c $((300 * 1024)) /dev/urandom >"$dir/Discharge summary.pdf"
head -c $((80 * 1024)) /dev/urandom >"$dir/wound-photo.jpg"
head -c $((2 * 1024 * 1024)) /dev/urandom >"$dir/consent-scan.tiff"
head -c $((12 * 1024 * 1024)) /dev/urandom >"$dir/full-chart-scan.tiff"
files=("$dir/Discharge summary.pdf" "$dir/wound-photo.jpg" "$dir/consent-scan.tiff" "$dir/full-chart-scan.tiff")

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Opening Redox Uploader on the sandbox with 4 sample files (close the window to end the demo)."
  "$bin" --sandbox --data-dir "$dir/data" "${files[@]}"
  exit # not exec: the trap removes the demo's folder when the window closes
fi

echo "No display here, so the demo uses the command line."
echo "Uploading 4 sample files to the local Redox sandbox (nothing leaves this computer):"
echo
"$bin" upload --sandbox --data-dir "$dir/data" "${files[@]}"
code=$?
echo
if [ "$code" -eq 1 ]; then
  echo "Done: three files uploaded (their URIs above); the 12 MB scan was refused before sending, as intended."
  echo "Their history: $bin history --data-dir DIR (the demo's folder is removed now)."
  exit 0
fi
exit "$code"
