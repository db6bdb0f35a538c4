#!/usr/bin/env bash
# shellcheck disable=SC2016 # the session script is in single quotes on purpose: it expands inside
# Closing the real Windows window program to the system tray, under Wine, in a fresh prefix and
# a real X server (Xvfb) without a desktop panel:
#   - a source saved with the console program ('source add --watch', its secret in Wine's
#     Credential Manager with 'source set-secret'), uploading to 'redox-uploader.exe sandbox',
#     has a watched folder; the window program starts on that data folder and its tray icon
#     (Shell_NotifyIcon) is drawn in Wine's stand-alone "Wine System Tray" window: with no XEmbed
#     tray (_NET_SYSTEM_TRAY_S0) on the display to dock icons into, Wine's explorer.exe keeps
#     them there, and shows that window only while it holds an icon;
#   - the window is asked to close as a window manager does (WM_DELETE_WINDOW,
#     scripts/tray/wmclose; Wine turns it into WM_CLOSE); "Keep watching folders?" is answered
#     "Keep watching" with the keyboard; the window is hidden, the answer is remembered and the
#     program runs on;
#   - a file dropped into the watched folder is uploaded (the history has its SHA-256) and moved
#     to Uploaded\DATE\;
#   - the icon is left-clicked in Wine's tray window: its menu (TrackPopupMenu) opens, and "Open
#     Redox Uploader", chosen with the keyboard, shows the window again; right-clicked, "Quit"
#     ends the program with exit status 0 and the icon is gone (Wine hides its tray window).
# Only real Windows shows the icon in the taskbar's notification area, and the menu where
# Windows puts it. The menu's lines are not read here (Wine draws them; scripts/tray-test.sh
# reads the same menu on Linux); nor is the notification (Fyne shows it through PowerShell, a stub
# in Wine).
# Nothing it starts is left running. A screenshot of the open tray menu is written to MENU.png
# when asked for.
#
#   scripts/wine-tray-test.sh redox-uploader.exe redox-uploader-window.exe [MENU.png]
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/wine-tray-test.sh redox-uploader.exe redox-uploader-window.exe [MENU.png]"
cli=$(realpath "${1:?$usage}")
window=$(realpath "${2:?$usage}")
shot=${3:+$(realpath -m "$3")}
# shellcheck source=scripts/wine/prefix.sh
source scripts/wine/prefix.sh
wine_require_tools wine-tray-test xvfb-run xdotool xwd convert compare sha256sum

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redox-wine-tray.XXXXXX")
export WINEPREFIX="$tmp/prefix" # as wine_prefix sets it, for wine_prefix_end here if the session fails
trap 'wine_prefix_end; rm -rf "$tmp"' EXIT
${GO:-go} build -o "$tmp/wmclose" ./scripts/tray/wmclose
export tmp cli window shot

# The prefix is made inside the X server: Wine's desktop process (explorer.exe, which keeps the
# tray) starts with the prefix and must have the display.
xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
  source scripts/wine/prefix.sh
  pids=()
  stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; wine_prefix_end; }
  trap stop_all EXIT
  fail() {
    echo "wine-tray-test: $*" >&2
    for f in "$tmp"/*.log; do [ -f "$f" ] && { echo "--- $(basename "$f"):" >&2; tr -d "\r" <"$f" >&2; }; done
    exit 1
  }
  trap "echo \"wine-tray-test: a step failed at line \$LINENO: \$BASH_COMMAND\" >&2" ERR
  source scripts/lib/await.sh
  wine_prefix "$tmp"

  # A saved source uploading to the sandbox, with a watched folder; its secret in the Credential Manager.
  wine "$cli" sandbox </dev/null >"$tmp/sandbox.log" 2>&1 &
  pids+=($!)
  sandbox_up() { grep -q "Press Ctrl+C" "$tmp/sandbox.log"; }
  await "the sandbox to start" sandbox_up
  said() { tr -d "\r" <"$tmp/sandbox.log" | awk "/$1/ {print \$3}"; }
  secret=$(tr -d "\r" <"$tmp/sandbox.log" | sed -n "s/.*REDOX_API_SECRET=\([^ ]*\).*/\1/p" | head -n1)
  scans="$tmp/scans"
  mkdir "$scans"
  data=$(winepath -w "$tmp/data")
  wine "$cli" source add "Scan desk" --upload-url "$(said "upload URL")" --api-base "$(said "API base")" \
    --api-key "$(said " legacy ")" --watch "$(winepath -w "$scans")" --settle 1 --data-dir "$data" \
    </dev/null >"$tmp/source.log" 2>&1 || fail "the source could not be saved"
  printf %s "$secret" | wine "$cli" source set-secret "Scan desk" --data-dir "$data" >>"$tmp/source.log" 2>&1 ||
    fail "the secret of the source could not be stored"

  # The window, on that data folder.
  wine "$window" --data-dir "$data" </dev/null >"$tmp/app.log" 2>&1 &
  app=$!
  pids+=($app)
  await_pid=$app await_name="the window program"
  visible() { xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n1; }
  shown() { win=$(visible "^Redox Uploader\$"); [ -n "$win" ]; }
  hidden() { [ -z "$(visible "^Redox Uploader\$")" ]; }
  tray_shown() { tray=$(visible "^Wine System Tray\$"); [ -n "$tray" ]; }
  await "the window shown" shown
  await "the tray icon in the Wine System Tray window" tray_shown
  # The icon is drawn in the first cell of that window (16 by 16 pixels inside a border of 2).
  # Without a window manager, the window program may cover the tray window: it is raised first.
  colours() { xdotool windowraise "$tray" && xwd -id "$tray" -silent | convert xwd:- -crop 16x16+2+2 +repage -format %k info:; }
  drawn() { [ "$(colours)" -gt 1 ]; }
  await "the tray icon drawn in the Wine System Tray window" drawn
  echo "wine-tray-test: the window is shown, and its tray icon is drawn in the Wine System Tray window ($(colours) colours)."

  # Close as a window manager asks, and wait for the question: the window changes.
  xwd -id "$win" -silent >"$tmp/before.xwd"
  "$tmp/wmclose" "$win"
  changed() { xwd -id "$win" -silent >"$tmp/now.xwd" 2>/dev/null && ! compare -metric AE "$tmp/before.xwd" "$tmp/now.xwd" null: 2>/dev/null; }
  await "the window to ask whether to keep watching" changed
  running "$app" || fail "closing the window ended the program instead of asking"
  # "Keep watching" with the keyboard: Tab to the buttons (Quit first, then Keep watching), Space.
  xdotool windowfocus --sync "$win"
  xdotool key --window "$win" Tab Tab space
  await "the window hidden" hidden
  running "$app" || fail "the program ended when the window was closed with \"Keep watching\""
  remembered() { grep -qsF "\"closeToTray\":\"keep\"" "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/fyne/*/preferences.json; }
  await "the answer remembered (closeToTray in the preferences)" remembered
  tray_shown || fail "the tray icon went away when the window was hidden"
  echo "wine-tray-test: closing the window asked; \"Keep watching\" hid it, was remembered, and the program runs on."

  # A scan dropped into the watched folder: uploaded, moved to Uploaded\DATE\.
  head -c $((120 * 1024)) /dev/urandom >"$tmp/Referral scan.pdf"
  want=$(sha256sum "$tmp/Referral scan.pdf" | cut -d" " -f1)
  mv "$tmp/Referral scan.pdf" "$scans/"
  uploaded() { wine "$cli" history --data-dir "$data" --status done --csv --columns file,sha256,profile </dev/null 2>/dev/null |
    tr -d "\r" | grep -qxF "Referral scan.pdf,$want,Scan desk"; }
  await "the scan uploaded to the source (history --csv)" uploaded
  moved() { [ -f "$scans/Uploaded/$(date +%Y-%m-%d)/Referral scan.pdf" ] && [ ! -e "$scans/Referral scan.pdf" ]; }
  await "the scan moved to Uploaded\\$(date +%Y-%m-%d)" moved
  echo "wine-tray-test: a scan dropped into the watched folder with the window hidden was uploaded (SHA-256 $want) and moved to Uploaded\\$(date +%Y-%m-%d)."

  # The menu of the icon (TrackPopupMenu): a click on the icon, the first in the Wine System Tray
  # window, opens it as a window of the program with no name; the keyboard chooses in it (End: the
  # last item, Quit; Up skips the separators to Pause watching, then Open Redox Uploader).
  popup() { menu=$(xdotool search --all --onlyvisible --pid "$app" --name "^\$" 2>/dev/null | head -n1); [ -n "$menu" ]; }
  # choose BUTTON KEY...: the icon clicked with mouse BUTTON (1 left, 3 right: both open the menu),
  # the menu awaited, then KEY... and Return pressed in it.
  choose() {
    local button=$1; shift
    ! popup || fail "a menu was open before the icon was clicked"
    xdotool windowraise "$tray" mousemove --window "$tray" 10 10 click "$button"
    await "the menu open after a click on the tray icon" popup
    if [ -n "$shot" ] && [ ! -e "$shot" ]; then
      sleep 0.5 # painted in full first
      xwd -root -silent | convert xwd:- -crop 480x240+0+0 +repage "$shot"
    fi
    xdotool key "$@" Return
  }
  choose 1 End Up Up
  await "the window shown again by \"Open Redox Uploader\"" shown
  echo "wine-tray-test: a left click on the tray icon opened its menu; \"Open Redox Uploader\" showed the window again."

  choose 3 End
  status=0
  await_end "the program ended by \"Quit\" in the tray menu" || status=$?
  [ $status -eq 0 ] || fail "\"Quit\" in the tray menu: exit status $status, want 0"
  tray_gone() { [ -z "$(visible "^Wine System Tray\$")" ]; }
  await "the tray icon gone (Wine hides its tray window once it holds no icon)" tray_gone
  echo "wine-tray-test: a right click opened it again; \"Quit\" ended the program with exit status 0, and the icon is gone."
'
echo "wine-tray-test: ok — the window closed to Wine's tray, its watched folder sent a scan, and the tray menu opened and quit it."
