package app

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Flush makes every write journaled so far survive a power cut, not only a crash of the app.
// With synchronous NORMAL (historyDSN) the last commits wait in the write-ahead log, written
// but not yet flushed to disk, until the next checkpoint: a file moved out of a watched folder
// must not outlive the record of its upload. Flush flushes the log file itself; after a power
// cut SQLite reads back every whole transaction the log holds. Without a log (all of it copied
// into the database, which the copy flushed) or with nothing written, there is nothing to do.
func (h *History) Flush() error {
	if h.readOnly != nil {
		return nil
	}
	const op = "saving the upload history to disk"
	f, err := os.OpenFile(h.path+"-wal", os.O_RDWR, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return folderError(op, filepath.Dir(h.path), err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return folderError(op, filepath.Dir(h.path), err)
	}
	if h.flushed != nil {
		h.flushed()
	}
	return nil
}
