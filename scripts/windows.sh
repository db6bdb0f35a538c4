#!/usr/bin/env bash
# Cross-compiles the Windows release of Redox Uploader, windows/amd64, as two programs, each
# with the app icon, an application manifest and version information embedded as resources:
#   CLI.exe     redox-uploader.exe, the command line: a console-subsystem program (it prints to
#               the Command Prompt or PowerShell that runs it), the headless build without cgo;
#               without a command it starts the window program beside it (launcher.go).
#   WINDOW.exe  redox-uploader-window.exe, the window: a GUI-subsystem program (no console
#               window), cgo through mingw-w64; it takes the commands too (main_windows.go).
#
#   scripts/windows.sh CLI.exe WINDOW.exe
#
# Environment: VERSION (default: FyneApp.toml's), BUILD (default: FyneApp.toml's Build),
# LDFLAGS (the -X version stamp from the Makefile), GO (default: go).
set -euo pipefail
cd "$(dirname "$0")/.."

cli=${1:?usage: scripts/windows.sh CLI.exe WINDOW.exe}
window=${2:?usage: scripts/windows.sh CLI.exe WINDOW.exe}
go=${GO:-go}
cc=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
windres=${WINDRES:-x86_64-w64-mingw32-windres}
toml() { sed -n "s/^ *$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" FyneApp.toml | head -n1; }
version=${VERSION:-$(toml Version)}
build=${BUILD:-$(toml Build)}

for tool in "$cc" "$windres" convert; do
  command -v "$tool" >/dev/null || { echo "windows: $tool is missing; run 'make deps'" >&2; exit 1; }
done

# Windows wants four numbers: 0.1.0 build 1 is 0.1.0.1 (a suffix such as -rc1 is dropped).
IFS=. read -r major minor patch _ <<<"${version%%[-+]*}"
version4="${major:-0}.${minor:-0}.${patch:-0}.${build:-0}"
for n in ${version4//./ }; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "windows: version $version does not start with numbers" >&2; exit 1; }
done

tmp=$(mktemp -d)
syso=redox_uploader_windows_amd64.syso # linked by go build for windows/amd64 only
trap 'rm -rf "$tmp" "$syso"' EXIT
convert assets/icon.png -background none -define icon:auto-resize=256,128,64,48,32,24,16 "$tmp/icon.ico"

# resources PROGRAM IDENTITY DESCRIPTION: the .syso of one program (manifest, icon, version).
resources() {
  sed -e "s/@VERSION4@/$version4/" -e "s/@IDENTITY@/$2/" packaging/windows/redox-uploader.manifest >"$tmp/$1.manifest"
  "$windres" --input-format=rc --output-format=coff --target=pe-x86-64 \
    -DVERSION4="${version4//./,}" -DVERSION="\\\"$version\\\"" \
    -DPROGRAM="\\\"$1\\\"" -DDESCRIPTION="\\\"$3\\\"" \
    -DICON_FILE="\\\"$tmp/icon.ico\\\"" -DMANIFEST_FILE="\\\"$tmp/$1.manifest\\\"" \
    -i packaging/windows/redox-uploader.rc -o "$syso"
}

resources redox-uploader com.redoxuploader.commandline "Redox Uploader command line"
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 \
  "$go" build -tags headless -trimpath -ldflags "${LDFLAGS:-}" -o "$cli" .
echo "windows: built $cli, the console program ($version4)"

resources redox-uploader-window com.redoxuploader.desktop "Redox Uploader"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$cc" \
  "$go" build -trimpath -ldflags "-H=windowsgui ${LDFLAGS:-}" -o "$window" .
echo "windows: built $window, the window program ($version4)"
