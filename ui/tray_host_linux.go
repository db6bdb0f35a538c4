//go:build linux || freebsd || openbsd || netbsd || dragonfly

package ui

import (
	"github.com/godbus/dbus/v5"

	"redoxuploader/internal/sessionbus"
)

// statusNotifierWatcher is the D-Bus name of the service that tray hosts (GNOME's
// AppIndicator extension, KDE, XFCE's panel plugin) own; Fyne's tray icon registers with it.
const statusNotifierWatcher = "org.kde.StatusNotifierWatcher"

// trayHost reports whether a system tray can show an icon here, and why not: on Linux that is a
// session bus (never started for this) where a StatusNotifier watcher runs.
func trayHost() (bool, string) {
	if sessionbus.Missing() {
		return false, "no D-Bus session bus"
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false, "the D-Bus session bus cannot be reached: " + err.Error()
	}
	defer conn.Close()
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, statusNotifierWatcher).Store(&owned); err != nil {
		return false, "the D-Bus session bus did not answer: " + err.Error()
	}
	if !owned {
		return false, "no system tray host runs (no " + statusNotifierWatcher + " on the session bus)"
	}
	return true, ""
}
