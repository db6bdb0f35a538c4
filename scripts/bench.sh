#!/usr/bin/env bash
# shellcheck disable=SC2317 # the contenders are called through sample/timed, which shellcheck cannot follow
# Compares `redox-uploader upload` with curl on one local Redox sandbox, in one run:
#   A  one 10 MiB file:            CLI vs one curl -F            (goal: CLI ≤ 1.00× curl)
#   B  200 files of 100 KiB:       CLI --parallel 4 vs a sequential curl loop (goal ≤ 0.10×)
#                                  and vs four curls at once, xargs -P 4     (goal ≤ 0.15×)
#   V  `redox-uploader version`:   wall time (goal ≤ 5 ms) and peak memory (goal ≤ 15 MiB, read by
#                                  GNU time, /usr/bin/time, when the machine has it)
#   M  memory of one upload:       BenchmarkUpload10MiB's alloc-B/sent-B, bytes allocated per byte
#                                  of file sent (goal ≤ 0.10; holding the file in memory is ≥ 1)
# Both sides use the sandbox's static demo token, so they do the same work: no sign-in, one
# multipart POST per file. The CLI also journals every file in its history (a temporary one
# here) and hashes it as it sends it; --force makes it send files it has sent before, as curl
# does. A note gives case A without --force (the duplicate check runs). Each figure is the
# median wall time of RUNS runs (default 5), after one untimed warm-up; case A, the start-ups
# and V take A_RUNS runs (default 21): one is a few tens of milliseconds, where one busy moment
# of the machine moves a median of five by several percent.
#
# Exit status: 0 when every goal is met; 2 when one or more goals are missed (each is named on
# standard error, after the table); 1 when something broke (the sandbox did not start, an
# upload failed, the sandbox did not count the uploads it should have), whatever the figures.
# The window program's row is for comparison and is not a goal.
#
# The CLI is the command line that ships, redox-uploader (no graphics libraries). A second
# program, the window program redox-uploader-window given the same command, adds case A and the
# start-up for it, for comparison: it loads the graphics libraries at every start.
#
# Usage: bash scripts/bench.sh [./redox-uploader [./redox-uploader-window]]   (RUNS=N: repetitions)
set -uo pipefail
bin=${1:-./redox-uploader}
window=${2:-}
runs=${RUNS:-5}
a_runs=${A_RUNS:-21}
GO=${GO:-go}

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$bin" ] || die "$bin is not an executable; run 'make build' first"
[ -z "$window" ] || [ -x "$window" ] || die "$window is not an executable; run 'make build' first"
command -v curl >/dev/null || die "curl is not installed (Debian/Ubuntu: sudo apt-get install curl)"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive whole number, not '$runs'"
[[ "$a_runs" =~ ^[1-9][0-9]*$ ]] || die "A_RUNS must be a positive whole number, not '$a_runs'"
command -v "$GO" >/dev/null || die "$GO is not on PATH (it runs the memory benchmark, case M)"

dir=$(mktemp -d)
sandbox_pid=
cleanup() {
  if [ -n "$sandbox_pid" ]; then
    kill -TERM "$sandbox_pid" 2>/dev/null
    wait "$sandbox_pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- case M, first, while nothing else runs: Go's benchmark of one upload's memory. ----------
if ! (cd "$(dirname "$0")/.." && "$GO" test -run '^$' -bench '^BenchmarkUpload10MiB$' -benchtime 20x ./client) >"$dir/m.out" 2>&1; then
  cat "$dir/m.out" >&2
  die "the memory benchmark (BenchmarkUpload10MiB) failed"
fi
m_ratio=$(awk '$1 ~ /^BenchmarkUpload10MiB/ { for (i = 2; i < NF; i++) if ($(i + 1) == "alloc-B/sent-B") print $i }' "$dir/m.out")
[ -n "$m_ratio" ] || die "BenchmarkUpload10MiB reported no alloc-B/sent-B: $(cat "$dir/m.out")"

# --- the sandbox: port 0 lets the kernel pick a free port; the banner says which. ---------------
"$bin" sandbox --addr 127.0.0.1:0 >"$dir/sandbox.out" 2>"$dir/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do
  grep -q 'Press Ctrl+C to stop' "$dir/sandbox.out" 2>/dev/null && break
  kill -0 "$sandbox_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q 'Press Ctrl+C to stop' "$dir/sandbox.out"; then
  kill -0 "$sandbox_pid" 2>/dev/null || { wait "$sandbox_pid"; echo "bench: '$bin sandbox' exited with status $?" >&2; }
  sandbox_pid=
  die "the sandbox did not start: $(cat "$dir/sandbox.err" "$dir/sandbox.out" 2>/dev/null)"
fi
url=$(awk '$1 == "upload" && $2 == "URL" { print $3; exit }' "$dir/sandbox.out")
base=$(awk '$1 == "API" && $2 == "base" { print $3; exit }' "$dir/sandbox.out")
api_key=$(awk '$1 == "legacy" { print $3; exit }' "$dir/sandbox.out")
secret=$(sed -n 's/^ *legacy .*REDOX_API_SECRET=\([^ ]*\).*/\1/p' "$dir/sandbox.out")
token=$(sed -n 's/^ *token *REDOX_ACCESS_TOKEN=\([^ ]*\).*/\1/p' "$dir/sandbox.out")
for v in url base api_key secret token; do
  [ -n "${!v}" ] || die "could not read '$v' from the sandbox banner: $(cat "$dir/sandbox.out")"
done

# --- files -----------------------------------------------------------------------------------
mkdir "$dir/a" "$dir/b"
head -c $((10 << 20)) /dev/urandom >"$dir/a/scan-10MiB.tiff"
for i in $(seq -w 1 200); do head -c $((100 << 10)) /dev/urandom >"$dir/b/page-$i.pdf"; done
big=$dir/a/scan-10MiB.tiff
# For the note on case A without --force: a new file each run, each a size the history has not
# seen (10 MiB less 1, 2, 3... bytes; the limit is 10 MiB), so the duplicate check runs and finds
# no earlier upload of that size.
mkdir "$dir/c"
for ((i = 0; i <= runs; i++)); do head -c $(((10 << 20) - i - 1)) /dev/urandom >"$dir/c/scan-$i.tiff"; done
small=("$dir"/b/*.pdf)

# --- the contenders --------------------------------------------------------------------------
uploads=0 # what the sandbox should have stored by the end
failed=0

show_err() { # the start of the CLI's complaints (not 200 of them, nor Fyne's log lines)
  grep -v -E '^    \(|^[0-9]{4}/[0-9]{2}/[0-9]{2} ' "$dir/cli.err" | head -n 3 >&2
}
cli() { # FILE... — one CLI run with the static token
  REDOX_ACCESS_TOKEN=$token "$bin" upload --upload-url "$url" --api-base "$base" --auth token --force --data-dir "$dir/data" \
    --parallel 4 "$@" >"$dir/cli.out" 2>"$dir/cli.err" || { show_err; return 1; }
}
check_cli() { # FILE... — after cli, outside its time: it printed one URI per file
  local lines
  lines=$(wc -l <"$dir/cli.out")
  [ "$lines" -eq "$#" ] || { echo "bench: the CLI printed $lines URIs for $# files" >&2; return 1; }
}
cli_checked() { # FILE — one CLI run without --force: the duplicate check runs
  REDOX_ACCESS_TOKEN=$token "$bin" upload --upload-url "$url" --api-base "$base" --auth token --data-dir "$dir/data" \
    "$1" >"$dir/cli.out" 2>"$dir/cli.err" || { show_err; return 1; }
}
cli_window() { # FILE... — the same with the window program
  local bin=$window
  cli "$@"
}
check_cli_window() { check_cli "$@"; }
cli_legacy() { # FILE... — the same with the legacy API key (one sign-in request more)
  REDOX_API_SECRET=$secret "$bin" upload --upload-url "$url" --api-base "$base" --auth legacy --force --data-dir "$dir/data" \
    --api-key "$api_key" --parallel 4 "$@" >/dev/null 2>"$dir/cli.err" || { show_err; return 1; }
}
curl_one() { # FILE — exactly what the issue names, plus --fail so an HTTP error counts
  curl -sS --fail -o /dev/null -H "Authorization: Bearer $token" -F "file=@$1" "$url"
}
cli_start() { "$bin" help >/dev/null 2>&1; }   # process start-up alone, for the notes
cli_version() { "$bin" version >/dev/null; }
window_start() { "$window" help >/dev/null 2>&1; }
curl_start() { curl --version >/dev/null; }
curl_loop() { # FILE... — one curl after another
  local f
  for f in "$@"; do curl_one "$f" || return 1; done
}
curl_xargs() { # FILE... — four curls at a time
  printf '%s\0' "$@" | xargs -0 -P 4 -I{} curl -sS --fail -o /dev/null \
    -H "Authorization: Bearer $token" -F "file=@{}" "$url"
}

elapsed_ns=0
# timed CMD... — runs CMD, sets elapsed_ns, then runs check_CMD if there is one (outside the
# time); counts a failure. The clock is bash's own, EPOCHREALTIME in microseconds: reading it
# starts no process (date did, inside the time of every run).
timed() {
  local t0 t1 rc
  t0=${EPOCHREALTIME/[.,]/}
  "$@"
  rc=$?
  t1=${EPOCHREALTIME/[.,]/}
  elapsed_ns=$(((10#$t1 - 10#$t0) * 1000))
  if [ "$rc" -eq 0 ] && declare -F "check_$1" >/dev/null; then
    "check_$1" "${@:2}"
    rc=$?
  fi
  if [ "$rc" -ne 0 ]; then
    echo "bench: failed: $1" >&2
    failed=1
  fi
  return "$rc"
}

median() { # NS... — prints the median in seconds, to the tenth of a millisecond: the ratios are
  # taken from these, and a whole millisecond is 4 % of case A (23 against 24 ms read 1.04)
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.4f", m / 1e9 }'
}

sample() { # ARRAY FILES CMD... — one timed run of CMD; keeps the time unless this is the warm-up
  local -n into=$1
  local files=$2
  shift 2
  timed "$@" && uploads=$((uploads + files))
  [ "$round" -gt 0 ] && into+=("$elapsed_ns")
}

# The contenders of a case take turns run by run, so drift on the machine hits them alike.
v_cli=() a_cli=() a_checked=() a_window=() a_legacy=() a_curl=() a_cli_start=() a_window_start=() a_curl_start=() b_cli=() b_loop=() b_xargs=()
echo "Sandbox at $url; $a_runs timed runs per contender of A and V, $runs of B, after one warm-up ($(nproc) CPUs)."
for ((round = 0; round <= a_runs; round++)); do # round 0 is the warm-up
  sample a_cli 1 cli "$big"
  sample a_curl 1 curl_one "$big"
  [ -z "$window" ] || sample a_window 1 cli_window "$big"
  sample a_legacy 1 cli_legacy "$big"
  [ "$round" -gt "$runs" ] || sample a_checked 1 cli_checked "$dir/c/scan-$round.tiff" # a new 10 MiB file each: RUNS of them
  sample a_cli_start 0 cli_start
  sample v_cli 0 cli_version
  [ -z "$window" ] || sample a_window_start 0 window_start
  sample a_curl_start 0 curl_start
done
for ((round = 0; round <= runs; round++)); do
  sample b_cli 200 cli "${small[@]}"
  sample b_loop 200 curl_loop "${small[@]}"
  sample b_xargs 200 curl_xargs "${small[@]}"
done

# --- did the sandbox store everything? -------------------------------------------------------
kill -TERM "$sandbox_pid"
wait "$sandbox_pid"
sandbox_pid=
stored=$(sed -n 's/^Sandbox stopped after \([0-9]*\) upload(s)\./\1/p' "$dir/sandbox.out")
if [ "$stored" != "$uploads" ]; then
  echo "bench: the sandbox stored ${stored:-?} files, the runs reported $uploads" >&2
  failed=1
fi

# --- the table -------------------------------------------------------------------------------
missed=() # the goals not met, by name, for the closing message
row() { # CASE CLI-S CURL-S GOAL [NOTE] — one ratio row; fails when the ratio is over the goal
  awk -v c="$1" -v a="$2" -v b="$3" -v g="$4" -v note="${5:-}" 'BEGIN {
    r = (b > 0) ? a / b : 0; ok = b > 0 && r <= g
    printf "%-34s %8.4f %8.4f %7.3f   ≤%-5.2f %s%s\n", c, a, b, r, g, ok ? "PASS" : "MISS", note
    exit !ok }'
}
single() { # CASE FIGURE GOAL FORMAT — one row of a figure alone; fails when it is over the goal
  awk -v c="$1" -v f="$2" -v g="$3" -v fmt="$4" 'BEGIN {
    ok = f > 0 && f <= g
    printf "%-34s " fmt " %8s %7s   ≤%-5s %s\n", c, f, "", "", g, ok ? "PASS" : "MISS"
    exit !ok }'
}
goal() { # NAME CMD... — runs a row; a miss is recorded under NAME
  local name=$1
  shift
  "$@" || missed+=("$name")
}
echo
printf "%-34s %8s %8s %7s   %-6s %s\n" case "CLI s" "curl s" ratio goal result
goal "A: one 10 MiB file, CLI ≤ 1.00 × curl" \
  row "A  1 × 10 MiB vs curl" "$(median "${a_cli[@]}")" "$(median "${a_curl[@]}")" 1.00
[ -z "$window" ] || row "A  1 × 10 MiB, window program" "$(median "${a_window[@]}")" "$(median "${a_curl[@]}")" 1.00 \
  "  (comparison, not a goal)"
goal "B: 200 × 100 KiB, CLI ≤ 0.10 × a curl loop" \
  row "B  200 × 100 KiB vs curl loop" "$(median "${b_cli[@]}")" "$(median "${b_loop[@]}")" 0.10
goal "B: 200 × 100 KiB, CLI ≤ 0.15 × xargs -P 4 curl" \
  row "B  200 × 100 KiB vs xargs -P 4" "$(median "${b_cli[@]}")" "$(median "${b_xargs[@]}")" 0.15
goal "V: redox-uploader version ≤ 5 ms" \
  single "V  redox-uploader version, wall" "$(median "${v_cli[@]}")" 0.005 "%8.4f"
if [ -x /usr/bin/time ]; then
  kib=$( { /usr/bin/time -f %M "$bin" version >/dev/null; } 2>&1 | tail -n 1)
  goal "V: redox-uploader version ≤ 15 MiB" \
    single "V  redox-uploader version, MiB" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" 15 "%8.1f"
else
  echo "V  redox-uploader version, MiB: not measured (GNU time, /usr/bin/time, is not installed)"
fi
goal "M: one upload allocates ≤ 0.10 B per B sent" \
  single "M  10 MiB upload, B alloc / B sent" "$m_ratio" 0.10 "%8.4f"
printf "Notes: case A with --auth legacy (one sign-in more): %s s.\n" "$(median "${a_legacy[@]}")"
printf "       case A without --force, a new file each run (duplicate check, a size not seen before): %s s.\n" \
  "$(median "${a_checked[@]}")"
printf "       start-up alone: redox-uploader help %s s, curl --version %s s.\n" \
  "$(median "${a_cli_start[@]}")" "$(median "${a_curl_start[@]}")"
[ -z "$window" ] || printf "       (the window program, redox-uploader-window help: %s s.)\n" "$(median "${a_window_start[@]}")"
echo "Medians of $a_runs runs (A, V, start-ups) and $runs runs (B, the note without --force); ${stored:-?} files stored by the sandbox."

if [ "$failed" -ne 0 ]; then
  echo "bench: something failed (see above); the figures are not trustworthy." >&2
  exit 1
fi
if [ "${#missed[@]}" -gt 0 ]; then
  for g in "${missed[@]}"; do echo "bench: goal missed: $g" >&2; done
  exit 2
fi
echo "bench: every goal met."
exit 0
