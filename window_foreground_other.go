//go:build !headless && !windows

package main

// allowForeground does nothing outside Windows: X11 and Wayland window managers decide on
// their own whether a window that asks for the focus gets it.
func allowForeground() {}
