package app

import (
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"
)

// TestHistoryPagesPerWrite: the writes the queue journals for every file sent change no more
// pages than they must, counted in the write-ahead log: a claim, with the hash or without, the
// row's own, its status index's and its duplicate check index's (3); a done outcome those, the
// owner index's and the row waiting for the search index (5). An UPDATE that sets a column with an index, or a column
// referencing its own table, even to the value it has, rewrites more (8 for the outcome).
func TestHistoryPagesPerWrite(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	var pageSize int64
	if err := h.db.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	frames := func() int64 {
		t.Helper()
		fi, err := os.Stat(h.Path() + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return (fi.Size() - 32) / (24 + pageSize) // the log's header, then a header and a page per frame
	}
	queued := func(name string) Record {
		return insertRecord(t, h, Record{Profile: "P", Source: "s", Path: "/tmp/" + name, Name: name, Size: 10,
			MIME: "application/pdf", Status: StatusQueued})
	}
	hashed := queued("hashed.pdf")
	before := frames()
	if c, err := h.claimSend(ctx, hashed.ID, time.Now(), "s", strings.Repeat("c", 64), 10, false); err != nil || !c.claimed {
		t.Fatalf("claim with the hash: %+v, %v", c, err)
	}
	if n := frames() - before; n != 3 {
		t.Errorf("the claim with the hash wrote %d pages; want 3", n)
	}

	r := queued("scan.pdf")
	before = frames()
	if ok, err := h.claimUnhashed(ctx, r.ID, time.Now(), "s", 10, true); err != nil || !ok {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	if n := frames() - before; n != 3 {
		t.Errorf("the claim wrote %d pages; want 3", n)
	}

	before = frames()
	r.Status, r.URI, r.SHA256 = StatusDone, "https://blob.redoxengine.com/abc", strings.Repeat("a", 64)
	if err := h.Finish(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if n := frames() - before; n != 5 {
		t.Errorf("the outcome wrote %d pages; want 5", n)
	}
}

// TestHistoryFinishClearsDuplicateOf: an outcome that is no duplicate, written into a row in
// flight that points at an earlier upload, leaves it pointing at none, as every outcome did
// before the lean statement took over the usual case.
func TestHistoryFinishClearsDuplicateOf(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	earlier := insertRecord(t, h, Record{Source: "s", Size: 10, SHA256: strings.Repeat("b", 64), Status: StatusDone,
		URI: "https://blob.redoxengine.com/b"})
	r := insertRecord(t, h, Record{Source: "s", Size: 10, Status: StatusQueued, DuplicateOf: earlier.ID})
	r.Status, r.ErrorMessage, r.DuplicateOf = StatusFailed, "refused", 0
	if err := h.Finish(ctx, &r); err != nil {
		t.Fatal(err)
	}
	var dup sql.NullInt64
	var status Status
	if err := h.db.QueryRowContext(ctx, "SELECT duplicate_of, status FROM uploads WHERE id = ?", r.ID).Scan(&dup, &status); err != nil {
		t.Fatal(err)
	}
	if dup.Valid || status != StatusFailed {
		t.Errorf("row after its outcome: duplicate_of %v, %s; want none, failed", dup, status)
	}
}
