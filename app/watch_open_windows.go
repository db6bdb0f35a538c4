//go:build windows

package app

import "syscall"

// openableAlone reports whether no other program has the file open for writing: it opens the
// file for reading while denying others write access, which Windows refuses with a sharing
// violation while a scanner or an editor still holds it open to write.
func openableAlone(path string) bool {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return false
	}
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ, syscall.FILE_SHARE_READ, nil, syscall.OPEN_EXISTING,
		syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return false
	}
	syscall.CloseHandle(h)
	return true
}
