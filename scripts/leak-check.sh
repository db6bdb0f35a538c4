#!/usr/bin/env bash
# Runs a command and fails if any process it started is still running once it has ended: a
# dbus-daemon or gnome-keyring-daemon left by D-Bus auto-launch, an Xvfb, a wineserver.
#
# Every process the command starts, however it was started (forked, daemonised, D-Bus
# activated), inherits its environment, so the command runs with a mark of its own in the
# environment and the processes carrying that mark are counted before and after. Other
# people's processes on the same machine are never counted. Linux only (/proc); elsewhere the
# command simply runs.
#
# Usage: scripts/leak-check.sh COMMAND [ARG...]
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: scripts/leak-check.sh COMMAND [ARG...]" >&2; exit 2; }

mark="REDOX_UPLOADER_LEAK_CHECK=$$-$RANDOM$RANDOM"

# marked lists "PID COMMAND LINE" for each live process carrying the mark.
marked() {
  local env pid
  for env in $(grep -lzxF "$mark" /proc/[0-9]*/environ 2>/dev/null); do
    pid=${env#/proc/}; pid=${pid%/environ}
    printf '%s %s\n' "$pid" "$(tr '\0' ' ' 2>/dev/null </proc/"$pid"/cmdline)"
  done
}

[ -d /proc/self ] || exec "$@"
env "$mark" "$@"
status=$?

# A daemon whose bus or display has just closed takes a moment to exit: allow it 5 s.
left=""
for _ in $(seq 50); do
  left=$(marked)
  [ -n "$left" ] || break
  sleep 0.1
done
if [ -n "$left" ]; then
  echo "leak-check: '$*' left $(wc -l <<<"$left") process(es) running:" >&2
  sed 's/^/  /' <<<"$left" >&2
  kill $(cut -d' ' -f1 <<<"$left") 2>/dev/null # they are the command's own: stop them
  [ $status -ne 0 ] || status=1
else
  echo "leak-check: '$1 ${2:-}' left no process running."
fi
exit $status
