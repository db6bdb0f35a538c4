//go:build !windows

package app

import "syscall"

// readOnlyErrors are this system's refusals to change a folder besides EACCES and EPERM (which
// are fs.ErrPermission): a read-only file system.
var readOnlyErrors = []error{syscall.EROFS}
