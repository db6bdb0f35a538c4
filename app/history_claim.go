package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// sendClaim is what claimSend found: the row may be sent (claimed), the content is already
// done for the source (earlier, found), or another row is sending it (busyID, of busyOwner).
type sendClaim struct {
	claimed   bool
	found     bool
	earlier   Record
	busyID    int64
	busyOwner string
}

// claimSend is the duplicate check and the "uploading" write, with the hash, as one write transaction, so that
// it holds across processes sharing the history: row id (queued) becomes uploading, with its
// hash, size and this History as owner, only if no row of the same source and content is done
// (then found, with the newest such row) or uploading (then busyID and busyOwner; the caller
// waits for that row to end and claims again; a row of the same size sent without hashing
// first counts as the same content until it ends, see claimBlocked). With force, neither is looked for. The
// transaction takes SQLite's write lock first (BEGIN IMMEDIATE), so two processes claiming the
// same content take turns and the second sees the first's row.
//
// Rows journaled by versions that recorded no owner are not waited for: they cannot be told
// from rows whose sender is gone.
func (h *History) claimSend(ctx context.Context, id int64, started time.Time, source, sha256 string, size int64,
	force bool) (sendClaim, error) {
	op := fmt.Sprintf("marking upload %d as sending", id)
	if err := checkHash(op, sha256, size); err != nil {
		return sendClaim{}, err
	}
	if started.IsZero() {
		started = time.Now()
	}
	var blocked blockedStmts
	lean, err := h.stmt(ctx, claimHashedLean) // before the transaction; see History.stmt
	if err == nil && !force {
		blocked, err = h.blockedStmts(ctx)
	}
	if err != nil {
		return sendClaim{}, h.dbError(op, err)
	}
	var c sendClaim
	var res sql.Result
	err = h.inWriteTx(ctx, op, func(tx *sql.Tx) error {
		c, res = sendClaim{}, nil // afresh at each run; see inWriteTx
		var err error
		if !force {
			if c, err = claimBlocked(ctx, tx, blocked, id, source, sha256, size); err != nil || c.found || c.busyID != 0 {
				return h.dbError(op, err) // nil when blocked: the transaction commits nothing
			}
		}
		res, err = h.markClaimed(ctx, tx, op, lean, []any{timeToDB(started), sha256, id, size, h.ownerID()},
			claimHashedMark, []any{timeToDB(started), sha256, size, h.ownerID(), id})
		c.claimed = err == nil
		return err
	})
	if errors.Is(err, errNotClaimed) {
		return sendClaim{}, h.checkChanged(ctx, op, id, res, nil, StatusQueued)
	}
	return c, err
}

// claimHashedMark and claimUnhashedMark take one queued row to uploading, with its hash or
// without (see claimSend and claimUnhashed). claimHashedLean and claimUnhashedLean do the same
// for the usual row, which already has the size and owner it is claimed with (the queue
// journaled it so): they leave those columns alone, and with them the indexes on them
// (uploads_size_check, uploads_owner), which SQLite rewrites for every column an UPDATE sets,
// changed or not. A row they do not match is claimed with the full statement.
const (
	claimHashedMark = `UPDATE uploads SET status = 'uploading', started = ?, attempts = 0,
		sha256 = ?, size = ?, owner = ? WHERE id = ? AND status = 'queued'`
	claimUnhashedMark = `UPDATE uploads SET status = 'uploading', started = ?, attempts = 0,
		size = ?, owner = ? WHERE id = ? AND status = 'queued'`
	claimHashedLean = `UPDATE uploads SET status = 'uploading', started = ?1, attempts = 0, sha256 = ?2
		WHERE id = ?3 AND status = 'queued' AND size = ?4 AND owner = ?5`
	claimUnhashedLean = `UPDATE uploads SET status = 'uploading', started = ?1, attempts = 0
		WHERE id = ?2 AND status = 'queued' AND size = ?3 AND owner = ?4`
)

// markClaimed claims a row in tx: lean (claimHashedLean or claimUnhashedLean, prepared) with
// leanArgs and, when it does not match the row, full (the matching Mark statement) with
// fullArgs, unprepared, as it is rarely run. It ends the transaction with errNotClaimed, and the
// result, when the row was not queued any more: checkChanged reads the row's status once the
// transaction is over.
func (h *History) markClaimed(ctx context.Context, tx *sql.Tx, op string, lean *sql.Stmt, leanArgs []any,
	full string, fullArgs []any) (sql.Result, error) {
	res, err := tx.StmtContext(ctx, lean).ExecContext(ctx, leanArgs...)
	if err != nil {
		return nil, h.dbError(op, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return res, nil
	}
	if res, err = tx.ExecContext(ctx, full, fullArgs...); err != nil {
		return nil, h.dbError(op, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return res, errNotClaimed
	}
	return res, nil
}

// errNotClaimed ends a claim's transaction when its row was not queued any more.
var errNotClaimed = errors.New("the upload was not queued")

// sizeSharedQuery finds another row of the source (?1) with the size (?2), other than row ?3,
// that is done, uploading or queued; it runs on the index uploads_size_check.
const sizeSharedQuery = `SELECT EXISTS (SELECT 1 FROM uploads
	WHERE source = ?1 AND size = ?2 AND id <> ?3 AND status IN ('done', 'uploading', 'queued'))`

// sizeShared reports whether another row of source than id has size bytes and is done,
// uploading or queued. Only then can row id's content be a duplicate (of a done row, of one
// being sent, of a twin queued with it), so only then must it be hashed before it is sent.
// It is a read; claimUnhashed asks again, with its write.
func (h *History) sizeShared(ctx context.Context, id int64, source string, size int64) (bool, error) {
	var shared bool
	if err := h.queryRow(ctx, sizeSharedQuery, source, size, id).Scan(&shared); err != nil {
		return false, h.dbError(fmt.Sprintf("checking upload %d for earlier uploads", id), err)
	}
	return shared, nil
}

// claimUnhashed journals row id (queued, size bytes) as uploading before its content is
// hashed: status uploading, started, size and this History as owner, its SHA-256 left empty
// for the outcome to fill with the hash of the bytes sent. With force it always claims.
// Without, it claims only if no other row of the source has that size and is done, uploading
// or queued (see sizeShared), asked in the same write transaction so that two processes cannot
// both find the size unique; otherwise it writes nothing and reports false, and the caller
// hashes the file and claims it with claimSend.
func (h *History) claimUnhashed(ctx context.Context, id int64, started time.Time, source string, size int64,
	force bool) (bool, error) {
	c := unhashedClaim{id: id, started: started, source: source, size: size, force: force}
	op := c.op()
	stmts, err := h.unhashedClaimStmts(ctx, c)
	if err != nil {
		return false, err
	}
	var res sql.Result
	err = h.inWriteTx(ctx, op, func(tx *sql.Tx) error {
		var err error
		res, err = h.claimUnhashedIn(ctx, tx, c, stmts)
		return err
	})
	switch {
	case errors.Is(err, errSizeShared):
		return false, nil
	case errors.Is(err, errNotClaimed):
		return false, h.checkChanged(ctx, op, id, res, nil, StatusQueued)
	}
	return err == nil, err
}

// unhashedClaim is the claim claimUnhashed makes: of row id, queued with size bytes for
// source, as uploading since started (now when zero).
type unhashedClaim struct {
	id      int64
	started time.Time
	source  string
	size    int64
	force   bool
}

func (c unhashedClaim) op() string { return fmt.Sprintf("marking upload %d as sending", c.id) }

// unhashedClaimStmts are the prepared statements of an unhashed claim: the claim, and the
// size check unless it is forced.
type unhashedClaimStmts struct{ lean, shared *sql.Stmt }

// unhashedClaimStmts checks c and prepares its statements, before the transaction that runs
// them (see History.stmt).
func (h *History) unhashedClaimStmts(ctx context.Context, c unhashedClaim) (unhashedClaimStmts, error) {
	if c.size < 0 {
		return unhashedClaimStmts{}, fmt.Errorf("%s: negative size %d", c.op(), c.size)
	}
	var s unhashedClaimStmts
	var err error
	s.lean, err = h.stmt(ctx, claimUnhashedLean)
	if err == nil && !c.force {
		s.shared, err = h.stmt(ctx, sizeSharedQuery)
	}
	if err != nil {
		return unhashedClaimStmts{}, h.dbError(c.op(), err)
	}
	return s, nil
}

// claimUnhashedIn makes claim c in tx. It ends the transaction with errSizeShared, having
// written nothing, when another row of the source has the size, and with errNotClaimed (and
// the result for checkChanged) when the row was not queued any more.
func (h *History) claimUnhashedIn(ctx context.Context, tx *sql.Tx, c unhashedClaim, s unhashedClaimStmts) (sql.Result, error) {
	op := c.op()
	if !c.force {
		var taken bool
		if err := tx.StmtContext(ctx, s.shared).QueryRowContext(ctx, c.source, c.size, c.id).Scan(&taken); err != nil {
			return nil, h.dbError(op, err)
		}
		if taken {
			return nil, errSizeShared // rolled back: nothing to commit
		}
	}
	started := c.started
	if started.IsZero() {
		started = time.Now()
	}
	return h.markClaimed(ctx, tx, op, s.lean, []any{timeToDB(started), c.id, c.size, h.ownerID()},
		claimUnhashedMark, []any{timeToDB(started), c.size, h.ownerID(), c.id})
}

// errSizeShared ends claimUnhashed's transaction when another row has the same size.
var errSizeShared = errors.New("another upload of the source has the same size")

// blockedStmts are the two queries of claimBlocked, prepared before its transaction.
type blockedStmts struct{ done, sending *sql.Stmt }

// sendingQuery finds another row of the source (?1) uploading, with the owner sending it: one
// with the SHA-256 (?2), or one of the size (?4) sent without hashing first. Two indexed
// lookups, one per UNION branch: (source, sha256, status) and (source, size).
const sendingQuery = `SELECT id, owner FROM uploads
	WHERE source = ?1 AND sha256 = ?2 AND status = 'uploading' AND id <> ?3 AND owner <> ''
	UNION ALL SELECT id, owner FROM uploads
	WHERE source = ?1 AND size = ?4 AND sha256 = '' AND status = 'uploading' AND id <> ?3 AND owner <> ''
	LIMIT 1`

// blockedStmts prepares claimBlocked's queries.
func (h *History) blockedStmts(ctx context.Context) (blockedStmts, error) {
	done, err := h.stmt(ctx, latestDoneQuery)
	if err != nil {
		return blockedStmts{}, err
	}
	sending, err := h.stmt(ctx, sendingQuery)
	return blockedStmts{done: done, sending: sending}, err
}

// claimBlocked looks, in tx, for what stops row id (size bytes) from being sent: a done row
// of the same source and content, else another row of it uploading. A row of the source
// uploading with the same size and no hash yet (sent without hashing first; see
// claimUnhashed) may be the same content: it blocks too, until it ends with the hash of what
// it sent.
func claimBlocked(ctx context.Context, tx *sql.Tx, q blockedStmts, id int64, source, sha256 string, size int64) (sendClaim, error) {
	earlier, err := scanRecord(tx.StmtContext(ctx, q.done).QueryRowContext(ctx, source, sha256))
	switch {
	case err == nil:
		return sendClaim{found: true, earlier: earlier}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return sendClaim{}, err
	}
	var c sendClaim
	err = tx.StmtContext(ctx, q.sending).QueryRowContext(ctx, source, sha256, id, size).Scan(&c.busyID, &c.busyOwner)
	if errors.Is(err, sql.ErrNoRows) {
		return sendClaim{}, nil
	}
	return c, err
}

// waitForSender waits until row busyID, which another History (owner) is sending, is no longer
// uploading, or ctx ends, checking every poll. A sender found gone is recovered at once (its
// row becomes unknown, or takes the outcome it kept; see reapOwner), so a crashed process
// never holds the content for ever.
func (h *History) waitForSender(ctx context.Context, busyID int64, owner string, poll time.Duration) error {
	for {
		if _, err := h.reapOwner(ctx, owner); err != nil {
			return err
		}
		var status Status
		err := h.queryRow(ctx, "SELECT status FROM uploads WHERE id = ?", busyID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) || err == nil && status != StatusUploading {
			return nil
		}
		if err != nil {
			return h.dbError("waiting for another Redox Uploader sending the same file", err)
		}
		t := time.NewTimer(poll)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}
