#!/usr/bin/env bash
# First, with no session bus at all (as over SSH, from cron, on CI), the real commands that need
# the keychain must say so plainly and start nothing (make test runs this script under
# scripts/leak-check.sh, which fails on any process left behind).
#
# Then it runs the keychain integration tests (app/keychain_integration_test.go, and the full CLI
# session with canary secrets in cli_session_test.go) against a real Secret Service: a private
# D-Bus session bus and a gnome-keyring-daemon unlocked with a throwaway password, with HOME and
# the XDG folders in a temporary folder, so no real user keyring is ever touched. If the keyring
# cannot be started it fails loudly; it never skips.
#
# Each go test run selects only the real-keychain tests with -run: the unit tests of the same
# packages call keyring.MockInit(), which swaps go-keyring's backend for the whole process, so
# they must never run in the same test binary run as these.
#
# Usage: scripts/keychain-test.sh [extra go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "keychain-test: $*" >&2; exit 1; }

for tool in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "$tool is missing; install gnome-keyring, dbus-x11 and libsecret-tools (scripts/deps.sh does)"
done
GO=${GO:-go}
command -v "$GO" >/dev/null 2>&1 || fail "$GO is not on PATH"

# Keep Go's own caches and settings where they are: HOME is about to change.
GOCACHE=$("$GO" env GOCACHE) GOMODCACHE=$("$GO" env GOMODCACHE) GOPATH=$("$GO" env GOPATH) GOENV=$("$GO" env GOENV)
export GOCACHE GOMODCACHE GOPATH GOENV

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redox-keychain-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$tmp/run" REDOX_UPLOADER_HOME="$tmp/app"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$HOME" "$XDG_RUNTIME_DIR"
# Never reach the caller's session bus or keyring.
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL GNOME_KEYRING_PID SSH_AUTH_SOCK DISPLAY WAYLAND_DISPLAY

# No session bus: D-Bus auto-launch would leave a dbus-daemon and a gnome-keyring-daemon running
# after each command. Where /run/user/UID/bus exists (a desktop), the user's own keyring would
# answer instead, so this part is left to machines without one, such as CI.
if [ -e "/run/user/$(id -u)/bus" ]; then
  echo "keychain-test: this machine has a user session bus (/run/user/$(id -u)/bus): the no-session check is skipped"
else
  "$GO" build -tags headless -o "$tmp/redox-uploader" .
  "$tmp/redox-uploader" profile add "No session" --api-key key --data-dir "$tmp/no-session" >/dev/null
  for action in set-secret test; do
    status=0
    printf secret | "$tmp/redox-uploader" profile $action "No session" --data-dir "$tmp/no-session" >"$tmp/no-session.log" 2>&1 || status=$?
    if [ $status -ne 1 ] || ! grep -qF "not running in a desktop session" "$tmp/no-session.log"; then
      echo "keychain-test: 'profile $action' without a session bus: exit status $status (want 1 and the no-session message); it said:" >&2
      cat "$tmp/no-session.log" >&2
      exit 1
    fi
  done
  echo "keychain-test: without a session bus, 'profile set-secret' and 'profile test' say so and start nothing."
fi

export KEYCHAIN_TEST_GO="$GO" KEYCHAIN_TEST_LOG="$tmp/gnome-keyring.log"
# dbus-run-session runs its own dbus-daemon; as root it warns that it cannot raise its file
# limit, which is harmless, so that one line is filtered out.
{ dbus-run-session -- bash -euo pipefail -c '
  # gnome-keyring reads the password on stdin, creates the login keyring with it (the HOME is
  # empty) and unlocks it. --foreground keeps it our child, so it is stopped by its own PID.
  printf %s "throwaway-test-password" |
    gnome-keyring-daemon --foreground --unlock --components=secrets >"$KEYCHAIN_TEST_LOG" 2>&1 &
  keyring_pid=$!
  trap "kill $keyring_pid 2>/dev/null; wait $keyring_pid 2>/dev/null || true" EXIT

  # Wait until our daemon owns org.freedesktop.secrets. Asking the service anything before that
  # would make dbus-daemon start a second, locked gnome-keyring through D-Bus activation.
  owner=""
  for _ in $(seq 100); do
    kill -0 "$keyring_pid" 2>/dev/null || break
    owner=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
      awk "{print \$2}") && [ -n "$owner" ] && break
    owner=""
    sleep 0.1
  done
  if [ "$owner" != "$keyring_pid" ]; then
    echo "keychain-test: gnome-keyring did not start on the test bus (service owner: ${owner:-none}, ours: $keyring_pid); its output:" >&2
    cat "$KEYCHAIN_TEST_LOG" >&2
    exit 1
  fi
  # Proof it is unlocked: store a value and read it back without any prompt.
  if ! printf probe | timeout 10 secret-tool store --label=probe redox-uploader-probe 1 ||
     [ "$(timeout 10 secret-tool lookup redox-uploader-probe 1)" != probe ]; then
    echo "keychain-test: gnome-keyring runs but would not store a value (is the login keyring locked?); its output:" >&2
    cat "$KEYCHAIN_TEST_LOG" >&2
    exit 1
  fi
  timeout 10 secret-tool clear redox-uploader-probe 1

  "$KEYCHAIN_TEST_GO" test -race -count=1 -tags keychain_integration -run "^TestRealKeychain" "$@" ./app/
  # The CLI is the same in the headless build, which needs no graphics libraries to link.
  "$KEYCHAIN_TEST_GO" test -race -count=1 -tags keychain_integration,headless -run "^TestCLISession" "$@" .
' keychain-test "$@" 2>&1 1>&3 3>&- | sed -u "/Failed to set fd limit/d" >&2; } 3>&1
