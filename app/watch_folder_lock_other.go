//go:build !windows

package app

// hideLockFile does nothing where a leading dot already hides a file.
func hideLockFile(string) {}
