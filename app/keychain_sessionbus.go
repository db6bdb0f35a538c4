package app

import (
	"errors"

	"github.com/zalando/go-keyring"

	"redoxuploader/internal/sessionbus"
)

// ErrNoSessionBus is the cause of a *KeychainUnavailableError when the process has no D-Bus
// session bus to reach the Secret Service through (an SSH session, cron, a service).
var ErrNoSessionBus = errors.New("no D-Bus session bus: " + sessionbus.AddressVar +
	" names none and /run/user/UID/bus does not exist; the keychain does not auto-launch one (dbus-launch), which would leave a dbus-daemon and a gnome-keyring-daemon running")

// noSessionBus returns a *KeychainUnavailableError when a call to go-keyring would make it
// auto-launch a session bus (see package sessionbus): that bus, and the gnome-keyring-daemon it
// activates, would keep running after the command, one pair for every command run.
func noSessionBus() error {
	if !sessionbus.Missing() || !secretServiceBackend() {
		return nil
	}
	return &KeychainUnavailableError{Err: ErrNoSessionBus}
}

// secretServiceBackend reports whether go-keyring talks to the Secret Service, rather than to
// the in-memory store tests install with keyring.MockInit. go-keyring's Secret Service backend
// answers DeleteAll("") with ErrNotFound before it touches D-Bus (it refuses to delete every
// secret); the in-memory store answers nil, or the error it was told to return.
func secretServiceBackend() bool {
	return errors.Is(keyring.DeleteAll(""), keyring.ErrNotFound)
}
