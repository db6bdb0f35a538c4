package app

import (
	"errors"
	"syscall"
)

// The Windows error codes for a full disk and a write-protected one.
const (
	errorHandleDiskFull = syscall.Errno(39)
	errorDiskFull       = syscall.Errno(112)
	errorWriteProtect   = syscall.Errno(19)
)

// isDiskFull reports a write refused for want of space.
func isDiskFull(err error) bool {
	return errors.Is(err, errorDiskFull) || errors.Is(err, errorHandleDiskFull)
}

// isReadOnlyDisk reports a write refused because the disk is write-protected.
func isReadOnlyDisk(err error) bool { return errors.Is(err, errorWriteProtect) }
