//go:build !(linux || freebsd || openbsd || netbsd || dragonfly)

package ui

// trayHost reports whether a system tray can show an icon here: Windows' notification area and
// macOS's menu bar are always there.
func trayHost() (bool, string) { return true, "" }
