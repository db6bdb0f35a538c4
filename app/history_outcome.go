package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The outcome of an upload, journaled once it is final (Finish), and with it, for a worker
// that sends another file next, that file's claim (finishClaiming; see queue_ahead.go).

// Finish journals the outcome of row r.ID, which must still be queued or uploading: Status
// (a final one), URI, ErrorKind, ErrorMessage, ErrorDetail, HTTPStatus, Attempts, Finished (set
// to now if zero) and DuplicateOf, and SHA256 unless it is "" (then the row keeps its own), so
// a file hashed but never sent (a duplicate, a sign-in failure) needs no write of its own for
// the hash. A row that is already final is never overwritten.
//
// When the write fails (a full disk, a folder that became read-only, another process holding
// the history too long), the outcome is not lost: it is kept and written as soon as the
// history can be written (see unsavedOutcomes), and the error matches ErrNotSaved and says
// why in plain words.
func (h *History) Finish(ctx context.Context, r *Record) error {
	_, err := h.finishClaiming(ctx, r, nil)
	return err
}

// finishClaiming is Finish, and, when next is not nil, the claim of the next row to send
// (see claimUnhashed) in the same transaction: a worker sending files one after another
// journals one write per file instead of two. It reports whether next was claimed, whatever
// became of r's outcome (a row found already final, say); a claim that cannot be made (another
// row has the size, the row is no longer queued, or the claim's own write failed) leaves the
// outcome to be journaled alone, and the row to be claimed as usual.
func (h *History) finishClaiming(ctx context.Context, r *Record, next *unhashedClaim) (claimed bool, err error) {
	op := fmt.Sprintf("recording the result of upload %d", r.ID)
	if !r.Status.Final() {
		return false, fmt.Errorf("%s: %q is not a final status", op, r.Status)
	}
	if r.SHA256 != "" && !isSHA256Hex(r.SHA256) {
		return false, fmt.Errorf("%s: %q is not a lower-case hex SHA-256", op, r.SHA256)
	}
	if r.Finished.IsZero() {
		r.Finished = time.Now()
	}
	var res sql.Result
	switch {
	case r.DuplicateOf != 0:
		res, err = h.exec(ctx, op, outcomeInFlightSQL, outcomeArgs(r)...)
	default:
		res, claimed, err = h.finishNotDuplicate(ctx, op, r, next)
		if err != nil && next != nil { // the claim may be what failed: the outcome alone
			res, claimed, err = h.finishNotDuplicate(ctx, op, r, nil)
		}
	}
	if err != nil && h.readOnly == nil && ctx.Err() == nil && isWriteFailure(err) {
		return false, h.keepUnsaved(*r, err) // worded by exec
	}
	if err := h.checkChanged(ctx, op, r.ID, res, err, StatusQueued, StatusUploading); err != nil {
		return claimed, err
	}
	h.outcomeJournaled(ctx)
	return claimed, nil
}

// prepareOutcomeSoon prepares, once per History and in the background, the statement that
// journals an upload's outcome (outcomeLeanSQL). The queue calls it as a file starts going
// out, so that the outcome, which the user waits for, does not wait for SQLite to parse it as
// well (about 0.2 ms here: the statement carries the search index's trigger).
func (h *History) prepareOutcomeSoon() {
	h.outcomes.Do(func() {
		c := &h.checkpoints // its lock orders background work against Close (stopCheckpoints)
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.closed || h.closing == nil || h.readOnly != nil {
			return
		}
		h.background.Add(1)
		go func() {
			defer h.background.Done()
			h.stmt(context.Background(), outcomeLeanSQL) //nolint:errcheck // the outcome's write prepares it again and says why
		}()
	})
}

// outcomeSQL writes the outcome outcomeArgs gives into its row, as Finish describes; the
// caller ends it with the condition on the row's status that lets it take the outcome.
const outcomeSQL = `UPDATE uploads SET status = ?, uri = ?, error_kind = ?,
	error_message = ?, error_detail = ?, http_status = ?, attempts = ?, finished = ?, duplicate_of = ?,
	sha256 = coalesce(nullif(?, ''), sha256), owner = ''
	WHERE id = ? AND `

// outcomeInFlightSQL is outcomeSQL for a row still queued or uploading, as Finish writes it.
const outcomeInFlightSQL = outcomeSQL + "status IN ('queued', 'uploading')"

// outcomeLeanSQL is outcomeSQL, with its condition on the status, for an outcome that is no
// duplicate, written into a row whose duplicate_of is NULL (every row the queue has in flight):
// it leaves duplicate_of alone. An UPDATE that sets a column referencing its own table makes
// SQLite rewrite every index of the row, changed or not (the foreign key check may have to see
// the row as new), which made each outcome write 8 pages where 5 change.
const outcomeLeanSQL = `UPDATE uploads SET status = ?, uri = ?, error_kind = ?,
	error_message = ?, error_detail = ?, http_status = ?, attempts = ?, finished = ?,
	sha256 = coalesce(nullif(?, ''), sha256), owner = ''
	WHERE id = ? AND duplicate_of IS NULL AND status IN ('queued', 'uploading')`

// finishNotDuplicate writes r's outcome, which is no duplicate (r.DuplicateOf is 0), as Finish
// does: with outcomeLeanSQL, or, for a row it does not match, with outcomeSQL, which also
// clears duplicate_of; then, in the same transaction, claim next when it is not nil. It
// returns the result of the outcome's statement that decided, and whether next was claimed
// (never when the transaction did not commit).
func (h *History) finishNotDuplicate(ctx context.Context, op string, r *Record, next *unhashedClaim) (sql.Result, bool, error) {
	lean, err := h.stmt(ctx, outcomeLeanSQL) // before the transaction; see History.stmt
	if err != nil {
		return nil, false, h.dbError(op, err)
	}
	var claims unhashedClaimStmts
	if next != nil {
		if claims, err = h.unhashedClaimStmts(ctx, *next); err != nil {
			return nil, false, err
		}
	}
	var res sql.Result
	var claimed bool
	err = h.inWriteTx(ctx, op, func(tx *sql.Tx) error {
		claimed = false // afresh at each run; see inWriteTx
		var err error
		res, err = tx.StmtContext(ctx, lean).ExecContext(ctx, r.Status, r.URI, r.ErrorKind, r.ErrorMessage,
			r.ErrorDetail, r.HTTPStatus, r.Attempts, timeToDB(r.Finished), r.SHA256, r.ID)
		if err != nil {
			return h.dbError(op, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			// Rare: not worth a prepared statement of its own.
			if res, err = tx.ExecContext(ctx, outcomeInFlightSQL, outcomeArgs(r)...); err != nil {
				return h.dbError(op, err)
			}
		}
		if next == nil {
			return nil
		}
		switch _, err := h.claimUnhashedIn(ctx, tx, *next, claims); {
		case err == nil:
			claimed = true
		case !errors.Is(err, errSizeShared) && !errors.Is(err, errNotClaimed):
			return err // the outcome is written again, alone
		}
		return nil // not claimed, nothing of the claim written: the outcome commits
	})
	return res, claimed && err == nil, err
}

// outcomeArgs are outcomeSQL's arguments for r.
func outcomeArgs(r *Record) []any {
	return []any{r.Status, r.URI, r.ErrorKind, r.ErrorMessage, r.ErrorDetail, r.HTTPStatus, r.Attempts,
		timeToDB(r.Finished), idToDB(r.DuplicateOf), r.SHA256, r.ID}
}
