package app

import (
	"runtime"
	"testing"

	"modernc.org/sqlite"
)

// TestHistoryFlushSettings: every connection of a History checkpoints its write-ahead log at
// historyCheckpointPages, not SQLite's 1,000, and on Linux the history is flushed to disk with
// fdatasync.
func TestHistoryFlushSettings(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	conns := make([]interface{ Close() error }, 0, 3)
	for range 3 { // several connections of the pool, each set up by the DSN
		c, err := h.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var pages int
		if err := c.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if pages != historyCheckpointPages {
			t.Errorf("wal_autocheckpoint = %d; want %d", pages, historyCheckpointPages)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if runtime.GOOS == "linux" && !sqlite.FdatasyncEnabled() {
		t.Error("SQLite flushes with fsync; want fdatasync")
	}
}
