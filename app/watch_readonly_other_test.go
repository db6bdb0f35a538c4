//go:build !windows

package app

import "syscall"

// platformReadOnlyErrorCases are those of systems other than Windows: no permission and a
// read-only file system say the folder cannot be changed; a full disk does not.
var platformReadOnlyErrorCases = []readOnlyErrorCase{
	{"no permission", syscall.EACCES, true},
	{"not permitted", syscall.EPERM, true},
	{"read-only file system", syscall.EROFS, true},
	{"disk full", syscall.ENOSPC, false},
}
