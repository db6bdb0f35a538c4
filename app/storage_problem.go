package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Sentinels for a data folder that cannot be written; match them with errors.Is. Errors that
// match one of them say so in plain words; the file system's or SQLite's own error is in their
// Detail.
var (
	ErrDiskFull       = errors.New("the disk is full")
	ErrFolderReadOnly = errors.New("the folder cannot be written")
)

// storageProblem is why a folder cannot be written, in plain words: the disk is full, the
// folder or disk is read-only, or the app may not write there.
type storageProblem struct {
	kind   error  // ErrDiskFull or ErrFolderReadOnly
	reason string // "the disk is full", "the folder … is read-only", ...
	fix    string // what to do, one sentence
}

// storageProblemOf reads why writing in dir failed from err: a full disk or quota, a
// read-only disk, a permission refused. It returns nil when err says none of these.
func storageProblemOf(dir string, err error) *storageProblem {
	switch {
	case err == nil:
		return nil
	case isDiskFull(err):
		return diskFull(dir)
	case isReadOnlyDisk(err):
		return &storageProblem{kind: ErrFolderReadOnly, reason: fmt.Sprintf("the folder %s is on a read-only disk", dir),
			fix: "Make the disk writable, or use another data folder."}
	case errors.Is(err, fs.ErrPermission):
		return &storageProblem{kind: ErrFolderReadOnly, reason: fmt.Sprintf("Redox Uploader is not allowed to write in the folder %s", dir),
			fix: "Ask IT to give you write access to it, or use another data folder."}
	}
	return nil
}

// diskFull is the problem of a full disk holding dir.
func diskFull(dir string) *storageProblem {
	return &storageProblem{kind: ErrDiskFull, reason: "the disk is full",
		fix: fmt.Sprintf("Free some space on the disk that holds %s.", dir)}
}

// writeProblemOf is why err says writing in dir failed, as storageProblemOf, also for an
// error already turned into a *storageError.
func writeProblemOf(dir string, err error) *storageProblem {
	var se *storageError
	if errors.As(err, &se) {
		return se.problem
	}
	return storageProblemOf(dir, err)
}

// probeSize is how much the probe writes: what SQLite needs at least to open a history (its
// shared-memory file takes 32 KiB), so a disk with less free is found full.
const probeSize = 64 << 10

// probeFolder writes, flushes and removes a small file in dir, and returns why it could not,
// or nil if it could. SQLite's errors do not carry the system's reason (a full disk may come
// back as "disk I/O error"); trying the same kind of write tells it.
func probeFolder(dir string) *storageProblem {
	f, err := os.CreateTemp(dir, ".redox-uploader-probe-*")
	if err != nil {
		return storageProblemOf(dir, err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, probeSize))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return storageProblemOf(dir, err)
}

// storageError is a plain-words error about a folder that cannot be written, for op (a phrase
// like "creating the folder X"). It matches ErrDiskFull or ErrFolderReadOnly and err.
type storageError struct {
	op      string
	problem *storageProblem
	err     error
}

func (e *storageError) Error() string {
	return fmt.Sprintf("Redox Uploader could not finish %s: %s. %s", e.op, e.problem.reason, e.problem.fix)
}

// Detail is the system's error, for IT.
func (e *storageError) Detail() string { return e.err.Error() }

func (e *storageError) Unwrap() []error { return []error{e.problem.kind, e.err} }

// folderError wraps err from op on dir: in plain words when dir cannot be written, else with
// op as context.
func folderError(op, dir string, err error) error {
	if p := storageProblemOf(dir, err); p != nil {
		return &storageError{op: op, problem: p, err: err}
	}
	return fmt.Errorf("%s: %w", op, err)
}
