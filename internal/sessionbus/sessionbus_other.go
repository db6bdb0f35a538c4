//go:build !(linux || freebsd || openbsd || netbsd || dragonfly)

package sessionbus

// Missing is always false here: on Windows and macOS no D-Bus client auto-launches a bus.
func Missing() bool { return false }

// RuntimeDirAddress finds nothing here: there is no session bus to find.
func RuntimeDirAddress() (string, bool) { return "", false }
