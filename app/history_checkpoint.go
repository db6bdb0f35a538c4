package app

import (
	"context"
	"sync"
)

// The write-ahead log is copied into the database file (a checkpoint) in the background when
// the queue has nothing left to send and indexes the many rows waiting for the search index
// (indexWhenIdle), on a connection of its own, while that write and the caller's closing go on.
// Left to the last History's close, the checkpoint of a batch of 200 files flushed about 8 MiB
// of log to disk before the command could end; started with the index's write it overlaps it,
// and the close finds little left to copy. It makes the database file alone up to date sooner,
// never later, than before. A command sending a few files has no such write to overlap: its
// close copies the log as before, on the connection it has, without opening another.

// logCheckpoints says whether a checkpoint is running in the background.
type logCheckpoints struct {
	mu      sync.Mutex
	running bool
	closed  bool   // the History is closing: no checkpoint starts any more
	ended   func() // tests: called when a background checkpoint has ended
}

// checkpointSoon starts a checkpoint in the background, unless one is running or the History
// is closing or read-only.
func (h *History) checkpointSoon() {
	c := &h.checkpoints
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running || c.closed || h.closing == nil || h.readOnly != nil {
		return
	}
	c.running = true
	h.background.Add(1)
	go h.checkpointInBackground()
}

// checkpointInBackground copies the write-ahead log into the database file as far as it can
// without waiting for anyone (SQLite's PASSIVE checkpoint): writes go on meanwhile. A
// checkpoint that cannot run now (another process is checkpointing) leaves the work to the
// next one, or to the close.
func (h *History) checkpointInBackground() {
	defer h.background.Done()
	ctx := context.Background()
	if conn, err := h.db.Conn(ctx); err == nil {
		var busy, logged, copied int
		conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logged, &copied) //nolint:errcheck // see above
		conn.Close()
	}
	c := &h.checkpoints
	c.mu.Lock()
	c.running = false
	ended := c.ended
	c.mu.Unlock()
	if ended != nil {
		ended()
	}
}

// stopCheckpoints lets no background checkpoint start any more; Close then waits for the one
// running, with the History's other background work.
func (h *History) stopCheckpoints() {
	h.checkpoints.mu.Lock()
	h.checkpoints.closed = true
	h.checkpoints.mu.Unlock()
}
