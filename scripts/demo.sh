#!/usr/bin/env bash
# The main job, end to end, with nothing leaving this computer: make a few sample clinical
# files, upload them to the built-in Redox sandbox, print each file's URI. One file is over the
# size limit on purpose, to show how that is reported.
set -uo pipefail
bin=${1:-./redox-uploader}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

head -c $((300 * 1024)) /dev/urandom > "$dir/Discharge summary.pdf"
head -c $((80 * 1024)) /dev/urandom > "$dir/wound-photo.jpg"
head -c $((2 * 1024 * 1024)) /dev/urandom > "$dir/consent-scan.tiff"
head -c $((12 * 1024 * 1024)) /dev/urandom > "$dir/full-chart-scan.tiff"

echo "Uploading 4 sample files to the local Redox sandbox (nothing leaves this computer):"
echo
"$bin" upload --sandbox "$dir"/*
code=$?
echo
if [ "$code" -eq 1 ]; then
  echo "Done: three files uploaded (their URIs above); the 12 MB scan was refused before sending, as intended."
  exit 0
fi
exit "$code"
