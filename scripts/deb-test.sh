#!/usr/bin/env bash
# Tests a Debian package made by `make deb` as a hospital's IT would meet it: lintian finds no
# error in it; then, in a clean Debian 12 root (debootstrap --variant=minbase, from the Debian
# mirror this machine's apt uses), `apt-get install ./redox-uploader_….deb` pulls its
# dependencies, and the installed programs run: `redox-uploader version`, an upload to the
# built-in sandbox that prints a URI and lands in the history, and the command line starting
# the window program (whose every library must load; with no screen, it says so). The group
# redox-uploader and the folder /etc/redox-uploader exist; purging the package keeps a policy
# IT put there, a user's history and the group; installing it again over the kept group works.
# Prints how long each step took.
#
#   scripts/deb-test.sh dist/redox-uploader_VERSION_amd64.deb
#
# Runs as root (debootstrap, chroot, mount), on Debian or Ubuntu; installs debootstrap and
# lintian when missing. Environment: DEB_TEST_MIRROR (default: the mirror of this machine's
# apt sources for Debian, else http://deb.debian.org/debian). The root, its /proc mount and
# the logs are removed on exit, whatever the outcome.
set -euo pipefail

deb=${1:?usage: scripts/deb-test.sh DEB}
fail() { echo "deb-test: $*" >&2; exit 1; }
[ -s "$deb" ] || fail "$deb is missing or empty: run 'make deb' first"
[ "$(id -u)" -eq 0 ] || fail "run it as root: it builds a Debian root with debootstrap and runs commands in it with chroot"
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
[[ $(basename "$deb") =~ ^redox-uploader_(.+)_amd64\.deb$ ]] || fail "$deb is not named redox-uploader_VERSION_amd64.deb"
version=${BASH_REMATCH[1]}
suite=bookworm

start=$SECONDS
step_start=$SECONDS
# step WHAT: prints how long the step just finished took.
step() {
  echo "deb-test: $1 ($((SECONDS - step_start)) s)"
  step_start=$SECONDS
}

missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v lintian >/dev/null || missing+=(lintian)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  step "installed ${missing[*]}"
fi

# host_mirror: the URI of the first apt source on this machine that serves Debian's $suite
# (one-line sources.list or deb822 .sources), else Debian's own redirector.
host_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk -v suite="$suite" '$1 == "deb" { sub(/\[[^]]*\]/, ""); if ($3 == suite) { print $2; exit } }')
  if [ -z "$uri" ]; then
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v suite="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; ok = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { split($i, u, /[ \t]+/); uris = u[2] }
          if ($i ~ /^Suites:/) { n = split($i, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == suite) ok = 1 }
        }
        if (ok && uris != "") { print uris; exit }
      }')
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}
mirror=${DEB_TEST_MIRROR:-$(host_mirror)}

root=$(mktemp -d "${TMPDIR:-/tmp}/redox-deb-test.XXXXXX")
logs=$(mktemp -d "${TMPDIR:-/tmp}/redox-deb-test-logs.XXXXXX")
lintian_pid=""

# mounts_under DIR: the mount points in DIR, deepest first.
mounts_under() { awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r; }

# cleanup: ends what still runs inside the root (the test's own processes: their root is
# it), unmounts what was mounted there and removes it, but never removes a root that is still
# mounted into (that would reach into the host's /proc).
cleanup() {
  local status=$? pid m left
  trap - EXIT INT TERM
  if [ -n "$lintian_pid" ]; then kill "$lintian_pid" 2>/dev/null || true; wait "$lintian_pid" 2>/dev/null || true; fi
  for pid in /proc/[0-9]*; do
    if [ "$(readlink "$pid/root" 2>/dev/null)" = "$root" ]; then
      kill -KILL "${pid#/proc/}" 2>/dev/null || true
    fi
  done
  for m in $(mounts_under "$root"); do
    umount "$m" 2>/dev/null || umount -l "$m" || true
  done
  left=$(mounts_under "$root")
  if [ -n "$left" ]; then
    echo "deb-test: could not unmount $left; $root is left for you to unmount and remove" >&2
    status=1
  else
    rm -rf --one-file-system "$root"
  fi
  rm -rf "$logs"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# logged NAME COMMAND...: runs COMMAND with its output in a log, shown only if it fails.
logged() {
  local name=$1
  shift
  if ! "$@" >"$logs/$name.log" 2>&1; then
    tail -n 40 "$logs/$name.log" >&2
    fail "$name failed (its last lines above)"
  fi
}

# in_root COMMAND...: runs COMMAND in the Debian root, with a clean environment.
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

# The root's packages, one name a line; a package's state (installed, config-files...).
# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
packages_in_root() { in_root dpkg-query -W -f='${Package}\n' | sort; }
# shellcheck disable=SC2016
package_status() { in_root dpkg-query -W -f='${db:Status-Status}' "$1"; }

# lintian, on this machine, while debootstrap runs (which waits on the network and on dpkg).
lintian --fail-on error --tag-display-limit 0 "$deb" >"$logs/lintian.log" 2>&1 &
lintian_pid=$!

logged debootstrap debootstrap --variant=minbase "$suite" "$root" "$mirror"
step "debootstrap --variant=minbase $suite ($mirror)"

# lintian: no error (the warnings are printed).
if ! wait "$lintian_pid"; then
  lintian_pid=""
  cat "$logs/lintian.log" >&2
  fail "lintian finds errors in $deb"
fi
lintian_pid=""
grep -E '^[EWI]: ' "$logs/lintian.log" | sed 's/^/deb-test: lintian: /' || true
step "lintian: no error (after debootstrap)"

mount -t proc proc "$root/proc"
# The host's device nodes, read-only: debootstrap's own do not work where the temporary
# folder is mounted nodev (a tmpfs /tmp usually is).
mount --bind /dev "$root/dev"
mount -o remount,bind,ro "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No service may start inside the root (it would outlive the test).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
# A throwaway root: dpkg need not sync every file, apt need not fetch translations.
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/redox-deb-test"
echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/99redox-deb-test"
cp "$deb" "$root/tmp/"
packages_in_root >"$logs/before"

logged apt-update in_root apt-get update
logged apt-install in_root apt-get install -y --no-install-recommends "/tmp/$(basename "$deb")"
packages_in_root >"$logs/after"
pulled=$(comm -13 "$logs/before" "$logs/after" | grep -cvx redox-uploader) || true
fetched=$(sed -n 's/^Need to get \([^/]*\)\/\{0,1\}.* of archives\.$/\1/p' "$logs/apt-install.log")
step "apt-get install ./$(basename "$deb"): $pulled packages pulled, ${fetched:-nothing} fetched"

# Every dependency is installed, and the window program finds every library it links.
status=$(package_status redox-uploader)
[ "$status" = installed ] || fail "redox-uploader is '$status' after apt-get install, not installed"
for p in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//'); do
  status=$(package_status "$p" 2>/dev/null) || status=missing
  [ "$status" = installed ] || fail "apt did not install $p, a dependency of redox-uploader (it is $status)"
done
if in_root ldd /usr/bin/redox-uploader-window | grep -q 'not found'; then
  fail "the window program misses libraries in a clean root: $(in_root ldd /usr/bin/redox-uploader-window | grep 'not found' | tr -s '\t\n' '  ')"
fi

# The command line on the PATH prints the version.
out=$(in_root redox-uploader version) || fail "'redox-uploader version' failed in the clean root: $out"
[[ $out == "Redox Uploader $version ("* ]] || fail "'redox-uploader version' printed '$out', want 'Redox Uploader $version (…)'"

# An upload to the built-in sandbox prints the file and its URI, and the history keeps it.
printf '%%PDF-1.4\n%% Redox Uploader package test\n' >"$root/tmp/report.pdf"
out=$(in_root redox-uploader upload --sandbox --data-dir /root/redox-data /tmp/report.pdf 2>&1) ||
  fail "the sandbox upload failed in the clean root: $out"
[[ $out =~ ^/tmp/report\.pdf$'\t'(http://127\.0\.0\.1:[0-9]+/blob/[0-9a-f-]+)$ ]] ||
  fail "the sandbox upload printed '$out', want '/tmp/report.pdf<TAB>http://127.0.0.1:PORT/blob/ID'"
uri=${BASH_REMATCH[1]}
in_root redox-uploader history --data-dir /root/redox-data | grep -qF "$uri" ||
  fail "the history does not list the sandbox upload's URI $uri"

# Given no command, the command line starts the window program beside it in /usr/bin, which
# loads its libraries and, with no screen here, says so (status 1).
status=0
in_root redox-uploader --data-dir /root/redox-data >"$logs/window.log" 2>&1 || status=$?
if [ "$status" -ne 1 ] || ! grep -qF 'there is no screen to show it on' "$logs/window.log"; then
  fail "redox-uploader with no command did not start the window program (status $status): $(cat "$logs/window.log")"
fi

# The postinst's system group and the policy folder.
group=$(in_root getent group redox-uploader) || fail "the group redox-uploader does not exist after installing"
gid=$(cut -d: -f3 <<<"$group")
[ "$gid" -lt 1000 ] || fail "the group redox-uploader has gid $gid: not a system group"
[ -d "$root/etc/redox-uploader" ] || fail "/etc/redox-uploader does not exist after installing"
[ "$(stat -c '%a %U' "$root/etc/redox-uploader")" = "755 root" ] ||
  fail "/etc/redox-uploader is $(stat -c '%a %U' "$root/etc/redox-uploader"), want 755 root"
step "installed: version, sandbox upload, window start, group, folder"

# Purging keeps what IT and users made; installing again over the kept group works.
echo '{}' >"$root/etc/redox-uploader/policy.json"
logged purge in_root apt-get purge -y redox-uploader
for program in redox-uploader redox-uploader-window; do
  [ ! -e "$root/usr/bin/$program" ] || fail "purging the package left /usr/bin/$program"
done
[ -f "$root/etc/redox-uploader/policy.json" ] || fail "purging the package deleted /etc/redox-uploader/policy.json"
[ -f "$root/root/redox-data/history.db" ] || fail "purging the package deleted a user's history"
in_root getent group redox-uploader >/dev/null || fail "purging the package deleted the group redox-uploader"
logged reinstall in_root apt-get install -y --no-install-recommends "/tmp/$(basename "$deb")"
[ "$(in_root getent group redox-uploader)" = "$group" ] || fail "installing again changed the group: $(in_root getent group redox-uploader)"
step "purge keeps policy, history and group; install again"

echo "deb-test: $(basename "$deb") installs on a clean Debian 12 root ($pulled packages pulled), runs, and purges cleanly in $((SECONDS - start)) s"
