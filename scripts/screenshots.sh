#!/usr/bin/env bash
# Renders the main states of the real window under Xvfb to docs/screenshots/*.png: the first-run
# welcome, the upload queue (done, too large, already uploaded), the history, the settings, and
# the queue again in the light theme. Then, on a private D-Bus session with a saved source
# watching a folder (scripts/tray/session.sh): the tray menu as Xfce's panel shows it, open over
# the window after a scan was sent (tray-menu.png), and Settings on that source, scrolled to its
# Watched folders (settings-watched.png). The tray menu needs xfce4-panel (4.18 or later, whose
# Status Tray plugin hosts StatusNotifierItems; apt-get install xfce4-panel), which nothing else
# needs: without it that picture is left out, and the script says so and ends with status 1.
#
# Usage: scripts/screenshots.sh ./redox-uploader-window [OUTDIR]   (the window program)
set -euo pipefail
bin=$(realpath "${1:?usage: scripts/screenshots.sh WINDOW-PROGRAM [OUTDIR]}")
out=${2:-docs/screenshots}
mkdir -p "$out"
out=$(realpath "$out")
for tool in xvfb-run xwd convert compare xdotool dbus-run-session dbus-send gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "screenshots: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/files"
head -c $((300 * 1024)) /dev/urandom >"$dir/files/Discharge summary.pdf"
head -c $((80 * 1024)) /dev/urandom >"$dir/files/wound-photo.jpg"
head -c $((2 * 1024 * 1024)) /dev/urandom >"$dir/files/consent-form.tiff"
head -c $((14889779)) /dev/urandom >"$dir/files/full-chart-scan.tiff"
export bin dir out LANG=${LANG:-C.UTF-8}

# shot NAME DATA-DIR KEYS [APP ARGS...]: start the app, wait for it to settle, press KEYS
# (xdotool key names, space-separated, or -), then photograph the window's area.
shot() {
  local name=$1 data=$2 keys=$3
  shift 3
  xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
    name=$1 data=$2 keys=$3; shift 3
    "$bin" --data-dir "$data" "$@" >"$dir/$name.log" 2>&1 &
    app=$!
    trap "kill $app 2>/dev/null || true; wait $app 2>/dev/null || true" EXIT
    for _ in $(seq 50); do xdotool search --name "Redox Uploader" >/dev/null 2>&1 && break; sleep 0.1; done
    sleep 2.5
    if [ "$keys" != - ]; then
      win=$(xdotool search --name "Redox Uploader" | head -n1)
      xdotool windowfocus --sync "$win" 2>/dev/null || true
      for k in $keys; do xdotool key --window "$win" "$k"; sleep 0.4; done
      sleep 1
    fi
    xwd -root -silent >"$dir/$name.xwd"
  ' _ "$name" "$data" "$keys" "$@"
  convert "$dir/$name.xwd" -crop 980x640+0+0 +repage "$out/$name.png"
  echo "screenshots: $out/$name.png"
}

shot welcome "$dir/fresh" -
shot upload "$dir/data" - --sandbox "$dir"/files/*
# The second run sends the photo again, so the queue shows an "already uploaded" row too.
shot upload-again "$dir/data" - --sandbox "$dir/files/wound-photo.jpg" "$dir/files/full-chart-scan.tiff"
shot history "$dir/data" "ctrl+f" --sandbox
shot settings "$dir/data" "ctrl+comma" --sandbox
FYNE_THEME=light shot upload-light "$dir/data2" - --sandbox "$dir"/files/*

# The tray menu and Settings' watched folders, on a desktop session of their own.
tray_shots() {
  local session t
  session=$(realpath "$(dirname "$0")/tray/session.sh")
  t=$(mktemp -d "${TMPDIR:-/tmp}/redox-screenshots.XXXXXX")
  (
    trap 'rm -rf "$t"' EXIT
    source "$session"
    tray_prepare "$t"
    panel=""
    if command -v xfce4-panel >/dev/null; then
      panel=xfce4-panel
      mkdir -p "$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml"
      cp "$(dirname "$session")/xfce4-panel.xml" "$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml/"
    fi
    # The watched folder shown is /srv/scans/..., as on a real desk, not this run's temporary
    # folder: as root, the session runs in a mount namespace of its own with a tmpfs on /srv.
    scans_root=$t ns=()
    if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
      scans_root=/srv/scans ns=(unshare --mount --propagation private sh -c 'mount -t tmpfs screenshots /srv && exec "$0" "$@"')
    fi
    export session panel tmp=$t scans_root
    { ${ns[@]+"${ns[@]}"} dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
      pids=()
      trap "for p in \${pids[@]}; do kill \$p 2>/dev/null || true; wait \$p 2>/dev/null || true; done" EXIT
      fail() { echo "screenshots: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f:"; cat "$f"; done >&2; exit 1; }
      source "$session" # await, and the session'"'"'s own steps
      # changed: the screen differs from $tmp/before.xwd.
      changed() { xwd -root -silent >"$tmp/now.xwd" && ! compare -metric AE "$tmp/before.xwd" "$tmp/now.xwd" null: 2>/dev/null; }
      tray_keyring
      if [ -n "$panel" ]; then
        # Xfce'"'"'s panel, its tray at the top left; no window manager, so its check is off.
        xfce4-panel --disable-wm-check >"$tmp/panel.log" 2>&1 &
        pids+=($!)
        tray_up() { dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
          org.freedesktop.DBus.NameHasOwner string:org.kde.StatusNotifierWatcher 2>/dev/null | grep -q "boolean true"; }
        await "the panel'"'"'s tray on the bus" tray_up
      fi
      scans="$scans_root/Ward 4 scanner"
      tray_watched_source "$bin" "$tmp/data" "Scan desk" 0 "$scans"
      "$bin" --data-dir "$tmp/data" >"$tmp/app.log" 2>&1 & # on the saved source
      pids+=($!)
      shown() { win=$(xdotool search --onlyvisible --name "^Redox Uploader\$" 2>/dev/null | head -n1); [ -n "$win" ]; }
      await "the window shown" shown
      if [ -n "$panel" ]; then
        xdotool windowmove "$win" 0 176 # below the panel and the menu it opens
        head -c $((300 * 1024)) /dev/urandom >"$tmp/Referral scan.pdf"
        mv "$tmp/Referral scan.pdf" "$scans/"
        sent() { "$tmp/bin/host" menu 2>/dev/null | grep -q "Last: uploaded at"; }
        await "the scan sent, in the tray menu" sent
        sleep 1 # the window paints the upload
        xwd -root -silent >"$tmp/before.xwd"
        xdotool mousemove 12 16 click 1 # the icon
        await "the tray menu open" changed
        sleep 0.5
        xwd -root -silent >"$tmp/tray-menu.xwd"
        xdotool key Escape
        xdotool windowmove "$win" 0 0
      fi
      # Settings (Ctrl+,), the source'"'"'s Edit, its form scrolled to the end by its scroll bar.
      xdotool windowfocus --sync "$win"
      xwd -root -silent >"$tmp/before.xwd"
      xdotool key --window "$win" ctrl+comma
      await "Settings open" changed
      sleep 1
      xwd -root -silent >"$tmp/before.xwd"
      xdotool mousemove 722 186 click 1
      await "the source'"'"'s form open" changed
      sleep 1
      xwd -root -silent >"$tmp/before.xwd"
      xdotool mousemove 857 200 mousedown 1 sleep 0.2 mousemove 857 400 sleep 0.2 mousemove 857 700 sleep 0.2 mouseup 1
      await "the form scrolled" changed
      sleep 1
      xwd -root -silent >"$tmp/settings-watched.xwd"
    ' 2>&1 1>&3 3>&- | sed -u "/Failed to set fd limit/d" >&2; } 3>&1
    if [ -n "$panel" ]; then
      convert "$t/tray-menu.xwd" -crop 980x430+0+0 +repage "$out/tray-menu.png"
      echo "screenshots: $out/tray-menu.png"
    fi
    convert "$t/settings-watched.xwd" -crop 780x616+100+12 +repage "$out/settings-watched.png"
    echo "screenshots: $out/settings-watched.png"
    [ -n "$panel" ] || { echo "screenshots: xfce4-panel is missing, so tray-menu.png was not made (apt-get install xfce4-panel)" >&2; exit 1; }
  )
}
tray_shots
