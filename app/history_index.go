package app

import (
	"context"
	"database/sql"
)

// indexWaitingEvery is how many outcomes a History journals before it indexes the final rows
// waiting for the trigram index, whatever the queue is doing: every search reads the waiting
// rows one by one, so they are kept few.
const indexWaitingEvery = 256

// indexWaitingMin is how many rows must wait before the queue's idle moments, and a History's
// opening and closing, index them (indexIfMany). Fewer cost a search next to nothing, and
// indexing them is a write of its own: for a command that sends one file it was a tenth of
// the time spent outside the transfer. They wait for the next run instead.
const indexWaitingMin = 64

// IndexWaiting puts the final rows waiting in uploads_unindexed (migration 5) into the
// trigram index, in one write. Searches find those rows either way; indexed, they are found
// through the index, which is what keeps a search fast. A History calls it every
// indexWaitingEvery outcomes; the queue when it has nothing left to do, and a History when it
// opens and closes, once indexWaitingMin rows wait (indexIfMany). It does nothing when no row
// waits, or on a read-only History.
func (h *History) IndexWaiting(ctx context.Context) error {
	if h.readOnly != nil {
		return nil
	}
	var waiting bool
	if err := h.queryRow(ctx, "SELECT EXISTS (SELECT 1 FROM uploads_unindexed)").Scan(&waiting); err != nil || !waiting {
		return h.dbError(indexWaitingOp, err)
	}
	h.sinceIndexed.Store(0)
	return h.inWriteTx(ctx, indexWaitingOp, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO uploads_fts (rowid, name, uri, sha256)
			SELECT u.id, u.name, u.uri, u.sha256 FROM uploads_unindexed AS x CROSS JOIN uploads AS u ON u.id = x.id`); err != nil {
			return h.dbError(indexWaitingOp, err)
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM uploads_unindexed")
		return h.dbError(indexWaitingOp, err)
	})
}

const indexWaitingOp = "adding the latest uploads to the history's search index"

// indexIfMany runs IndexWaiting once at least indexWaitingMin rows wait.
func (h *History) indexIfMany(ctx context.Context) error {
	many, err := h.manyWaiting(ctx)
	if err != nil || !many {
		return err
	}
	return h.IndexWaiting(ctx)
}

// indexWhenIdle is indexIfMany for the queue when it has nothing left to send: while the rows
// waiting are indexed, the write-ahead log is copied into the database in the background (see
// checkpointSoon), so that the History's close finds little left to copy. Both need a write
// of their own, so with few rows waiting neither is done now.
func (h *History) indexWhenIdle(ctx context.Context) error {
	many, err := h.manyWaiting(ctx)
	if err != nil || !many {
		return err
	}
	h.checkpointSoon()
	return h.IndexWaiting(ctx)
}

// manyWaiting reports whether at least indexWaitingMin rows wait for the search index; never
// on a read-only History.
func (h *History) manyWaiting(ctx context.Context) (bool, error) {
	if h.readOnly != nil {
		return false, nil
	}
	var n int
	err := h.queryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM uploads_unindexed LIMIT ?)", indexWaitingMin).Scan(&n)
	return n >= indexWaitingMin, h.dbError(indexWaitingOp, err)
}

// outcomeJournaled counts an outcome written and indexes the rows waiting once there are
// indexWaitingEvery. A failure leaves them waiting, found by searches all the same, and is met
// again by the next write.
func (h *History) outcomeJournaled(ctx context.Context) {
	if h.sinceIndexed.Add(1) >= indexWaitingEvery {
		h.IndexWaiting(ctx) //nolint:errcheck // see above
	}
}
