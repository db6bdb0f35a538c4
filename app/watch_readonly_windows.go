package app

import "golang.org/x/sys/windows"

// readOnlyErrors are Windows's refusals to change a folder besides ERROR_ACCESS_DENIED (which
// is fs.ErrPermission): a write-protected disk (a locked SD card, a read-only USB stick) and a
// network share that refuses writes.
var readOnlyErrors = []error{windows.ERROR_WRITE_PROTECT, windows.ERROR_NETWORK_ACCESS_DENIED}
