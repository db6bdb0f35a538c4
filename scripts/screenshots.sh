#!/usr/bin/env bash
# Renders the main states of the real window under Xvfb to docs/screenshots/*.png: the first-run
# welcome, the upload queue (done, too large, already uploaded), the history, the settings, and
# the queue again in the light theme.
#
# Usage: scripts/screenshots.sh ./redox-uploader-window [OUTDIR]   (the window program)
set -euo pipefail
bin=$(realpath "${1:?usage: scripts/screenshots.sh WINDOW-PROGRAM [OUTDIR]}")
out=${2:-docs/screenshots}
mkdir -p "$out"
out=$(realpath "$out")
for tool in xvfb-run xwd convert xdotool; do
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
