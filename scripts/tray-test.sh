#!/usr/bin/env bash
# Closing the real window to the system tray, with real programs on a real bus: a private D-Bus
# session (dbus-run-session) with a test-only tray host (scripts/tray/host: it owns
# org.kde.StatusNotifierWatcher and reads and presses the icon's menu over com.canonical.dbusmenu,
# as a desktop's panel does) and an unlocked throwaway gnome-keyring, in a real X server (Xvfb).
#   - a saved source, uploading to a local sandbox ('redox-uploader sandbox'), gets a watched
#     folder with `source add --watch`; the window starts through the
#     command line (--sandbox --data-dir), and its tray icon registers with the folder in its menu;
#   - the window is asked to close as a window manager does (WM_DELETE_WINDOW,
#     scripts/tray/wmclose); "Keep watching folders?" is answered "Keep watching" with the
#     keyboard; the window is hidden and the program runs on;
#   - a file dropped into the watched folder is uploaded (the history has its SHA-256) and moved
#     to Uploaded/DATE/; the menu's "Last:" line says so, and a notification counts it without
#     naming it (the host serves org.freedesktop.Notifications too);
#   - the menu's "Open Redox Uploader" shows the window again, and "Quit" ends the program with
#     exit status 0.
# Nothing it starts is left running. A screenshot of the question is written to SCREENSHOT.png
# when asked for.
#
# Usage: scripts/tray-test.sh ./redox-uploader ./redox-uploader-window [SCREENSHOT.png]
set -euo pipefail
usage="usage: scripts/tray-test.sh CLI WINDOW [SCREENSHOT.png]"
cli=$(realpath "${1:?$usage}")
window=$(realpath "${2:?$usage}")
shot=${3:+$(realpath -m "$3")}
[ "$(dirname "$cli")" = "$(dirname "$window")" ] || { echo "tray-test: the two programs must be in one folder" >&2; exit 1; }
for tool in xvfb-run xdotool xwd convert compare dbus-run-session dbus-send gnome-keyring-daemon sha256sum; do
  command -v "$tool" >/dev/null || { echo "tray-test: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
session=$(realpath "$(dirname "$0")/tray/session.sh")
source "$session"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/redox-tray-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tray_prepare "$tmp"
export cli tmp shot session LANG=${LANG:-C.UTF-8}

# dbus-run-session stops its dbus-daemon when the test ends; as root it warns that it cannot
# raise its file limit, which is harmless, so that one line is filtered out.
{ dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
  pids=()
  stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
  trap stop_all EXIT
  logs() { for f in "$tmp"/*.log "$tmp"/data/logs/*.log; do [ -f "$f" ] && { echo "--- $(basename "$f"):"; cat "$f"; }; done; }
  fail() { echo "tray-test: $*" >&2; logs >&2; exit 1; }
  trap "echo \"tray-test: a step failed at line \$LINENO: \$BASH_COMMAND\" >&2" ERR
  source "$session"
  logged() { grep -q "$2" "$tmp/$1.log" 2>/dev/null; }
  host() { "$tmp/bin/host" "$@"; }
  tray_keyring
  # The tray host, before the window: it owns org.kde.StatusNotifierWatcher.
  "$tmp/bin/host" watch >"$tmp/host.log" 2>&1 &
  pids+=($!)
  await "the tray host on the bus" logged host "watching for tray icons"
  # A saved source uploading to a local stand-in, with a watched folder.
  data="$tmp/data"
  tray_watched_source "$cli" "$data" "Scan desk" 1 "$tmp/scans"

  # The window, through the command line, as a user starts it.
  "$cli" --sandbox --data-dir "$data" >"$tmp/app.log" 2>&1 &
  app=$!
  pids+=($app)
  await_pid=$app await_name="the window program"
  shown() { win=$(xdotool search --onlyvisible --name "^Redox Uploader\$" 2>/dev/null | head -n1); [ -n "$win" ]; }
  hidden() { [ -z "$(xdotool search --onlyvisible --name "^Redox Uploader\$" 2>/dev/null)" ]; }
  await "the window shown" shown
  in_menu() { host menu >"$tmp/menu.txt" 2>/dev/null && grep -qP "$1" "$tmp/menu.txt"; }
  await "the tray icon registered" logged host "^registered "
  await "the watched folder in the tray menu" in_menu "^\\d+\tdisabled\tScan desk: watching 1 folder\$"
  echo "tray-test: the tray icon registered; its menu:"
  cut -f2- "$tmp/menu.txt" | sed "s/^/    /"

  # Close as a window manager asks, and wait for the question: the window changes.
  xwd -id "$win" -silent >"$tmp/before.xwd"
  "$tmp/bin/wmclose" "$win"
  changed() { xwd -id "$win" -silent >"$tmp/now.xwd" && ! compare -metric AE "$tmp/before.xwd" "$tmp/now.xwd" null: 2>/dev/null; }
  await "the window to ask whether to keep watching" changed
  running "$app" || fail "closing the window ended the program instead of asking"
  if [ -n "$shot" ]; then sleep 0.5; xwd -root -silent >"$tmp/question.xwd"; fi # painted in full first
  # "Keep watching" with the keyboard: Tab to the buttons (Quit first, then Keep watching), Space.
  xdotool windowfocus --sync "$win"
  xdotool key --window "$win" Tab Tab space
  await "the window hidden" hidden
  running "$app" || fail "the program ended when the window was closed with \"Keep watching\""
  remembered() { grep -qF "\"closeToTray\":\"keep\"" "$XDG_CONFIG_HOME"/fyne/*/preferences.json 2>/dev/null; }
  await "the answer remembered (closeToTray in the preferences)" remembered
  echo "tray-test: closing the window asked; \"Keep watching\" hid it, was remembered, and the program runs on."

  # A scan dropped into the watched folder: uploaded, moved to Uploaded/DATE/.
  head -c $((120 * 1024)) /dev/urandom >"$tmp/Referral scan.pdf"
  want=$(sha256sum "$tmp/Referral scan.pdf" | cut -d" " -f1)
  mv "$tmp/Referral scan.pdf" "$tmp/scans/"
  uploaded() { "$cli" history --data-dir "$data" --status done --csv --columns file,sha256,profile 2>/dev/null | tr -d "\r" |
    grep -qxF "Referral scan.pdf,$want,Scan desk"; }
  await "the scan uploaded to the source (history --csv)" uploaded
  moved() { [ -f "$tmp/scans/Uploaded/$(date +%Y-%m-%d)/Referral scan.pdf" ] && [ ! -e "$tmp/scans/Referral scan.pdf" ]; }
  await "the scan moved to Uploaded/$(date +%Y-%m-%d)/" moved
  await "the last result in the tray menu" in_menu "^\\d+\tdisabled\tLast: uploaded at \\d\\d:\\d\\d\$"
  await "the notification that counts it" logged host "^notification Redox Uploader: 1 file uploaded from watched folders\.\$"
  ! grep "^notification .*Referral" "$tmp/host.log" || fail "a notification names the file"
  echo "tray-test: a scan dropped into the watched folder with the window hidden was uploaded (SHA-256 $want)," \
    "moved to Uploaded/$(date +%Y-%m-%d)/; the menu says \"$(grep -P "\tLast: " "$tmp/menu.txt" | cut -f3)\"," \
    "the notification \"$(sed -n "s/^notification //p" "$tmp/host.log")\""

  # The menu opens the window again, and quits.
  host click "Open Redox Uploader"
  await "the window shown again by \"Open Redox Uploader\"" shown
  host click "Quit"
  status=0
  await_end "the program ended by \"Quit\" in the tray menu" || status=$?
  [ $status -eq 0 ] || fail "\"Quit\" in the tray menu: exit status $status, want 0"
  await "the tray icon gone from the host" logged host "^gone "
  echo "tray-test: \"Open Redox Uploader\" showed the window again; \"Quit\" ended the program with exit status 0."
' 2>&1 1>&3 3>&- | sed -u "/Failed to set fd limit/d" >&2; } 3>&1
if [ -n "$shot" ]; then convert "$tmp/question.xwd" "$shot"; fi
echo "tray-test: ok — the window closed to the tray, its watched folder sent a scan, and the tray menu opened and quit it."
