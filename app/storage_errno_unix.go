//go:build unix

package app

import (
	"errors"
	"syscall"
)

// isDiskFull reports a write refused for want of space: the disk is full or the user's quota
// is used up.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// isReadOnlyDisk reports a write refused because the file system is mounted read-only.
func isReadOnlyDisk(err error) bool { return errors.Is(err, syscall.EROFS) }
