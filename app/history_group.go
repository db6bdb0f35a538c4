package app

import (
	"context"
	"database/sql"
	"sync"
)

// The journal commits the writes that arrive together in one transaction (group commit). The
// queue's workers each write their own (a row claimed for sending, an outcome), and a commit
// costs more than the writes in it: the pages of the table, its indexes and the trigram index
// go to the write-ahead log once a commit, whatever number of rows changed on them. So while
// one write commits, the writes arriving meanwhile wait, and whoever takes the write token
// next runs them all, in the order they arrived, in one transaction.
//
// Each caller still returns only once its own write is committed (or with the error that
// stopped it), so the journal stays ahead of the work it announces: a file is sent only after
// its row is committed as uploading, and an outcome is announced only after it is committed
// (or kept; see unsavedOutcomes).

// writeGroup holds the writes waiting for the write token.
type writeGroup struct {
	mu      sync.Mutex
	pending []*groupedWrite
	joined  func(waiting int) // tests: told how many writes wait after each one joins
}

// groupedWrite is one caller's write: fn, to run in a transaction, and what came of it.
type groupedWrite struct {
	ctx  context.Context
	op   string
	fn   func(tx *sql.Tx) error
	err  error         // set before done is closed
	done chan struct{} // closed once fn's transaction has committed, or err says why not
}

// inWriteTx runs fn in a transaction of this History and commits it when fn returns nil,
// returning once that is done. Writes that wait for the write token at the same time share one
// transaction (see writeGroup); when one of them fails, or the shared commit does, each is run
// again in a transaction of its own, in the same order, so that every caller gets its own
// write's result, as if it had been alone. fn may therefore run more than once: it must set
// what it reports (into variables of its caller) afresh at each run, and nothing else.
//
// fn returns its errors as it wants them seen; the begin and commit errors, and a context that
// ends while the write waits for its turn, become dbError(op, ...). A read-only History
// refuses every write with the error ReadOnly returns.
func (h *History) inWriteTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if h.readOnly != nil {
		return h.readOnly
	}
	w := &groupedWrite{ctx: ctx, op: op, fn: fn, done: make(chan struct{})}
	h.group.join(w)
	select {
	case <-w.done: // another holder of the token committed it
	case h.writer <- struct{}{}:
		select {
		case <-w.done: // committed by the holder before: leave the token to the others waiting
		default:
			h.commitPending()
		}
		h.unlockWrites()
	case <-ctx.Done():
		if h.group.withdraw(w) {
			return h.dbError(op, ctx.Err())
		}
	}
	<-w.done
	return w.err
}

// join adds w to the waiting writes.
func (g *writeGroup) join(w *groupedWrite) {
	g.mu.Lock()
	g.pending = append(g.pending, w)
	waiting := len(g.pending)
	g.mu.Unlock()
	if g.joined != nil {
		g.joined(waiting)
	}
}

// withdraw takes w out of the waiting writes and reports whether it was still there (not yet
// taken by a holder of the token).
func (g *writeGroup) withdraw(w *groupedWrite) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, p := range g.pending {
		if p == w {
			g.pending = append(g.pending[:i], g.pending[i+1:]...)
			return true
		}
	}
	return false
}

// take returns the waiting writes and leaves none.
func (g *writeGroup) take() []*groupedWrite {
	g.mu.Lock()
	defer g.mu.Unlock()
	ws := g.pending
	g.pending = nil
	return ws
}

// commitPending runs every waiting write, holding the write token, and tells each caller. The
// outcomes kept because they could not be written (see unsavedOutcomes) are written first.
func (h *History) commitPending() {
	if h.hasUnsaved() {
		// A failure here is met again, and reported, by the writes that follow.
		h.saveUnsavedLocked(context.Background()) //nolint:errcheck
	}
	ws := h.group.take()
	if len(ws) > 1 && h.runTogether(ws) {
		for _, w := range ws {
			close(w.done)
		}
		return
	}
	for _, w := range ws {
		w.err = h.runAlone(w)
		close(w.done)
	}
}

// runTogether runs ws in one transaction and reports whether every one succeeded and the
// transaction committed; otherwise nothing of it is kept.
func (h *History) runTogether(ws []*groupedWrite) bool {
	tx, err := h.db.BeginTx(context.Background(), nil) // not one caller's: each fn uses its own context
	if err != nil {
		return false
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	for _, w := range ws {
		if w.ctx.Err() != nil || w.fn(tx) != nil {
			return false
		}
	}
	return tx.Commit() == nil
}

// runAlone runs w in a transaction of its own and returns its result.
func (h *History) runAlone(w *groupedWrite) error {
	tx, err := h.db.BeginTx(w.ctx, nil)
	if err != nil {
		return h.dbError(w.op, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if err := w.fn(tx); err != nil {
		return err
	}
	return h.dbError(w.op, tx.Commit())
}
