package app

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
)

// ErrHistoryReadOnly matches the error of a write to a History that could only be opened for
// reading; see ReadOnly.
var ErrHistoryReadOnly = errors.New("the upload history is open for reading only")

// ReadOnly returns nil when the history can be written, or, for one opened for reading only
// because the disk is full or its folder cannot be written, why, in plain words with what to
// do. The error matches ErrHistoryReadOnly and ErrDiskFull or ErrFolderReadOnly; every write
// (and so every new upload) is refused with it. It stays so until the history is opened again.
func (h *History) ReadOnly() error { return h.readOnly }

// openReadOnly opens the history at path for reading only, because problem (found while
// opening it for writing, with cause) stops writing. The -shm file SQLite needs to read a
// write-ahead-log database may be impossible to create (a read-only folder) or to size (a full
// disk): then the file is opened as immutable, which reads the database file alone. A history
// that does not exist yet (or is empty) reads as an empty one.
func openReadOnly(path string, problem *storageProblem, cause error) (*History, error) {
	h := &History{path: path, writer: make(chan struct{}, 1), readOnly: &historyError{
		kinds: []error{ErrHistoryReadOnly, problem.kind}, err: cause,
		msg: fmt.Sprintf("The upload history can only be read for now: %s. New files cannot be sent until it "+
			"can be written again. %s Then start Redox Uploader again.", problem.reason, problem.fix)}}
	ctx := context.Background()
	fi, err := os.Stat(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, folderError("reading the upload history "+path, filepath.Dir(path), err)
	}
	if err != nil || fi.Size() == 0 {
		return h, h.openEmpty(ctx)
	}
	var lastErr error
	for _, immutable := range []bool{false, true} {
		db, err := sql.Open("sqlite", historyReadDSN(path, immutable))
		if err != nil {
			return nil, fmt.Errorf("opening the upload history %s: %w", path, err)
		}
		db.SetMaxOpenConns(historyMaxConns)
		h.db = db
		version, err := userVersion(ctx, db)
		if err == nil && version == 0 { // created, never written
			db.Close()
			return h, h.openEmpty(ctx)
		}
		if err == nil {
			err = h.checkReadable(ctx, version)
		}
		if err == nil {
			return h, nil
		}
		db.Close()
		var plain *historyError
		if errors.As(err, &plain) {
			return nil, err
		}
		lastErr = err
	}
	return nil, errors.Join(h.readOnly, h.dbError("reading the upload history", lastErr))
}

// checkReadable checks that a history opened for reading, at schema version, can be read by
// this version without being updated.
func (h *History) checkReadable(ctx context.Context, version int) error {
	if err := h.checkVersion(version); err != nil {
		return err
	}
	if version < len(historyMigrations) {
		return &historyError{kinds: []error{ErrHistoryReadOnly}, err: h.readOnly, msg: fmt.Sprintf("The upload "+
			"history %s was written by an older version of Redox Uploader and must be updated before it can be "+
			"read, which needs it to be written: %s", h.path, h.readOnly.Error())}
	}
	var n int
	return h.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM uploads LIMIT 1)").Scan(&n)
}

// openEmpty makes h an empty history held in memory, for a history file that does not exist
// yet or holds nothing: there is nothing to read, and nothing may be written.
func (h *History) openEmpty(ctx context.Context) error {
	q := url.Values{"mode": {"memory"}, "cache": {"shared"}}
	db, err := sql.Open("sqlite", "file:redox-uploader-empty-"+rand.Text()+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("opening an empty upload history: %w", err)
	}
	h.db = db
	// A shared in-memory database lasts while a connection to it is open.
	if h.keepOpen, err = db.Conn(ctx); err != nil {
		db.Close()
		return fmt.Errorf("opening an empty upload history: %w", err)
	}
	for i, m := range historyMigrations {
		if _, err := h.keepOpen.ExecContext(ctx, m); err != nil {
			h.keepOpen.Close()
			db.Close()
			return fmt.Errorf("opening an empty upload history (step %d): %w", i+1, err)
		}
	}
	return nil
}

// historyReadDSN is the driver's name for reading the database at path and never writing it;
// immutable also tells SQLite the file cannot change, so it needs no -shm file (and reads no
// -wal file).
func historyReadDSN(path string, immutable bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(historyBusyTimeout.Milliseconds(), 10)+")")
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	return fileURL(path, q)
}
