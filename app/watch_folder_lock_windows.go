package app

import "golang.org/x/sys/windows"

// hideLockFile hides a watched folder's lock file in Explorer, where a leading dot hides
// nothing: a clerk emptying the folder need not see it.
func hideLockFile(path string) {
	if p, err := windows.UTF16PtrFromString(path); err == nil {
		windows.SetFileAttributes(p, windows.FILE_ATTRIBUTE_HIDDEN) //nolint:errcheck // seen or not, it works the same
	}
}
