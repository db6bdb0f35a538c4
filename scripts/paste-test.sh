#!/usr/bin/env bash
# Paste (Ctrl+V) into the real window, in a real X server (Xvfb), with real clipboard owners
# (xclip): the window starts on the sandbox through the command line, as a user does; then
#   - two files (a space, UTF-8 and a percent sign in their names) put on the clipboard as
#     text/uri-list, with a comment and CRLF lines, are pasted and both uploaded;
#   - a picture put on the clipboard as image/png is pasted: the app saves it as
#     "Pasted image DATE TIME.png" in a folder of the user's only, with the same pixels, and
#     asks; Enter sends it, and the history's SHA-256 is that of the PNG the app saved, which
#     it removes once the upload is done.
# A screenshot of the confirmation is written to SCREENSHOT.png when asked for.
#
# Usage: scripts/paste-test.sh ./redox-uploader ./redox-uploader-window [SCREENSHOT.png]
set -euo pipefail
cli=$(realpath "${1:?usage: scripts/paste-test.sh CLI WINDOW [SCREENSHOT.png]}")
window=$(realpath "${2:?usage: scripts/paste-test.sh CLI WINDOW [SCREENSHOT.png]}")
shot=${3:-}
[ "$(dirname "$cli")" = "$(dirname "$window")" ] || { echo "paste-test: the two programs must be in one folder" >&2; exit 1; }
for tool in xvfb-run xdotool xclip xwd convert compare sha256sum; do
  command -v "$tool" >/dev/null || { echo "paste-test: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/files"
head -c $((40 * 1024)) /dev/urandom >"$dir/files/Start.pdf"
head -c $((50 * 1024)) /dev/urandom >"$dir/files/Scan 12 March.pdf"
head -c $((60 * 1024)) /dev/urandom >"$dir/files/Écho 100%.pdf"
# The files as a file manager offers them: percent-encoded file:// URIs, CRLF, a comment.
printf '# copied files\r\nfile://%s/files/Scan%%2012%%20March.pdf\r\nfile://%s/files/%%C3%%89cho%%20100%%25.pdf\r\n' "$dir" "$dir" >"$dir/uri-list"
# A picture large enough (about 1.6 MB) to come through the clipboard in INCR chunks.
convert -size 900x600 xc: +noise Random -depth 8 "PNG24:$dir/source.png"
await_sh=$(realpath "$(dirname "$0")/lib/await.sh")
export dir cli shot await_sh LANG=${LANG:-C.UTF-8}

xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
  "$cli" --sandbox --data-dir "$dir/data" "$dir/files/Start.pdf" >"$dir/app.log" 2>&1 &
  app=$!
  trap "kill $app 2>/dev/null || true; wait $app 2>/dev/null || true" EXIT
  fail() { echo "paste-test: $*" >&2; echo "--- the app said:" >&2; cat "$dir/app.log" >&2; exit 1; }
  trap "echo \"paste-test: a step failed at line \$LINENO: \$BASH_COMMAND\" >&2" ERR
  source "$await_sh"
  await_pid=$app await_name="the app"
  history() { "$cli" history --data-dir "$dir/data" --status done --csv --columns file,sha256,uri 2>/dev/null; }
  uploaded() { history | grep -qF "$1,"; }
  # The window is ready for a paste once the file it was started with is uploaded.
  await "the start file uploaded" uploaded "Start.pdf"
  # The upload can finish before the window is mapped: wait for the window too.
  shown() { win=$(xdotool search --onlyvisible --name "^Redox Uploader\$" 2>/dev/null | head -n1); [ -n "$win" ]; }
  await "the window shown" shown
  # offers TARGET: the clipboard has been taken and offers TARGET (xclip forks and takes it after).
  offers() { xclip -selection clipboard -t TARGETS -o 2>/dev/null | grep -qx "$1"; }
  paste() { xdotool windowfocus --sync "$win"; xdotool key --window "$win" --clearmodifiers ctrl+v; }

  # Files, as text/uri-list.
  xclip -selection clipboard -t text/uri-list -i "$dir/uri-list"
  await "the files on the clipboard" offers text/uri-list
  paste
  await "the first pasted file uploaded" uploaded "Scan 12 March.pdf"
  await "the second pasted file uploaded" uploaded "Écho 100%.pdf"
  echo "paste-test: two files pasted as text/uri-list were uploaded."

  # A picture, as image/png.
  xclip -selection clipboard -t image/png -i "$dir/source.png"
  await "the picture on the clipboard" offers image/png
  paste
  saved_in="$dir/data/Pasted images"
  found() { compgen -G "$saved_in/Pasted image [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9].[0-9][0-9].[0-9][0-9].png" >/dev/null; }
  await "the pasted picture saved" found
  saved=$(compgen -G "$saved_in/Pasted image *.png")
  name=$(basename "$saved")
  [ "$(stat -c %a "$saved_in")" = 700 ] || fail "the folder of pasted pictures has mode $(stat -c %a "$saved_in"), want 700"
  await "the saved picture complete" compare -metric AE "$dir/source.png" "$saved" null: 2>/dev/null
  cp "$saved" "$dir/saved.png"
  diff=$(compare -metric AE "$dir/source.png" "$dir/saved.png" null: 2>&1 || true)
  [ "${diff%% *}" = 0 ] || fail "the saved PNG differs from the pasted picture in $diff pixels"
  if uploaded "$name"; then fail "the picture was uploaded before it was confirmed"; fi
  sleep 0.5 # let the dialog paint before the picture
  xwd -root -silent >"$dir/confirm.xwd"
  xdotool key --window "$win" Return
  await "the pasted picture uploaded" uploaded "$name"
  want=$(sha256sum "$dir/saved.png" | cut -d" " -f1)
  got=$(history | tr -d "\r" | grep -F "$name," | cut -d, -f2)
  [ "$got" = "$want" ] || fail "the history has SHA-256 $got for $name, want $want (the PNG the app saved)"
  gone() { [ ! -e "$saved" ]; }
  await "the uploaded picture removed" gone
  echo "paste-test: the picture pasted as image/png was confirmed with Enter and uploaded as $name, same pixels, SHA-256 $got."
'
if [ -n "$shot" ]; then convert "$dir/confirm.xwd" "$shot"; fi
echo "paste-test: ok — files and a picture pasted with Ctrl+V into the real window were uploaded."
