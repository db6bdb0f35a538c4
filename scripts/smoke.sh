#!/usr/bin/env bash
# Smoke test of the real binary in a real X server: start the window on the sandbox with a file
# on the command line, wait until the history holds that file's URI, take a screenshot, and
# check that it is not blank.
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
export dir bin RUNNER=${RUNNER:-} LANG=${LANG:-C.UTF-8}

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
'
convert "$dir/shot.xwd" "$dir/shot.png"
colours=$(convert "$dir/shot.png" -format %k info:)
if [ "$colours" -lt 16 ]; then
  echo "smoke: the screenshot is blank ($colours colours)" >&2
  exit 1
fi
[ -z "$shot" ] || cp "$dir/shot.png" "$shot"
echo "smoke: ok — uploaded $(cut -d, -f2 "$dir/uri"); the screenshot has $colours colours."
