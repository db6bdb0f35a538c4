// Package noautolaunch, imported for its side effect by the window build, keeps every D-Bus
// client in the process from starting a session bus of its own (see package sessionbus). When
// there is no session bus, it sets DBUS_SESSION_BUS_ADDRESS before any of them runs: to
// $XDG_RUNTIME_DIR/bus when that socket exists (where libdbus and GLib would look, but godbus
// would not), otherwise to sessionbus.Disabled, so that Fyne's theme watcher and notifications,
// GTK's accessibility bridge and the keychain fail at once instead of launching a dbus-daemon.
//
// GTK starts while github.com/sqweek/dialog initialises, before main runs. Go initialises the
// ready package whose import path sorts first; this one imports only sessionbus and syscall,
// so it is ready, and initialised, right after syscall, long before GTK.
package noautolaunch

import (
	"syscall"

	"redoxuploader/internal/sessionbus"
)

func init() {
	if !sessionbus.Missing() {
		return
	}
	addr, found := sessionbus.RuntimeDirAddress()
	if !found {
		addr = sessionbus.Disabled
	}
	syscall.Setenv(sessionbus.AddressVar, addr) // with cgo, this reaches C's environment too
}
