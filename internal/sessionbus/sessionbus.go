// Package sessionbus tells whether this process can reach a D-Bus session bus without starting
// one. A D-Bus client that finds no session bus "auto-launches" one: godbus (go-keyring, Fyne's
// notifications, theme watcher and tray) runs dbus-launch; libdbus and GLib (GTK's
// accessibility bridge and file dialogs) run dbus-launch --autolaunch. The dbus-daemon, and the
// gnome-keyring-daemon it then activates, outlive the command that started them: on an SSH
// session, a cron job or CI, every run would leave them behind.
//
// The package imports nothing but syscall, so that a package initialiser built on it
// (noautolaunch) runs before GTK's.
package sessionbus

// AddressVar is the environment variable that names the session bus.
const AddressVar = "DBUS_SESSION_BUS_ADDRESS"

// Disabled is a session bus address that names no bus: a client given it fails at once and
// starts nothing. Missing counts it as no bus.
const Disabled = "disabled:"

// hasPrefix is strings.HasPrefix, which this package does not import.
func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }
