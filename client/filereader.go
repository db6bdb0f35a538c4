package client

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// CheckFile looks at the file at path before anything is sent: it must exist (symlinks are
// followed), be a regular file, be readable, hold at least one byte and be within the limit.
// It returns the size. Its errors have Op "file check": nothing was sent.
func CheckFile(path string, limit int64) (int64, error) {
	return checkFile(path, limit, os.Open)
}

// checkFile is CheckFile with the function that opens the file given, so that a test can make
// the open fail the way it fails for a user without permission, even when it runs as root.
func checkFile(path string, limit int64, open func(string) (*os.File, error)) (int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, openError(opFileCheck, path, err)
	}
	if !info.Mode().IsRegular() {
		return 0, fileError(opFileCheck, path, FileNotRegular, 0, nil)
	}
	size := info.Size()
	if size == 0 {
		return 0, fileError(opFileCheck, path, FileEmpty, 0, nil)
	}
	if limit > 0 && size > limit {
		return size, tooLargeError(path, size, limit)
	}
	f, err := open(path)
	if err != nil {
		return size, openError(opFileCheck, path, err)
	}
	f.Close()
	return size, nil
}

// openError classifies a failure to find or open the file.
func openError(op, path string, err error) *Error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileError(op, path, FileMissing, 0, err)
	case isLinkLoop(err):
		return fileError(op, path, FileLinkLoop, 0, err)
	}
	return fileError(op, path, FileUnreadable, 0, err)
}

// errCantResolveFilename is ERROR_CANT_RESOLVE_FILENAME, Windows' answer for a link that leads
// back to itself; no other system uses the number.
const errCantResolveFilename = syscall.Errno(1921)

// isLinkLoop reports whether err says that following symbolic links went round in a circle.
func isLinkLoop(err error) bool {
	return errors.Is(err, syscall.ELOOP) || errors.Is(err, errCantResolveFilename)
}

// fileBody reads exactly size bytes of an open file into the request, reports progress,
// hashes what it hands over, and notices a file that shrinks or grows while it is sent (one
// still being written). The HTTP transport reads and closes it from its own goroutine, which
// may still be at it when the reply has come, so what others ask of it is guarded.
type fileBody struct {
	f        *os.File
	path     string
	size     int64
	sent     int64     // read by the transport's goroutine only
	sum      hash.Hash // SHA-256 of the bytes read so far; the transport's goroutine only
	progress func(sent, total int64)

	mu     sync.Mutex
	bad    *Error
	digest string // hex SHA-256 of all size bytes, once the last was read; "" if the file then failed
}

func openFileBody(path string, size int64, progress func(sent, total int64)) (*fileBody, *Error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(opUpload, path, err)
	}
	return &fileBody{f: f, path: path, size: size, sum: sha256.New(), progress: progress}, nil
}

func (b *fileBody) Read(p []byte) (int, error) {
	remaining := b.size - b.sent
	if remaining == 0 {
		var probe [1]byte
		if n, _ := b.f.Read(probe[:]); n > 0 {
			return 0, b.fail(FileChanged, nil)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > remaining {
		p = p[:remaining]
	}
	n, err := b.f.Read(p)
	b.sent += int64(n)
	b.sum.Write(p[:n])
	if n > 0 && b.sent == b.size {
		b.finish()
	}
	if n > 0 && b.progress != nil {
		b.progress(b.sent, b.size)
	}
	switch {
	case err == io.EOF && b.sent < b.size:
		return n, b.fail(FileChanged, nil)
	case err == io.EOF:
		err = nil
	case err != nil:
		return n, b.fail(FileUnreadable, err)
	}
	return n, err
}

// finish stores the hash of the whole file once its last byte was read.
func (b *fileBody) finish() {
	digest := hex.EncodeToString(b.sum.Sum(nil))
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bad == nil {
		b.digest = digest
	}
}

// fail records a file problem that cuts the body short: the request no longer carries the
// file, so it has no hash either.
func (b *fileBody) fail(problem FileProblem, cause error) *Error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bad = fileError(opUpload, b.path, problem, b.size, cause)
	b.digest = ""
	return b.bad
}

// failure reports the file problem that cut the body short, if any.
func (b *fileBody) failure() *Error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bad
}

// sentSHA256 returns the hex SHA-256 of the bytes handed to the request, once all size of
// them were; "" before that, or when the file then turned out to have grown. It is safe to ask
// at any time, also while the transport still reads the body.
func (b *fileBody) sentSHA256() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.digest
}

// Close closes the file.
func (b *fileBody) Close() error { return b.f.Close() }
