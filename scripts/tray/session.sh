# Sourced by scripts/tray-test.sh and scripts/screenshots.sh: a desktop session of their own for
# the window with a watched folder. Bash only.
#
# Outside the session, tray_prepare TMP builds the test-only helpers into TMP/bin (host, wmclose)
# and gives what follows a home of its own in TMP: a new login keyring, the app's
# preferences, no caller's bus, keyring or display. Then the caller runs dbus-run-session (and
# xvfb-run), and inside it, where `fail WHY` is defined and the array `pids` collects what to
# stop at the end, sources this file again (which brings scripts/lib/await.sh) and calls:
#   tray_keyring                       an unlocked throwaway gnome-keyring owning the Secret Service
#   tray_watched_source CLI DATA NAME SETTLE DIR
#                                      'redox-uploader sandbox' running, a source NAME saved in the
#                                      data folder DATA uploading to it with its secret in the
#                                      keychain, and DIR its watched folder (settle SETTLE s)

# shellcheck source=scripts/lib/await.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/await.sh"

# tray_prepare TMP: the helpers built, and HOME and the XDG folders in TMP.
tray_prepare() {
  local tmp=$1 go=${GO:-go} tool
  # Keep Go's own caches and settings where they are: HOME is about to change.
  GOCACHE=$("$go" env GOCACHE) GOMODCACHE=$("$go" env GOMODCACHE) GOPATH=$("$go" env GOPATH) GOENV=$("$go" env GOENV)
  export GOCACHE GOMODCACHE GOPATH GOENV
  for tool in host wmclose; do
    (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && "$go" build -o "$tmp/bin/$tool" "./scripts/tray/$tool") || return 1
  done
  export HOME="$tmp/home"
  export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
  export XDG_RUNTIME_DIR="$tmp/run"
  mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$HOME" "$XDG_RUNTIME_DIR"
  # No accessibility bus: GTK would have the session's bus start one (at-spi) for nothing.
  export NO_AT_BRIDGE=1
  unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL GNOME_KEYRING_PID SSH_AUTH_SOCK DISPLAY WAYLAND_DISPLAY REDOX_UPLOADER_HOME
}

# tray_keyring: gnome-keyring unlocked with a throwaway password, owning org.freedesktop.secrets
# before anything asks for it (or dbus-daemon would start a second, locked one).
tray_keyring() {
  printf %s throwaway-test-password | gnome-keyring-daemon --foreground --unlock --components=secrets >"$tmp/keyring.log" 2>&1 &
  tray_keyring_pid=$!
  pids+=("$tray_keyring_pid")
  tray_keyring_owns() {
    [ "$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | awk '{print $2}')" = "$tray_keyring_pid" ]
  }
  await "gnome-keyring on the session bus" tray_keyring_owns
}

# tray_watched_source CLI DATA NAME SETTLE DIR (see above). The sandbox's output is in
# $tmp/sandbox.log, the commands' in $tmp/source.log.
tray_watched_source() {
  local cli=$1 data=$2 name=$3 settle=$4 dir=$5 upload_url api_base api_key secret
  "$cli" sandbox >"$tmp/sandbox.log" 2>&1 &
  pids+=($!)
  tray_sandbox_up() { grep -q "Press Ctrl+C" "$tmp/sandbox.log"; }
  await "the sandbox to start" tray_sandbox_up
  upload_url=$(awk '/upload URL/ {print $3}' "$tmp/sandbox.log")
  api_base=$(awk '/API base/ {print $3}' "$tmp/sandbox.log")
  api_key=$(awk '/ legacy / {print $3}' "$tmp/sandbox.log")
  secret=$(sed -n 's/.*REDOX_API_SECRET=\([^ ]*\).*/\1/p' "$tmp/sandbox.log" | head -n1)
  mkdir -p "$dir"
  "$cli" source add "$name" --upload-url "$upload_url" --api-base "$api_base" --api-key "$api_key" \
    --watch "$dir" --settle "$settle" --data-dir "$data" >"$tmp/source.log" 2>&1 || fail "the source could not be saved"
  printf %s "$secret" | "$cli" source set-secret "$name" --data-dir "$data" >>"$tmp/source.log" 2>&1 ||
    fail "the source's secret could not be stored"
}
