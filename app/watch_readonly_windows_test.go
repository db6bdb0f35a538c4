package app

import "golang.org/x/sys/windows"

// platformReadOnlyErrorCases are Windows's: a write-protected disk and a share that refuses
// writes say the folder cannot be changed; a file another program has open does not.
var platformReadOnlyErrorCases = []readOnlyErrorCase{
	{"access denied", windows.ERROR_ACCESS_DENIED, true},
	{"write-protected disk", windows.ERROR_WRITE_PROTECT, true},
	{"read-only share", windows.ERROR_NETWORK_ACCESS_DENIED, true},
	{"sharing violation", windows.ERROR_SHARING_VIOLATION, false},
	{"disk full", windows.ERROR_DISK_FULL, false},
}
