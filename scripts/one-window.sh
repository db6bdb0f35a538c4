#!/usr/bin/env bash
# One window per data folder, with the real programs in a real X server (Xvfb). A window is
# opened through the command line, as a user does; then:
#   - a second start with a file (a relative name, from another folder) ends at once with exit
#     status 0, the first window uploads the file (its URI is in the history), and there is
#     still one window;
#   - a second start without --sandbox, with a file, gives it to the sandbox window too (as a
#     drop would) and brings that window to the front (it takes the focus from another one);
#   - a start for another data folder opens a second window;
#   - after the window is killed (its socket left behind), the next start opens the window,
#     uploads its file and takes the files of the start after it;
#   - --sandbox with a file, to a window that is not on the sandbox, is refused in plain words
#     (exit status 1) and adds nothing;
#   - a window that closes removes its socket;
#   - two starts at the same moment, no window open: one window, both files uploaded.
#
# Usage: scripts/one-window.sh ./redox-uploader ./redox-uploader-window
set -euo pipefail
cli=$(realpath "${1:?usage: scripts/one-window.sh CLI WINDOW}")
window=$(realpath "${2:?usage: scripts/one-window.sh CLI WINDOW}")
[ "$(dirname "$cli")" = "$(dirname "$window")" ] || { echo "one-window: the two programs must be in one folder" >&2; exit 1; }
for tool in xvfb-run xdotool; do
  command -v "$tool" >/dev/null || { echo "one-window: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/files"
for name in "Handed over" "Not for the sandbox" "After the crash" "Refused" "Race A" "Race B"; do
  head -c $((40 * 1024)) /dev/urandom >"$dir/files/$name.pdf"
done
unset XDG_RUNTIME_DIR # the sockets go in the data folders, where this script can see them
await_sh=$(realpath "$(dirname "$0")/lib/await.sh")
export dir cli await_sh LANG=${LANG:-C.UTF-8}

xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
  started=()
  trap "for p in \${started[@]+\"\${started[@]}\"}; do kill -KILL \$p 2>/dev/null || true; wait \$p 2>/dev/null || true; done" EXIT
  fail() { echo "one-window: $*" >&2; for f in "$dir"/*.log; do echo "--- $(basename "$f"):" >&2; cat "$f" >&2; done; exit 1; }
  source "$await_sh"
  # open DATA LOG [ARGS...]: start a window through the command line, in the background.
  open() {
    local data=$1 log=$2; shift 2
    "$cli" --data-dir "$dir/$data" "$@" >"$dir/$log.log" 2>&1 &
    started+=($!)
    last=$!
  }
  windows() { xdotool search --onlyvisible --name "^Redox Uploader\$" 2>/dev/null | sort || true; }
  count_is() { [ "$(windows | wc -l)" -eq "$1" ]; }
  uploaded() { "$cli" history --data-dir "$dir/$1" --status done --csv --columns file,uri 2>/dev/null | grep -q "^$2,http://127.0.0.1:[0-9]*/blob/"; }
  focused() { [ "$(xdotool getwindowfocus 2>/dev/null)" = "$1" ]; }
  socket_in() { # DIR: a socket of a window is there (window-SESSION.sock, one window a display)
    local s
    for s in "$1"/window*.sock; do [ -S "$s" ] && return 0; done
    return 1
  }
  # second NAME WANT_STATUS ARGS...: a start that must end by itself with WANT_STATUS.
  second() {
    local name=$1 want=$2 status=0 t0=$(date +%s%N); shift 2
    timeout 60 "$cli" "$@" >"$dir/$name.log" 2>&1 || status=$?
    echo "one-window: $name: exit status $status after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    [ "$status" -eq "$want" ] || fail "$name: exit status $status, want $want"
  }

  # The first window, on the sandbox.
  open data first --sandbox
  first=$last
  await "one window" count_is 1
  win=$(windows)

  # A second start with a file, by a relative name from another folder.
  (cd "$dir/files" && second "handed over" 0 --sandbox --data-dir "$dir/data" "Handed over.pdf")
  await "the first window uploaded the handed file" uploaded data "Handed over.pdf"
  count_is 1 || fail "$(windows | wc -l) windows after the hand-over, want 1"
  running "$first" || fail "the first window ended"

  # Another data folder is another window; it takes the focus.
  open other other --sandbox
  await "a second window for another data folder" count_is 2
  other=$(comm -13 <(echo "$win") <(windows))
  xdotool windowfocus --sync "$other"
  focused "$other" || fail "could not give the focus to the other window"

  # Without --sandbox, with a file: the sandbox window takes it (as a drop) and comes to the front.
  second "not for the sandbox" 0 --data-dir "$dir/data" "$dir/files/Not for the sandbox.pdf"
  await "the first window took the focus" focused "$win"
  await "the first window uploaded the second file" uploaded data "Not for the sandbox.pdf"
  count_is 2 || fail "$(windows | wc -l) windows, want 2"
  # No file: the window only comes to the front.
  xdotool windowfocus --sync "$other"
  second "no file" 0 --data-dir "$dir/data"
  await "the first window took the focus again" focused "$win"
  count_is 2 || fail "$(windows | wc -l) windows, want 2"

  # A window that was killed leaves its socket behind; the next start opens a window all the same.
  kill -KILL "$first"; wait "$first" 2>/dev/null || true
  socket_in "$dir/data" || fail "the killed window left no socket behind, so this tests nothing"
  open data after-crash --sandbox "$dir/files/After the crash.pdf"
  await "the window after the crash uploaded its file" uploaded data "After the crash.pdf"
  second "to the window after the crash" 0 --data-dir "$dir/data" # it listens where the stale socket was
  count_is 2 || fail "$(windows | wc -l) windows after the crash, want 2 (this data folder and the other)"

  # --sandbox, to a window that is not on the sandbox (a new data folder: no source yet).
  open real real
  real=$last
  await "a window for a folder with no source" count_is 3
  second "refused" 1 --sandbox --data-dir "$dir/real" "$dir/files/Refused.pdf"
  grep -qF -- "not on the sandbox, so the files given with --sandbox were not added" "$dir/refused.log" || fail "the refusal does not say why"
  count_is 3 || fail "$(windows | wc -l) windows after the refusal, want 3"
  if "$cli" history --data-dir "$dir/real" --csv --columns file 2>/dev/null | grep -q "^Refused.pdf"; then
    fail "the refused file is in the history"
  fi

  # A window that closes (Fyne takes SIGTERM as a close) removes its socket.
  kill -TERM "$real"
  status=0; wait "$real" || status=$?
  [ "$status" -eq 0 ] || fail "the window for a folder with no source ended with status $status on SIGTERM, want 0"
  ! compgen -G "$dir/real/window*.sock" >/dev/null || fail "the closed window left its socket behind"

  # Two starts at the same moment, no window open for their folder: exactly one window.
  for p in "${started[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  started=()
  await "no window" count_is 0
  open race race-a --sandbox "$dir/files/Race A.pdf"
  a=$last
  open race race-b --sandbox "$dir/files/Race B.pdf"
  b=$last
  await "the file of each start uploaded" uploaded race "Race A.pdf"
  await "the file of each start uploaded" uploaded race "Race B.pdf"
  count_is 1 || fail "$(windows | wc -l) windows after two starts at once, want 1"
  alive=0
  for p in "$a" "$b"; do if running "$p"; then alive=$((alive + 1)); fi; done
  [ "$alive" -eq 1 ] || fail "$alive of the two starts still running, want 1 (the window)"
'
echo "one-window: ok — a second start hands its files to the open window of its data folder, which uploads them and comes to the front."
