//go:build unix

package handoff

import "strings"

// sessionOf names the graphical session a start belongs to: its Wayland or X display. One
// account signed in twice (a remote desktop beside the console, two xrdp sessions) has two
// displays, and a file opened in one must not go to the window on the other's screen. The
// display, not XDG_SESSION_ID, because programs a session starts through D-Bus or systemd (a
// file manager's Open With) carry the display but often not the session's id. A screen number
// (":0.0") is the display's (":0"). "" without a display: one window for the data folder.
func sessionOf(getenv func(string) string) string {
	if w := getenv("WAYLAND_DISPLAY"); w != "" {
		return "wayland " + w
	}
	d := getenv("DISPLAY")
	if i := strings.LastIndexByte(d, ':'); i >= 0 {
		if dot := strings.IndexByte(d[i:], '.'); dot >= 0 {
			d = d[:i+dot]
		}
	}
	return d
}
