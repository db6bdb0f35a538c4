#!/bin/sh
# Installs Redox Uploader for this user (no root needed): its two programs into ~/.local/bin
# (redox-uploader, the command line, and redox-uploader-window, the window, which must stay
# side by side), the menu entry into ~/.local/share/applications and the icon into the icon
# theme. Run it from the unpacked folder. PREFIX=/usr/local (as root) installs it for everyone
# instead.
#
#   ./install.sh            install or update
#   ./install.sh --remove   remove the programs, menu entry and icon (your settings and
#                           upload history stay in ~/.config and ~/.local/share/redox-uploader)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
bindir=$prefix/bin
cli=$bindir/redox-uploader
window=$bindir/redox-uploader-window
desktop=$prefix/share/applications/redox-uploader.desktop
icon=$prefix/share/icons/hicolor/256x256/apps/redox-uploader.png

refresh() {
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$prefix/share/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" 2>/dev/null || true
  fi
}

if [ "${1:-}" = "--remove" ]; then
  rm -f "$cli" "$window" "$desktop" "$icon"
  refresh
  echo "Redox Uploader removed from $prefix."
  exit 0
fi

mkdir -p "$bindir" "$(dirname "$desktop")" "$(dirname "$icon")"
for program in redox-uploader redox-uploader-window; do
  cp "$here/$program" "$bindir/$program.new" && chmod 755 "$bindir/$program.new" && mv -f "$bindir/$program.new" "$bindir/$program"
done
cp "$here/redox-uploader.png" "$icon" && chmod 644 "$icon"
# The menu entry runs the window program by its full path, whether or not $prefix/bin is on PATH.
sed -e "s|^Exec=.*|Exec=\"$window\" %F|" -e "s|^TryExec=.*|TryExec=$window|" \
  "$here/redox-uploader.desktop" >"$desktop"
chmod 644 "$desktop"
refresh
echo "Redox Uploader $("$cli" version | sed 's/^Redox Uploader //') installed: $cli and $window"
echo "It is in your applications menu as \"Redox Uploader\"; run 'redox-uploader help' for the commands."
