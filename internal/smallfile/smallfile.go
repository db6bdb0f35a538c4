// Package smallfile reads a small file whole, refusing one that is larger than a cap or is not
// a regular file, so that a path a person names (a certificate, a private key, the settings)
// can never make the program read gigabytes, or block for ever on a device or a pipe.
package smallfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
)

// The problems Read reports besides those of the file system; errors.Is finds them in an
// *Error.
var (
	ErrTooLarge   = errors.New("the file is larger than the limit")
	ErrNotRegular = errors.New("not a regular file")
)

// Error is a file Read refused or could not read. Its text states the problem in plain words,
// naming the file by what it is for ("the private key file /dev/zero is a device, not a
// file"); callers add what to do where it is not plain from the context.
type Error struct {
	What string // what the file is, as the message names it: "the private key file"
	Path string
	Max  int64  // the cap, in bytes
	Kind string // with ErrNotRegular: "a folder", "a device", "a pipe", "a socket" or "a special file"
	Err  error  // ErrTooLarge, ErrNotRegular, or what opening or reading it failed with
}

func (e *Error) Error() string {
	switch {
	case errors.Is(e.Err, ErrTooLarge):
		return fmt.Sprintf("%s %s is larger than %s, far more than such a file holds", e.What, e.Path, capText(e.Max))
	case errors.Is(e.Err, ErrNotRegular):
		return fmt.Sprintf("%s %s is %s, not a file", e.What, e.Path, e.Kind)
	case errors.Is(e.Err, fs.ErrNotExist):
		return fmt.Sprintf("%s %s does not exist", e.What, e.Path)
	case errors.Is(e.Err, fs.ErrPermission):
		return fmt.Sprintf("%s %s cannot be opened: this user is not allowed to read it", e.What, e.Path)
	}
	cause := e.Err
	var pe *fs.PathError
	if errors.As(cause, &pe) { // the path is already in the message
		cause = pe.Err
	}
	return fmt.Sprintf("%s %s cannot be read: %v", e.What, e.Path, cause)
}

func (e *Error) Unwrap() error { return e.Err }

// Read returns the contents of the regular file at path (a symbolic link is followed) if it
// holds at most max bytes. what names the file in messages ("the certificate file"). Anything
// else — a larger file, a folder, a device such as /dev/zero, a pipe, a file that grows past
// max while it is read, a file that cannot be opened — is an *Error, and no more than max+1
// bytes are ever read.
func Read(path, what string, max int64) ([]byte, error) {
	fail := func(err error, kind string) error {
		return &Error{What: what, Path: path, Max: max, Kind: kind, Err: err}
	}
	// Stat before opening: opening a pipe for reading waits for a writer.
	info, err := os.Stat(path)
	if err != nil {
		return nil, fail(err, "")
	}
	if kind := notRegular(info.Mode()); kind != "" {
		return nil, fail(ErrNotRegular, kind)
	}
	if info.Size() > max {
		return nil, fail(ErrTooLarge, "")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fail(err, "")
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil { // what was opened, in case the path changed since
		return nil, fail(err, "")
	}
	if kind := notRegular(info.Mode()); kind != "" {
		return nil, fail(ErrNotRegular, kind)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fail(err, "")
	}
	if int64(len(data)) > max { // it grew while being read
		return nil, fail(ErrTooLarge, "")
	}
	return data, nil
}

// notRegular names what a file of mode m is when it is not a regular file, else "".
func notRegular(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	}
	return "a special file"
}

// capText is a cap for people: "64 KB", "4 MB", or bytes when it is not a whole number of
// either.
func capText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KB"
	case n == 1:
		return "1 byte"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
