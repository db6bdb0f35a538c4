#!/usr/bin/env bash
# Makes the Debian package dist/redox-uploader_VERSION_amd64.deb from the two release programs
# (built by `make build` with -trimpath and the version stamp), with nfpm and the settings in
# packaging/linux/nfpm.yaml: the command line and the window program in /usr/bin, the desktop
# entry and icon, the copyright file (with the licences of every Go module compiled in) and
# changelog in /usr/share/doc/redox-uploader, the empty policy folder /etc/redox-uploader, and
# the maintainer scripts (postinst creates the group redox-uploader).
#
#   scripts/deb.sh CLI WINDOW [OUTDIR]
#
# Environment: VERSION (default: FyneApp.toml's); DEB_MAINTAINER ("Name <address>", the
# package's Maintainer field); NFPM (the nfpm command; default: nfpm v2.45.2 through `go run`).
# Same programs and commit, same package: file times are the commit's.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: scripts/deb.sh CLI WINDOW [OUTDIR]"
cli=${1:?$usage}
window=${2:?$usage}
outdir=${3:-dist}
version=${VERSION:-$(sed -n 's/^ *Version *= *"\([^"]*\)".*/\1/p' FyneApp.toml | head -n1)}
# A pre-release such as 1.2.0-rc1 sorts before 1.2.0 in Debian as 1.2.0~rc1.
deb_version=${version/-/\~}
maintainer=${DEB_MAINTAINER:-Redox Uploader maintainers <maintainers@users.noreply.r-seed-9b6d4dcc.example>}
read -r -a nfpm <<<"${NFPM:-go run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2}"
name=redox-uploader_${version}_amd64

fail() { echo "deb: $*" >&2; exit 1; }
for program in "$cli" "$window"; do
  [ -x "$program" ] || fail "$program is missing or not executable: run 'make build' first"
  go version -m "$program" | grep -q 'GOARCH=amd64' || fail "$program is not built for amd64"
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Stripped, and without the C compiler's .comment, as Debian policy wants programs (10.1): Go
# keeps what a panic's stack trace and `go version -m` read (pclntab, build information) in
# sections that strip leaves alone.
strip --strip-unneeded --remove-section=.comment -o "$stage/redox-uploader" "$cli"
strip --strip-unneeded --remove-section=.comment -o "$stage/redox-uploader-window" "$window"
chmod 755 "$stage/redox-uploader" "$stage/redox-uploader-window"
install -m 644 packaging/linux/redox-uploader.desktop "$stage/redox-uploader.desktop"
install -m 644 assets/icon.png "$stage/redox-uploader.png"
install -m 644 packaging/linux/nfpm.yaml "$stage/nfpm.yaml"
install -m 644 packaging/linux/lintian-overrides "$stage/lintian-overrides"
install -m 755 packaging/linux/postinst packaging/linux/postrm "$stage/"

# licence_files DIR: the licence and notice files of the module in DIR (not its test data's or
# its commands').
licence_files() {
  (cd "$1" && find . -maxdepth 3 -type f \( -iname 'LICEN[CS]E*' -o -iname 'COPYING*' -o -iname 'NOTICE*' \) \
    -not -path '*/testdata/*' -not -path './cmd/*' | sed 's|^\./||' | LC_ALL=C sort)
}

# licence_text FILE: FILE, verbatim, unless it is a licence that Debian systems keep in
# /usr/share/common-licenses (Debian policy 12.5: name that copy instead of repeating it).
licence_text() {
  if grep -q 'Apache License' "$1" && grep -q 'Version 2.0, January 2004' "$1"; then
    echo "The Apache License, Version 2.0: on Debian systems, its full text is in /usr/share/common-licenses/Apache-2.0."
  else
    cat "$1"
  fi
}

# write_copyright: packaging/linux/copyright, then the Go standard library's licence and each
# compiled-in module's, from the module cache (`go mod download` fetches one that is missing).
write_copyright() {
  cat packaging/linux/copyright
  printf '\n%s\n\nGo standard library (%s)\n\n' "$(printf '=%.0s' {1..78})" "$(go env GOVERSION)"
  cat "$(go env GOROOT)/LICENSE"
  local module dir file
  # `go version -m` lists each module compiled in as "dep PATH VERSION", and a replacement
  # on the line after it as "=> PATH VERSION".
  go version -m "$cli" "$window" |
    awk '$1 == "dep" { m[$2] = $2 "@" $3; last = $2 } $1 == "=>" { m[last] = $2 "@" $3 } END { for (k in m) print m[k] }' |
    LC_ALL=C sort -u |
    while read -r module; do
      dir=$(go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
      [ -d "$dir" ] || fail "cannot find the source of $module in the module cache"
      printf '\n%s\n\n%s\n' "$(printf '=%.0s' {1..78})" "$module"
      while read -r file; do
        printf '\n--- %s\n\n' "$file"
        licence_text "$dir/$file"
      done < <(licence_files "$dir")
    done
}
write_copyright >"$stage/copyright"
chmod 644 "$stage/copyright"

# The Debian changelog of a native package: one entry for this version.
commit=$(git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)
changed=$(git log -1 --format=%cD 2>/dev/null || date -R)
cat >"$stage/changelog" <<EOF
redox-uploader ($deb_version) stable; urgency=medium

  * Redox Uploader $version, built from commit $commit. README.md describes
    what it does and how to deploy it.

 -- $maintainer  $changed
EOF
gzip -9n "$stage/changelog"
chmod 644 "$stage/changelog.gz"

# Same inputs, same package: every file time is the commit's.
epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
find "$stage" -exec touch -h -d "@$epoch" {} +

mkdir -p "$outdir"
out=$(cd "$outdir" && pwd)/$name.deb
(cd "$stage" && DEB_VERSION=$deb_version DEB_MAINTAINER=$maintainer SOURCE_DATE_EPOCH=$epoch \
  "${nfpm[@]}" package --config nfpm.yaml --packager deb --target "$out.partial" >/dev/null) ||
  fail "nfpm could not build the package"
mv -f "$out.partial" "$out"
echo "deb: $outdir/$name.deb ($(du -h "$out" | cut -f1))"
