#!/usr/bin/env bash
# Paste (Ctrl+V) of Windows files into the real window program under Wine, in a fresh Wine
# prefix and a real X server (Xvfb): the window starts on the sandbox; a test-only Windows
# program (scripts/wine/virtualfiles.c) puts on the OLE clipboard, and stays its owner,
#   - two virtual files, as Outlook offers attachments (FileGroupDescriptorW + FileContents,
#     one as an IStream, one as HGLOBAL), named "Überweisung Müller.pdf" and
#     "Αποτελέσματα 檢查.pdf": both are uploaded under those names with the bytes offered
#     (size and SHA-256 in the history), and no copy is left in the app's folder afterwards;
#   - a file as Explorer offers it (CF_HDROP): uploaded with its bytes;
#   - a picture as "PNG": saved by the app with the same pixels, confirmed with Enter, uploaded
#     with the saved PNG's SHA-256, then removed;
# and, put on the clipboard as PrintScreen and the Snipping Tool put a screenshot (plain
# SetClipboardData(CF_DIB), no OLE data object):
#   - a 24-bit bottom-up DIB 301 pixels wide (each row padded by one byte), a 32-bit
#     BI_BITFIELDS one, and a 32-bit CF_DIBV5 alone (from which the system makes CF_DIB): each
#     saved as "Pasted image YYYY-MM-DD HH.MM.SS.png" with exactly the source's pixels (compare
#     -metric AE: 0), confirmed with Enter, uploaded, then removed;
# and then drags onto the window (its OLE drop target, xdotool moving the pointer) two other
# virtual files (both uploaded under their names with their bytes, no copy left) and a file as
# CF_HDROP (uploaded with its bytes).
#
#   scripts/wine-paste-test.sh redox-uploader.exe redox-uploader-window.exe
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/wine-paste-test.sh redox-uploader.exe redox-uploader-window.exe"
cli=$(realpath "${1:?$usage}")
window=$(realpath "${2:?$usage}")
# shellcheck source=scripts/wine/prefix.sh
source scripts/wine/prefix.sh
wine_require_tools wine-paste-test xvfb-run xdotool sha256sum convert compare

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redox-wine-paste.XXXXXX")
trap 'wine_prefix_end; rm -rf "$tmp"' EXIT
export LANG=C.UTF-8 # the helper's arguments carry the attachments' names
wine_prefix "$tmp"
x86_64-w64-mingw32-gcc -municode -O2 -o "$tmp/virtualfiles.exe" scripts/wine/virtualfiles.c -lole32 -luuid -lshell32

mkdir "$tmp/attachments" "$tmp/files"
head -c $((40 * 1024)) /dev/urandom >"$tmp/attachments/Überweisung Müller.pdf"
head -c $((70 * 1024 + 3)) /dev/urandom >"$tmp/attachments/Αποτελέσματα 檢查.pdf"
head -c $((30 * 1024)) /dev/urandom >"$tmp/files/Copied report.pdf"
mkdir "$tmp/dragged"
head -c $((20 * 1024 + 1)) /dev/urandom >"$tmp/dragged/Befund Jürgen Groß.pdf"
head -c $((25 * 1024)) /dev/urandom >"$tmp/dragged/Ιατρική έκθεση 報告.pdf"
head -c $((35 * 1024)) /dev/urandom >"$tmp/files/Dragged report.pdf"
head -c 2048 /dev/urandom >"$tmp/files/Start.pdf"
convert -size 300x200 xc: +noise Random -depth 8 "PNG24:$tmp/source.png"
# Screenshots: random pixels (any flip, shift, stride or channel-order mistake shows), as PPMs the
# helper turns into DIBs; 301 px of 24 bits is 903 bytes, a row padded to 904.
convert -size 301x200 xc: +noise Random -depth 8 "PPM:$tmp/screenshot24.ppm"
convert -size 257x130 xc: +noise Random -depth 8 "PPM:$tmp/screenshot32.ppm"
convert -size 199x101 xc: +noise Random -depth 8 "PPM:$tmp/picturev5.ppm" # its own: the same picture again would be a duplicate
export tmp cli window

xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
  wine "$window" --sandbox --data-dir "$tmp/data" "$tmp/files/Start.pdf" >"$tmp/app.log" 2>&1 &
  app=$!
  helper=""
  stop_helper() { [ -z "$helper" ] || { kill "$helper" 2>/dev/null || true; wait "$helper" 2>/dev/null || true; helper=""; }; }
  trap "stop_helper; kill $app 2>/dev/null || true; wait $app 2>/dev/null || true" EXIT
  fail() { echo "wine-paste-test: $*" >&2; echo "--- the app said:" >&2; cat "$tmp/app.log" >&2
    echo "--- the helper said:" >&2; cat "$tmp/helper.log" >&2 2>/dev/null || true
    [ ! -s "$tmp/compare.log" ] || { echo "--- compare -metric AE said (pixels that differ):" >&2; cat "$tmp/compare.log" >&2; }
    echo "--- the history:" >&2; wine "$cli" history --data-dir "$tmp/data" --csv 2>&1 | tr -d "\r" >&2 || true
    exit 1; }
  source scripts/lib/await.sh
  await_pid=$app await_name="the app"
  history() { wine "$cli" history --data-dir "$tmp/data" --status done --csv --columns file,size,sha256,path 2>/dev/null | tr -d "\r"; }
  uploaded() { history | grep -qF "$1,"; }
  # start_helper VERB MODE PATH...: the helper (in place of one still running) is to VERB (clip
  # or drag) PATHs as MODE (virtual files, CF_HDROP files or a picture); awaits its "ready".
  start_helper() {
    local verb=$1 mode=$2; shift 2
    local paths=()
    for p in "$@"; do paths+=("$(winepath -w "$p")"); done
    stop_helper
    wine "$tmp/virtualfiles.exe" "$verb" "$mode" "${paths[@]}" >"$tmp/helper.log" 2>&1 &
    helper=$!
    await "the helper ready" grep -qs "^ready" "$tmp/helper.log"
  }
  # offer MODE PATH...: the helper puts PATHs on the clipboard (virtual files or CF_HDROP) and stays its owner.
  offer() { start_helper clip "$@"; }
  # focused: the window is found and focused (Wine may show and drop a window of that name first).
  focused() {
    win=$(xdotool search --onlyvisible --name "^Redox Uploader\$" 2>/dev/null | tail -n1)
    [ -n "$win" ] && xdotool windowfocus --sync "$win" 2>/dev/null
  }
  paste() { await "the window focused" focused; xdotool key --window "$win" --clearmodifiers ctrl+v; }
  # sent FILE FROM: the history has FILE s name done with its size and SHA-256, sent from a
  # path that holds FROM.
  sent() {
    local name want got
    name=$(basename "$1")
    await "$name uploaded" uploaded "$name"
    want="$name,$(stat -c %s "$1"),$(sha256sum "$1" | cut -d" " -f1),"
    got=$(history | grep -F "$name," | head -n1)
    [ "${got:0:${#want}}" = "$want" ] || fail "the history says $got, want $want..."
    [[ $got == *"$2"* ]] || fail "$name was sent from ${got#"$want"}, not from a path holding $2"
  }

  await "the start file uploaded" uploaded "Start.pdf"

  # Virtual files, as Outlook offers attachments.
  offer virtual "$tmp/attachments/Überweisung Müller.pdf" "$tmp/attachments/Αποτελέσματα 檢查.pdf"
  paste
  # Saved by the app in its private folder, not read from where the helper had them.
  sent "$tmp/attachments/Überweisung Müller.pdf" "\\Pasted images\\files-"
  sent "$tmp/attachments/Αποτελέσματα 檢查.pdf" "\\Pasted images\\files-"
  left() { [ -z "$(find "$tmp/data" -path "*Pasted images*" -type f -print -quit)" ]; }
  await "no copy of the attachments left" left
  echo "wine-paste-test: two virtual files (Outlook attachments) pasted were uploaded under their own names with their bytes, and no copy was left."

  # A file, as Explorer offers it (CF_HDROP).
  offer files "$tmp/files/Copied report.pdf"
  paste
  sent "$tmp/files/Copied report.pdf" "$(winepath -w "$tmp/files/Copied report.pdf")"
  echo "wine-paste-test: a file pasted as CF_HDROP was uploaded with its bytes."

  # picture MODE SOURCE: the helper puts the picture SOURCE on the clipboard as MODE (png, dib24,
  # dib32) and it is pasted: the app saves it as "Pasted image YYYY-MM-DD HH.MM.SS.png" with
  # exactly SOURCE s pixels, waits for Enter, uploads it with the saved PNG s SHA-256, then
  # removes it. Sets name to the name it was uploaded under. Two pictures pasted within a second
  # would have the same name (the history could not tell them apart): each waits for the clock
  # to pass the second of the one before.
  name=""
  new_second() { [ "Pasted image $(date "+%Y-%m-%d %H.%M.%S").png" != "$name" ]; }
  found() { compgen -G "$tmp/data/Pasted images/Pasted image *.png" >/dev/null; }
  same_pixels() { compare -metric AE "$1" "$2" null: 2>"$tmp/compare.log"; }
  # confirm NAME: Enter in the window until the history has NAME (in any status). The question
  # is shown a moment after the picture is saved and nothing outside says when; an Enter that
  # came before it would be lost, so it is pressed again while the history has no such row.
  recorded() { wine "$cli" history --data-dir "$tmp/data" --csv --columns file 2>/dev/null | tr -d "\r" | grep -qxF "$1"; }
  confirm() {
    for _ in $(seq 12); do
      await "the window focused" focused
      xdotool key --window "$win" Return
      for _ in $(seq 10); do recorded "$1" && return 0; sleep 0.2; done
    done
    fail "Enter pressed 12 times, and $1 was not uploaded"
  }
  picture() {
    await "a second later than the last picture" new_second
    offer "$1" "$2"
    paste
    await "the pasted picture saved" found
    local saved
    saved=$(compgen -G "$tmp/data/Pasted images/Pasted image *.png" | head -n1)
    name=$(basename "$saved")
    [[ $name =~ ^Pasted\ image\ [0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}\.[0-9]{2}\.[0-9]{2}\.png$ ]] ||
      fail "the pasted picture was saved as \"$name\", not \"Pasted image YYYY-MM-DD HH.MM.SS.png\""
    await "the saved picture with the pasted pixels" same_pixels "$2" "$saved"
    rm -f "$tmp/compare.log"
    cp "$saved" "$tmp/saved.png"
    if uploaded "$name"; then fail "the picture was uploaded before it was confirmed"; fi
    confirm "$name"
    await "$name uploaded" uploaded "$name"
    local want got
    want=$(sha256sum "$tmp/saved.png" | cut -d" " -f1)
    got=$(history | grep -F "$name," | cut -d, -f3)
    [ "$got" = "$want" ] || fail "the history has SHA-256 $got for $name, want $want (the PNG the app saved)"
    gone() { [ ! -e "$saved" ]; }
    await "the uploaded picture removed" gone
  }

  # A picture, as "PNG" (browsers, the Snipping Tool).
  picture png "$tmp/source.png"
  echo "wine-paste-test: a picture pasted as PNG was confirmed with Enter and uploaded as $name, same pixels, then removed."

  # Screenshots, as PrintScreen puts them: CF_DIB alone, from SetClipboardData.
  picture dib24 "$tmp/screenshot24.ppm"
  echo "wine-paste-test: a screenshot pasted as a 24-bit CF_DIB (rows padded) was confirmed with Enter and uploaded as $name, same pixels, then removed."
  picture dib32 "$tmp/screenshot32.ppm"
  echo "wine-paste-test: a screenshot pasted as a 32-bit BI_BITFIELDS CF_DIB was confirmed with Enter and uploaded as $name, same pixels, then removed."
  # A picture as CF_DIBV5 alone (a BITMAPV5HEADER with an alpha mask): the system makes the
  # CF_DIB the app reads.
  picture dibv5 "$tmp/picturev5.ppm"
  echo "wine-paste-test: a picture pasted as CF_DIBV5 alone was confirmed with Enter and uploaded as $name, same pixels, then removed."

  # drag MODE PATH...: the helper drags PATHs (virtual files or CF_HDROP) onto the window, its
  # OLE drop target: DoDragDrop starts once the left button is down over the window; the
  # pointer moves, the button is let go, and the helper says the drop was taken as a copy.
  drag() {
    start_helper drag "$@"
    await "the window focused" focused
    eval "$(xdotool getwindowgeometry --shell "$win")"
    local x=$((X + WIDTH / 2)) y=$((Y + HEIGHT / 2))
    xdotool mousemove --sync $x $y mousedown 1
    await "the drag started" grep -q "^dragging" "$tmp/helper.log"
    for step in 1 2 3 4 5; do xdotool mousemove --sync $((x + step * 5)) $((y + step * 5)); sleep 0.1; done
    xdotool mouseup 1
    await "the drop ended" grep -q "^drop:" "$tmp/helper.log"
    grep -q "^drop: effect 1, hr 0x40100" "$tmp/helper.log" || fail "the drop was not taken as a copy"
  }

  # Virtual files dragged onto the window.
  drag virtual "$tmp/dragged/Befund Jürgen Groß.pdf" "$tmp/dragged/Ιατρική έκθεση 報告.pdf"
  sent "$tmp/dragged/Befund Jürgen Groß.pdf" "\\Pasted images\\files-"
  sent "$tmp/dragged/Ιατρική έκθεση 報告.pdf" "\\Pasted images\\files-"
  await "no copy of the dragged files left" left
  echo "wine-paste-test: two virtual files dragged onto the window were uploaded under their own names with their bytes, and no copy was left."

  # A file dragged as Explorer drags one (CF_HDROP), now through the OLE drop target too.
  drag files "$tmp/files/Dragged report.pdf"
  sent "$tmp/files/Dragged report.pdf" "$(winepath -w "$tmp/files/Dragged report.pdf")"
  echo "wine-paste-test: a file dragged as CF_HDROP was uploaded with its bytes."
'
echo "wine-paste-test: ok — virtual files and CF_HDROP files pasted with Ctrl+V or dragged, and pasted pictures (PNG, 24- and 32-bit CF_DIB screenshots, CF_DIBV5), were uploaded by the window program under Wine."
