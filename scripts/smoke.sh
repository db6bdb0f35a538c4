#!/usr/bin/env bash
# Smoke test of the real programs in a real X server: start the window on the sandbox with a
# file on the command line, as a user does, through the command line redox-uploader (which
# becomes the window program in the same process), wait until the history holds that file's URI,
# take a screenshot, and check that it is not blank, and that nothing in the app started a D-Bus
# session bus of its own (one would outlive it). Before that, the native programs must refuse, in
# plain words and with exit status 1, to open the window without a display (asked through the
# command line) and on a display without OpenGL (asked of the window program).
#
# Usage: scripts/smoke.sh ./redox-uploader ./redox-uploader-window [screenshot.png]
#        RUNNER=wine scripts/smoke.sh redox-uploader.exe redox-uploader-window.exe   (see wine-test.sh)
# Under Wine the window program is started directly: the console program returns at once
# after starting it, and wine-test.sh checks that on its own.
set -euo pipefail
cli=${1:?usage: scripts/smoke.sh CLI WINDOW [SCREENSHOT.png]}
window=${2:?usage: scripts/smoke.sh CLI WINDOW [SCREENSHOT.png]}
shot=${3:-}
for tool in xvfb-run xwd convert xdotool; do
  command -v "$tool" >/dev/null || { echo "smoke: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c $((300 * 1024)) /dev/urandom >"$dir/Smoke test report.pdf"
RUNNER=${RUNNER:-}
opener=$cli # what starts the window: the command line, as users do
[ -z "$RUNNER" ] || opener=$window
# The desktop entry's StartupWMClass must be the window's class, or docks show a generic icon.
wm_class=$(sed -n 's/^StartupWMClass=//p' "$(dirname "$0")/../packaging/linux/redox-uploader.desktop")
export dir cli window opener RUNNER wm_class LANG=${LANG:-C.UTF-8} REDOX_UPLOADER_SMOKE=$$

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
  env -u DISPLAY -u WAYLAND_DISPLAY timeout 60 "$cli" --data-dir "$dir/data" >"$dir/refused.log" 2>&1 || status=$?
  refused "no display" "there is no screen to show it on" "$dir/refused.log" $status
  status=0
  timeout 60 xvfb-run -a -s "-screen 0 1280x800x24 -extension GLX" "$window" --data-dir "$dir/data" >"$dir/refused.log" 2>&1 || status=$?
  refused "a display without OpenGL" "does not offer the graphics support the window needs (OpenGL 2.1)" "$dir/refused.log" $status
fi

# Everything that needs the display runs inside one xvfb-run.
xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
  $RUNNER "$opener" --sandbox --data-dir "$dir/data" "$dir/Smoke test report.pdf" >"$dir/app.log" 2>&1 &
  app=$!
  trap "kill $app 2>/dev/null || true; wait $app 2>/dev/null || true" EXIT
  for _ in $(seq 300); do
    kill -0 "$app" 2>/dev/null || { echo "smoke: the app exited early:" >&2; cat "$dir/app.log" >&2; exit 1; }
    if $RUNNER "$cli" history --data-dir "$dir/data" --status done --csv --columns file,uri 2>/dev/null |
      grep -q "^Smoke test report.pdf,http://127.0.0.1:[0-9]*/blob/"; then
      break
    fi
    sleep 0.2
  done
  $RUNNER "$cli" history --data-dir "$dir/data" --status done --csv --columns file,uri | tr -d "\r" | grep "^Smoke test report.pdf," >"$dir/uri" ||
    { echo "smoke: no URI in the history after 60 s; the app said:" >&2; cat "$dir/app.log" >&2; exit 1; }
  # The command line became the window program in the same process (exec), as a desktop
  # entry or a terminal that started it expects.
  if [ -z "$RUNNER" ] && [ "$(readlink "/proc/$app/exe")" != "$(realpath "$window")" ]; then
    echo "smoke: the window runs as $(readlink "/proc/$app/exe"), not as $(realpath "$window") in the process $cli started" >&2
    exit 1
  fi
  if [ -z "$RUNNER" ] && ! xdotool search --class "^$wm_class\$" >/dev/null; then
    echo "smoke: no window of the class \"$wm_class\" (StartupWMClass in the desktop entry)" >&2
    exit 1
  fi
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
echo "smoke: ok — $(basename "$opener") opened the window, which uploaded $(cut -d, -f2 "$dir/uri"); the screenshot has $colours colours."
