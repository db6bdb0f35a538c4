//go:build !unix && !windows

package app

// isDiskFull cannot tell on this system.
func isDiskFull(error) bool { return false }

// isReadOnlyDisk cannot tell on this system.
func isReadOnlyDisk(error) bool { return false }
