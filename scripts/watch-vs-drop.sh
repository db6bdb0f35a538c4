#!/usr/bin/env bash
# watch-vs-drop.sh CLI WINDOW [RUNS]: how long 200 files of 100 KiB take to reach the sandbox
# when they appear at once in a watched folder ('watch', settle 1 s) against the same files
# given to the open window as a drop gives them (handed to it by a second start, which calls
# the same code a drop does). Each time runs from the moment the files are there (moved into
# the folder in one command, or handed over) until the history has all 200 done, polled every
# 50 ms. A measurement for the README and the notes, not a test: it prints, it asserts nothing
# but that every file arrived.
#
# Usage: scripts/watch-vs-drop.sh ./redox-uploader ./redox-uploader-window [RUNS]
set -euo pipefail
cli=$(realpath "${1:?usage: scripts/watch-vs-drop.sh CLI WINDOW [RUNS]}")
window=$(realpath "${2:?usage: scripts/watch-vs-drop.sh CLI WINDOW [RUNS]}")
runs=${3:-3}
[ "$(dirname "$cli")" = "$(dirname "$window")" ] || { echo "watch-vs-drop: the two programs must be in one folder" >&2; exit 1; }
n=200 settle=1

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/files"
for i in $(seq -w $n); do head -c $((100 * 1024)) /dev/urandom >"$dir/files/scan $i.pdf"; done
unset XDG_RUNTIME_DIR
export dir cli n settle runs LANG=${LANG:-C.UTF-8}

xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
  pids=()
  trap "for p in \${pids[@]+\"\${pids[@]}\"}; do kill -TERM \$p 2>/dev/null || true; wait \$p 2>/dev/null || true; done" EXIT
  now() { date +%s%N; }
  done_count() { "$cli" history --data-dir "$1" --status done --csv --columns id 2>/dev/null | tail -n +2 | wc -l; }
  # until_all DATA T0: waits until DATA has n rows done, prints the ms since T0.
  until_all() {
    local deadline=$((SECONDS + 120))
    until [ "$(done_count "$1")" -ge "$n" ]; do
      [ $SECONDS -lt $deadline ] || { echo "watch-vs-drop: not all $n files arrived in 120 s" >&2; exit 1; }
      sleep 0.05
    done
    echo $(( ($(now) - $2) / 1000000 ))
  }
  for run in $(seq "$runs"); do
    # Dropped on the open window.
    data="$dir/drop$run"
    "$cli" --sandbox --data-dir "$data" >"$dir/window$run.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 300); do xdotool search --onlyvisible --name "^Redox Uploader\$" >/dev/null 2>&1 && break; sleep 0.1; done
    sleep 1 # the window settles
    t0=$(now)
    "$cli" --sandbox --data-dir "$data" "$dir"/files/*.pdf >/dev/null 2>&1
    drop=$(until_all "$data" "$t0")
    kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

    # Appearing in a watched folder.
    data="$dir/watch$run" in="$dir/in$run"
    mkdir "$in"; cp -a "$dir/files" "$dir/staged$run"
    "$cli" watch --sandbox --data-dir "$data" --settle "$settle" --rescan 1 "$in" >"$dir/watch$run.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 300); do grep -qs " watching$" "$dir/watch$run.log" && break; sleep 0.1; done
    t0=$(now)
    mv "$dir/staged$run"/*.pdf "$in"/
    watch=$(until_all "$data" "$t0")
    kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
    echo "watch-vs-drop: run $run: dropped on the window ${drop} ms; watched folder ${watch} ms (settle ${settle} s included, $((watch - settle * 1000)) ms without)"
  done
'
