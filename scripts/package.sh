#!/usr/bin/env bash
# Makes the Linux release archive dist/redox-uploader-VERSION-linux-amd64.tar.xz from the two
# release programs (built by `make package` with -trimpath and the version stamp): the command
# line redox-uploader, the window program redox-uploader-window, the desktop entry (which runs
# the window program) and icon, README.md, INSTALL and install.sh, in one top-level folder.
#
#   scripts/package.sh CLI WINDOW [OUTDIR]
#
# Environment: VERSION (default: FyneApp.toml's).
set -euo pipefail
cd "$(dirname "$0")/.."

cli=${1:?usage: scripts/package.sh CLI WINDOW [OUTDIR]}
window=${2:?usage: scripts/package.sh CLI WINDOW [OUTDIR]}
outdir=${3:-dist}
version=${VERSION:-$(sed -n 's/^ *Version *= *"\([^"]*\)".*/\1/p' FyneApp.toml | head -n1)}
arch=$(go env GOARCH 2>/dev/null || echo amd64)
name=redox-uploader-$version-linux-$arch

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/$name
mkdir -p "$dir"
install -m 755 "$cli" "$dir/redox-uploader"
install -m 755 "$window" "$dir/redox-uploader-window"
install -m 644 packaging/linux/redox-uploader.desktop "$dir/redox-uploader.desktop"
install -m 644 assets/icon.png "$dir/redox-uploader.png"
install -m 644 README.md "$dir/README.md"
install -m 644 packaging/linux/INSTALL "$dir/INSTALL"
install -m 755 packaging/linux/install.sh "$dir/install.sh"

mkdir -p "$outdir"
archive=$outdir/$name.tar.xz
# Same inputs, same archive: fixed owner, order and times.
mtime=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
tar -C "$tmp" --owner=0 --group=0 --numeric-owner --sort=name --mtime="$mtime" -cf - "$name" |
  xz -T0 -9 >"$archive.partial"
mv -f "$archive.partial" "$archive"
echo "package: $archive ($(du -h "$archive" | cut -f1))"
