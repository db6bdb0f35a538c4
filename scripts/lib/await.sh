# shellcheck shell=bash
# Sourced by the X and Wine test scripts: waiting for something without a blind sleep. The
# caller defines `fail WHY` (say why, then exit 1).
#   running PID            the process has not ended (one that ended but was not waited for is
#                          a zombie)
#   await WHAT COMMAND...  run COMMAND every 0.2 s until it succeeds, for up to 60 s; while
#                          await_pid is set, fail at once if that process (await_name) ends
#   await_end WHAT         await the end of await_pid, stop watching it, and return its exit status

await_pid="" await_name="the program"

running() { local state; state=$(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) && [ -n "$state" ] && [ "$state" != Z ]; }

await() {
  local what=$1; shift
  for _ in $(seq 300); do
    "$@" && return 0
    [ -z "$await_pid" ] || running "$await_pid" || fail "$await_name ended while waiting for: $what"
    sleep 0.2
  done
  fail "after 60 s, still not: $what"
}

await_end() {
  local pid=$await_pid status=0
  await_pid=""
  # shellcheck disable=SC2317 # called through await
  await_ended() { ! running "$pid"; }
  await "$1" await_ended
  wait "$pid" || status=$?
  return "$status"
}
