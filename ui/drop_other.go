//go:build !windows

package ui

// acceptOLEDrops: only Windows has OLE drop targets; elsewhere the window's own drop is used.
func (u *UI) acceptOLEDrops() {}
