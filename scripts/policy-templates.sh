#!/usr/bin/env bash
# Packs the Group Policy templates (packaging/windows/policy: redox-uploader.admx and
# en-US/redox-uploader.adml) into OUTDIR/redox-uploader-VERSION-policy-templates.zip, laid out
# as PolicyDefinitions is, for IT to copy into C:\Windows\PolicyDefinitions or the Central Store.
#
#   scripts/policy-templates.sh [OUTDIR]        (VERSION: default FyneApp.toml's)
set -euo pipefail
cd "$(dirname "$0")/.."
outdir=$(realpath -m "${1:-dist}")
version=${VERSION:-$(sed -n 's/^ *Version *= *"\([^"]*\)".*/\1/p' FyneApp.toml | head -n1)}
command -v zip >/dev/null || { echo "policy-templates: zip is missing; run 'make deps'" >&2; exit 1; }
mkdir -p "$outdir"
archive=$outdir/redox-uploader-$version-policy-templates.zip
rm -f "$archive"
# Same inputs, same archive: no extra file attributes, fixed times (the commit's).
(cd packaging/windows/policy && TZ=UTC find . -type f -exec touch -d "$(git log -1 --format=%cI 2>/dev/null || date -u +%FT%TZ)" {} + &&
  zip -X -q -r "$archive" redox-uploader.admx en-US/redox-uploader.adml)
echo "policy-templates: $archive"
