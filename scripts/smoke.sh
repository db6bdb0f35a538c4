#!/usr/bin/env bash
# Smoke test of the real binary in a real X server: start the window on the sandbox with a file
# on the command line, wait until the history holds that file's URI, take a screenshot, and
# check that it is not blank, and that nothing in the app started a D-Bus session bus of its own
# (one would outlive it). Before that, the native binary must refuse, in plain words and with
# exit status 1, to open its window without a display and on a display without OpenGL.
#
# Usage: scripts/smoke.sh ./redox-uploader [screenshot.png]
#        RUNNER=wine scripts/smoke.sh redox-uploader.exe   (the Windows build; see wine-test.sh)
set -euo pipefail
bin=${1:?usage: scripts/smoke.sh BINARY [SCREENSHOT.png]}
shot=${2:-}
for tool in xvfb-run xwd convert; do
  command -v "$tool" >/dev/null || { echo "smoke: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c $((300 * 1024)) /dev/urandom >"$dir/Smoke test report.pdf"
export dir bin RUNNER=${RUNNER:-} LANG=${LANG:-C.UTF-8} REDOX_UPLOADER_SMOKE=$$

# refused NAME WANT LOG STATUS: the window was refused with exit status 1 and a message holding
# WANT, and no crash trace.
refused() {
  if [ "$4" -ne 1 ] || ! grep -qF "$2" "$3" || grep -qE "goroutine [0-9]|panic:" "$3"; then
    echo "smoke: $1: exit status $4 (want 1, a plain message and no crash trace); the app said:" >&2
    cat "$3" >&2
    exit 1
  fi
  echo "smoke: $1: refused in plain words."
}
if [ -z "$RUNNER" ]; then # the Windows build's refusal is checked by wine-test.sh
  status=0
  env -u DISPLAY -u WAYLAND_DISPLAY timeout 60 "$bin" --data-dir "$dir/data" >"$dir/refused.log" 2>&1 || status=$?
  refused "no display" "there is no screen to show it on" "$dir/refused.log" $status
  status=0
  timeout 60 xvfb-run -a -s "-screen 0 1280x800x24 -extension GLX" "$bin" --data-dir "$dir/data" >"$dir/refused.log" 2>&1 || status=$?
  refused "a display without OpenGL" "does not offer the graphics support the window needs (OpenGL 2.1)" "$dir/refused.log" $status
fi

# Everything that needs the display runs inside one xvfb-run.
xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
  $RUNNER "$bin" --sandbox --data-dir "$dir/data" "$dir/Smoke test report.pdf" >"$dir/app.log" 2>&1 &
  app=$!
  trap "kill $app 2>/dev/null || true; wait $app 2>/dev/null || true" EXIT
  for _ in $(seq 300); do
    kill -0 "$app" 2>/dev/null || { echo "smoke: the app exited early:" >&2; cat "$dir/app.log" >&2; exit 1; }
    if $RUNNER "$bin" history --data-dir "$dir/data" --status done --csv --columns file,uri 2>/dev/null |
      grep -q "^Smoke test report.pdf,http://127.0.0.1:[0-9]*/blob/"; then
      break
    fi
    sleep 0.2
  done
  $RUNNER "$bin" history --data-dir "$dir/data" --status done --csv --columns file,uri | tr -d "\r" | grep "^Smoke test report.pdf," >"$dir/uri" ||
    { echo "smoke: no URI in the history after 60 s; the app said:" >&2; cat "$dir/app.log" >&2; exit 1; }
  sleep 0.5 # let the row paint before the picture
  xwd -root -silent >"$dir/shot.xwd"
  # A session bus started by D-Bus auto-launch (GTK, Fyne) lives as long as the display: look
  # for one while the display is still up, among the processes that carry our environment.
  if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    buses=$(for env in $(grep -lzxF "REDOX_UPLOADER_SMOKE=$REDOX_UPLOADER_SMOKE" /proc/[0-9]*/environ 2>/dev/null); do
      pid=${env#/proc/}; pid=${pid%/environ}
      case $(cat "/proc/$pid/comm" 2>/dev/null) in dbus-*|at-spi*|gnome-keyring*) tr "\0" " " <"/proc/$pid/cmdline"; echo ;; esac
    done)
    if [ -n "$buses" ]; then echo "smoke: the app started a D-Bus session bus of its own:" >&2; echo "$buses" >&2; exit 1; fi
  fi
'
convert "$dir/shot.xwd" "$dir/shot.png"
colours=$(convert "$dir/shot.png" -format %k info:)
if [ "$colours" -lt 16 ]; then
  echo "smoke: the screenshot is blank ($colours colours)" >&2
  exit 1
fi
[ -z "$shot" ] || cp "$dir/shot.png" "$shot"
echo "smoke: ok — uploaded $(cut -d, -f2 "$dir/uri"); the screenshot has $colours colours."
