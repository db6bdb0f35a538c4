#!/usr/bin/env bash
# Builds the Windows installer redox-uploader-VERSION-x64.msi from the two Windows programs
# (made by `make windows`) with wixl (msitools), from packaging/windows/redox-uploader.wxs.
#
#   scripts/msi.sh CLI.exe WINDOW.exe [OUTDIR]
#
# Environment: VERSION (default: FyneApp.toml's). An MSI's version is three numbers, each
# below 256, 256 and 65536; a suffix such as -rc1 is dropped. Sign the programs before this
# (scripts/sign.sh) so the MSI carries signed programs; then sign the MSI.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/msi.sh CLI.exe WINDOW.exe [OUTDIR]"
cli=${1:?$usage}
window=${2:?$usage}
outdir=${3:-dist}
version=${VERSION:-$(sed -n 's/^ *Version *= *"\([^"]*\)".*/\1/p' FyneApp.toml | head -n1)}

for tool in wixl msiinfo msibuild convert; do
  command -v "$tool" >/dev/null || { echo "msi: $tool is missing; run 'make deps'" >&2; exit 1; }
done
IFS=. read -r major minor patch _ <<<"${version%%[-+]*}"
major=${major:-0} minor=${minor:-0} patch=${patch:-0}
for n in "$major" "$minor" "$patch"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "msi: version $version does not start with three numbers" >&2; exit 1; }
done
if ((major > 255 || minor > 255 || patch > 65535)); then
  echo "msi: version $version is beyond what Windows Installer compares (255.255.65535)" >&2
  exit 1
fi

# wixl reads sources by paths relative to where it runs: everything goes into one folder.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$cli" "$tmp/redox-uploader.exe"
cp "$window" "$tmp/redox-uploader-window.exe"
cp packaging/windows/redox-uploader.wxs "$tmp/"
convert assets/icon.png -background none -define icon:auto-resize=256,128,64,48,32,24,16 "$tmp/redox-uploader.ico"

name=redox-uploader-$major.$minor.$patch-x64.msi
(cd "$tmp" && wixl --arch x64 -D Version="$major.$minor.$patch" -D ActiveSetupVersion="$major,$minor,$patch" \
  -D SourceDir=. -D IconFile=redox-uploader.ico -o "$name" redox-uploader.wxs)
# Every build has a product code of its own, and wixl's MajorUpgrade replaces only older
# versions: the same version built again (re-signed, say) would install beside the first, two
# entries in Add/Remove Programs, keeping the first's files. WiX's AllowSameVersionUpgrades,
# which wixl lacks, makes the upgrade's range include this version (msidbUpgradeAttributes
# VersionMaxInclusive, 512) in the Upgrade table's upgrade row.
(cd "$tmp" && msiinfo export "$name" Upgrade |
  awk -F'\t' 'BEGIN { OFS = "\t" } $7 ~ /^WIX_UPGRADE_DETECTED\r?$/ { if ($5 % 1024 < 512) $5 += 512; found = 1 } { print }
    END { exit !found }' >Upgrade.idt && msibuild "$name" -i Upgrade.idt) ||
  { echo "msi: could not let $name replace an installed $major.$minor.$patch" >&2; exit 1; }
# The command line on the system PATH, so IT's scripts and a nurse's command prompt find
# `redox-uploader` by name: what WiX writes for <Environment Name="PATH" Value="[INSTALLDIR]"
# Part="last" Action="set" System="yes" Permanent="no"/>, which wixl lacks. The Name's flags:
# = set at install, - taken out again at removal, * the computer's variable, not the user's;
# [~] is PATH as it was, so the folder is added at its end and removal takes out that folder
# alone. The two standard actions that apply the table go where Windows Installer documents
# them (RemoveEnvironmentStrings 3300, WriteEnvironmentStrings 5200); Windows tells running
# programs (Explorer) that the environment changed.
(cd "$tmp" && printf '%s\r\n' $'Environment\tName\tValue\tComponent_' $'s72\tl255\tL255\ts72' $'Environment\tEnvironment' \
  $'PATH\t=-*PATH\t[~];[INSTALLDIR]\tConsoleProgram' >Environment.idt &&
  msiinfo export "$name" InstallExecuteSequence | tr -d '\r' |
  awk -F'\t' 'BEGIN { OFS = "\t" } { print } $1 == "RemoveEnvironmentStrings" || $1 == "WriteEnvironmentStrings" { exit 1 }
    END { print "RemoveEnvironmentStrings", "", 3300; print "WriteEnvironmentStrings", "", 5200 }' |
  sed 's/$/\r/' >InstallExecuteSequence.idt && msibuild "$name" -i Environment.idt -i InstallExecuteSequence.idt) ||
  { echo "msi: could not put the command line on the system PATH in $name" >&2; exit 1; }
mkdir -p "$outdir"
mv -f "$tmp/$name" "$outdir/$name"
echo "msi: $outdir/$name ($(du -h "$outdir/$name" | cut -f1))"
