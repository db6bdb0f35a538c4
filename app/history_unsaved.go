package app

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotSaved matches the error of a Finish whose outcome the history could not write: the
// outcome is kept (in memory, and in the History's reserved file) and written as soon as the
// history can be written again. See History.Unsaved.
var ErrNotSaved = errors.New("the upload history could not save this result yet")

// unsavedRetryEvery is how often a History with outcomes it could not write tries again, when
// no other write comes first.
const unsavedRetryEvery = 5 * time.Second

// unsavedOutcomes are the outcomes a History could not journal, by row id, until it can.
//
// Finish keeps an outcome here when its write fails (a full disk, a read-only folder, another
// process holding the history too long), writes it into the owner's reserved file so that it
// outlives the process, and returns a *notSavedError. Every later write of the History first
// writes what is kept (commitPending), a background retry does so every retryEvery, and Close
// tries once more. What is still kept at Close stays in the reserved file, which the next
// History to open the database (this process or another, once this one is gone) journals
// before anything else; see reapOwner.
type unsavedOutcomes struct {
	mu         sync.Mutex
	byID       map[int64]Record
	retrying   bool
	closed     bool // Close has begun: no new retries
	retryEvery time.Duration
	onSaved    func(Record) // told of each outcome saved late; see OnLateSave
	fileErr    error        // why the reserved file could not keep them, if it could not
}

// notSavedError is the plain-words error of a Finish kept for later; it matches ErrNotSaved
// and the cause (ErrDiskFull, ErrFolderReadOnly, ErrHistoryBusy...).
type notSavedError struct {
	reason string // "the disk is full"
	fix    string // "Free some space on ..."
	err    error
}

func (e *notSavedError) Error() string {
	return "The upload history could not save this result: " + e.reason + ". It is kept and will be saved as soon " +
		"as the history can be written again. " + e.fix
}

func (e *notSavedError) Detail() string { return errorDetail(e.err) }

func (e *notSavedError) Unwrap() []error { return []error{ErrNotSaved, e.err} }

// newNotSavedError describes err, from a write of the history in folder dir, in plain words.
func newNotSavedError(dir string, err error) *notSavedError {
	switch p := writeProblemOf(dir, err); {
	case p != nil:
		return &notSavedError{reason: p.reason, fix: p.fix, err: err}
	case errors.Is(err, ErrHistoryBusy):
		return &notSavedError{reason: "another Redox Uploader held the history too long", err: err}
	}
	return &notSavedError{reason: "the history file could not be written", fix: "Check the disk that holds " + dir + ".", err: err}
}

// isWriteFailure reports an error from SQLite that says the database could not be written
// (storage, locks), not that the write was wrong: only then is an outcome kept to retry.
func isWriteFailure(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_PROTOCOL:
		return true
	}
	return false
}

// errorDetail is err's technical detail for IT: its Detail() if it has one, else its text.
func errorDetail(err error) string {
	var d interface{ Detail() string }
	if errors.As(err, &d) {
		if s := d.Detail(); s != "" {
			return s
		}
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// OnLateSave makes the history call fn with each row whose outcome it kept because it could not
// write it (see ErrNotSaved) once that outcome is written; fn runs on the goroutine that wrote
// it and must not block. The queue uses it to announce EventSaved.
func (h *History) OnLateSave(fn func(Record)) {
	h.unsaved.mu.Lock()
	defer h.unsaved.mu.Unlock()
	h.unsaved.onSaved = fn
}

// Unsaved returns the outcomes the history has not been able to write yet, by row id order;
// each is the Record as it will be written.
func (h *History) Unsaved() []Record {
	h.unsaved.mu.Lock()
	defer h.unsaved.mu.Unlock()
	out := make([]Record, 0, len(h.unsaved.byID))
	for _, r := range h.unsaved.byID {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Record) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// hasUnsaved reports whether outcomes are kept, cheaply: every write asks.
func (h *History) hasUnsaved() bool {
	h.unsaved.mu.Lock()
	defer h.unsaved.mu.Unlock()
	return len(h.unsaved.byID) > 0
}

// SaveUnsaved writes the outcomes kept because they could not be written, if any, and returns
// how many are still kept. Any write of the history does this first; the window may call it
// when it knows space has come back.
func (h *History) SaveUnsaved(ctx context.Context) (left int, err error) {
	if err := h.lockWrites(ctx); err != nil {
		return len(h.Unsaved()), err
	}
	err = h.saveUnsavedLocked(ctx)
	h.unlockWrites()
	return len(h.Unsaved()), err
}

// keepUnsaved keeps r, whose Finish failed with err, to write later, and returns the error
// Finish reports.
func (h *History) keepUnsaved(r Record, err error) error {
	ns := newNotSavedError(h.dir(), err)
	r.ErrorDetail = joinDetail(r.ErrorDetail, "recorded late: when this upload ended the history could not be "+
		"written ("+ns.reason+")")
	u := &h.unsaved
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byID == nil {
		u.byID = map[int64]Record{}
	}
	u.byID[r.ID] = r
	h.writeUnsavedFileLocked()
	if !u.retrying && !u.closed && h.closing != nil {
		u.retrying = true
		h.background.Add(1)
		go h.retryUnsaved()
	}
	return ns
}

// writeUnsavedFileLocked writes the kept outcomes into the owner's reserved file (made now if
// there was no room at open), best effort; u.mu is held.
func (h *History) writeUnsavedFileLocked() {
	u := &h.unsaved
	if h.owner == nil {
		return
	}
	if h.owner.unsaved == nil {
		f, err := createUnsavedFile(ownerUnsavedPath(h.path, h.owner.id))
		if err != nil {
			u.fileErr = err
			return
		}
		h.owner.unsaved = f
	}
	recs := make([]Record, 0, len(u.byID))
	for _, r := range u.byID {
		recs = append(recs, r)
	}
	u.fileErr = h.owner.unsaved.write(recs)
}

// retryUnsaved tries to write the kept outcomes every retryEvery until none are left or the
// history closes.
func (h *History) retryUnsaved() {
	defer h.background.Done()
	every := h.unsaved.retryEvery
	if every <= 0 {
		every = unsavedRetryEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-h.closing:
			return
		case <-t.C:
		}
		h.SaveUnsaved(context.Background()) //nolint:errcheck // tried again at the next tick
		u := &h.unsaved
		u.mu.Lock()
		if len(u.byID) == 0 {
			u.retrying = false
			u.mu.Unlock()
			return
		}
		u.mu.Unlock()
	}
}

// saveUnsavedLocked writes the kept outcomes in one transaction; the caller holds the write
// token (lockWrites). Outcomes written, or whose row is no longer waiting for one, are no longer
// kept, and the late-save hook hears of each written.
func (h *History) saveUnsavedLocked(ctx context.Context) error {
	recs := h.Unsaved()
	if len(recs) == 0 {
		return nil
	}
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return h.dbError("saving results the history could not record", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	saved := make([]bool, len(recs))
	for i := range recs {
		if saved[i], err = finishLate(ctx, tx, &recs[i]); err != nil {
			return h.dbError("saving results the history could not record", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return h.dbError("saving results the history could not record", err)
	}
	u := &h.unsaved
	u.mu.Lock()
	for _, r := range recs {
		delete(u.byID, r.ID)
	}
	h.writeUnsavedFileLocked()
	onSaved := u.onSaved
	u.mu.Unlock()
	for i, r := range recs {
		if saved[i] && onSaved != nil {
			if full, err := h.Get(ctx, r.ID); err == nil {
				onSaved(full)
			}
		}
	}
	return nil
}

// finishLate writes an outcome that could not be written when it happened, in tx, if its row
// is still waiting for one: queued or uploading, or marked interrupted or unknown by a recovery
// that ran before the outcome could be written. It reports whether it wrote it.
func finishLate(ctx context.Context, tx *sql.Tx, r *Record) (bool, error) {
	if !r.Status.Final() {
		return false, nil
	}
	res, err := tx.ExecContext(ctx, outcomeSQL+`(status IN ('queued', 'uploading')
		OR status IN ('interrupted', 'unknown') AND error_kind = ?)`, append(outcomeArgs(r), recoveredKind)...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// closeUnsaved stops the retries, tries once more to write the kept outcomes, and returns an
// error naming what is still not written (matching ErrNotSaved), or nil.
func (h *History) closeUnsaved(ctx context.Context) error {
	h.unsaved.mu.Lock()
	h.unsaved.closed = true
	h.unsaved.mu.Unlock()
	if h.closing != nil {
		close(h.closing)
		h.background.Wait()
	}
	if h.readOnly != nil {
		return nil
	}
	if _, err := h.SaveUnsaved(ctx); err == nil {
		return nil
	}
	left := h.Unsaved()
	if len(left) == 0 {
		return nil
	}
	u := &h.unsaved
	u.mu.Lock()
	h.writeUnsavedFileLocked() // once more: space may have come back for it, if not for the database
	fileErr := u.fileErr
	u.mu.Unlock()
	var list []string
	for _, r := range left {
		item := fmt.Sprintf("%s (row %d, %s)", r.Name, r.ID, r.Status)
		if r.URI != "" {
			item += ": " + r.URI
		}
		list = append(list, item)
	}
	kept := "They are kept beside it and will be saved the next time Redox Uploader opens the history."
	if fileErr != nil || h.owner == nil || h.owner.unsaved == nil {
		kept = "They could not be kept either: note the URIs now."
	}
	return &historyError{kinds: []error{ErrNotSaved}, err: fileErr, msg: fmt.Sprintf("The upload history %s could not "+
		"save the result of %d upload(s). %s %s", h.path, len(left), kept, strings.Join(list, "; "))}
}
