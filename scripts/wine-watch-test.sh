#!/usr/bin/env bash
# The 'watch' command of the Windows console program under Wine, in a fresh prefix, on a real
# folder, uploading to the built-in sandbox:
#   1. a file that appears is uploaded and moved to Uploaded\DATE\ (hard link, then the
#      original name removed, as Windows does it);
#   2. a file a program keeps open for writing (scripts/wine/holdopen.c: written, then held
#      open, sharing it for reading only, until the test lets it go) is not sent while it is
#      held, although its size and time have long settled; once it is closed it is sent, whole
#      (its size in the history).
# (Stopping with Ctrl+C or SIGTERM is tested on Linux by watch-test.sh: Wine does not turn a
# signal into a console event.)
#
#   scripts/wine-watch-test.sh CLI.exe     (redox-uploader.exe, made by `make windows`)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=$(realpath "${1:?usage: scripts/wine-watch-test.sh CLI.exe}")
# shellcheck source=scripts/wine/prefix.sh
source scripts/wine/prefix.sh
wine_require_tools wine-watch-test

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redox-wine-watch.XXXXXX")
watcher=""
trap '[ -z "$watcher" ] || kill "$watcher" 2>/dev/null; wine_prefix_end; rm -rf "$tmp"' EXIT
wine_prefix "$tmp"
x86_64-w64-mingw32-gcc -municode -O2 -o "$tmp/holdopen.exe" scripts/wine/holdopen.c

fail() { echo "wine-watch-test: $*" >&2; echo "--- the watcher said:" >&2; cat "$tmp/watch.log" "$tmp/watch.err" >&2; exit 1; }
# shellcheck source=scripts/lib/await.sh
source scripts/lib/await.sh
logged() { grep -qs "$1" "$tmp/watch.log"; }
history() { wine "$cli" history --data-dir "$tmp/data" --csv --columns file,size,status 2>/dev/null </dev/null | tr -d "\r"; }

in="$tmp/scans"
mkdir "$in"
wine "$cli" watch --sandbox --data-dir "$tmp/data" --settle 1 --rescan 1 "$(winepath -w "$in")" \
  </dev/null >"$tmp/watch.log" 2>"$tmp/watch.err" &
watcher=$!
await_pid=$watcher await_name="the watcher"
await "the folder watched" logged " watching$"

# 1. A file appears: uploaded, then moved.
head -c 50000 /dev/urandom >"$in/.scan.part"
mv "$in/.scan.part" "$in/Scan 1.pdf"
await "Scan 1.pdf uploaded" logged "  Scan 1.pdf  uploaded  "
moved() { [ -f "$in/Uploaded/$(date +%F)/Scan 1.pdf" ] && [ ! -e "$in/Scan 1.pdf" ]; }
await "Scan 1.pdf moved to Uploaded" moved
echo "wine-watch-test: a file that appeared was uploaded and moved to Uploaded\\$(date +%F)."

# 2. A file held open for writing until the test lets it go: its size and time settle after
# 1 s, and the watcher looks at it every 0.25 s, so after 5 s held it would have been taken.
mkfifo "$tmp/hold.in"
exec 3<>"$tmp/hold.in" # open both ways: neither side waits for the other to open it
wine "$tmp/holdopen.exe" "$(winepath -w "$in/Held.pdf")" 120000 <"$tmp/hold.in" >"$tmp/holdopen.log" 2>&1 &
holder=$!
await "the holder ready" grep -qs "^ready" "$tmp/holdopen.log"
sleep 5 # the time held is what is tested
if logged "  Held.pdf  "; then fail "Held.pdf was taken while another program held it open for writing"; fi
echo close >&3
wait "$holder" || fail "holdopen failed: $(cat "$tmp/holdopen.log")"
exec 3>&-
grep -q "^closed" "$tmp/holdopen.log" || fail "holdopen did not close the file: $(cat "$tmp/holdopen.log")"
await "Held.pdf uploaded once it was closed" logged "  Held.pdf  uploaded  "
row=$(history | grep "^Held.pdf," || true)
[ "$row" = "Held.pdf,120000,done" ] || fail "the history has '$row' for Held.pdf, want it done with all 120000 bytes"
echo "wine-watch-test: a file held open for writing for 5 s (settled after 1 s) was not taken while held, and was sent once it was closed, whole."

echo "wine-watch-test: ok"
