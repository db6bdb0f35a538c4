//go:build linux

package app

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// openableAlone reports whether no other program holds the file open to write. It opens the
// file to read and asks for a read lease (fcntl F_SETLEASE), which Linux refuses with EAGAIN
// while any process has the file open for writing: a scanner that pauses between pages longer
// than the settle time still has it open. The lease is given back at once.
//
// Linux grants a lease only to the file's owner (or a process with CAP_LEASE), and only on
// local file systems: where it cannot be asked (EACCES, EINVAL, or the file cannot be opened),
// the settle time alone says a file is complete, as it does on other systems.
func openableAlone(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true // the queue says what is wrong with it
	}
	defer f.Close()
	return leaseSaysAlone(f)
}

// leaseSaysAlone takes and gives back a read lease on f, open to read, and reports false only
// if the lease was refused because the file is open for writing.
func leaseSaysAlone(f *os.File) bool {
	fd := int(f.Fd())
	_, err := unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_RDLCK)
	if err == nil {
		unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_UNLCK) //nolint:errcheck // closing the file ends it too
		return true
	}
	return !errors.Is(err, unix.EAGAIN)
}
