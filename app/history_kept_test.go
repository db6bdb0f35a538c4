package app

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHistoryKeptInPlace: a file recorded as left in place is found by source and hash, once
// however often it is recorded, and outlives the retention purge; MaybeSent finds a size a
// done row or a file left in place has, and nothing else. Counting, searching and exporting
// the history see its rows only.
func TestHistoryKeptInPlace(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	hash, other := strings.Repeat("a", 64), strings.Repeat("b", 64)
	insertRecord(t, h, Record{Source: "s1", Size: 10, SHA256: other, Status: StatusDone, URI: "u1"})
	insertRecord(t, h, Record{Source: "s1", Size: 20, SHA256: other, Status: StatusFailed})
	for range 2 {
		if err := h.KeepInPlace(ctx, "s1", hash, 30); err != nil {
			t.Fatal(err)
		}
	}
	for name, err := range map[string]error{
		"a short hash":    h.KeepInPlace(ctx, "s1", "abc", 30),
		"upper case":      h.KeepInPlace(ctx, "s1", strings.ToUpper(other), 30),
		"a negative size": h.KeepInPlace(ctx, "s1", other, -1),
	} {
		if err == nil {
			t.Errorf("KeepInPlace with %s succeeded", name)
		}
	}

	if n, err := h.Purge(ctx, time.Now().Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("Purge = %d, %v; want both rows deleted", n, err)
	}
	insertRecord(t, h, Record{Source: "s1", Size: 40, SHA256: other, Status: StatusDone, URI: "u2"})
	insertRecord(t, h, Record{Source: "s1", Size: 50, Status: StatusQueued})

	for _, tc := range []struct {
		source, hash string
		kept         bool
	}{
		{"s1", hash, true},
		{"s2", hash, false},
		{"s1", other, false},
		{"s1", "", false},
	} {
		if kept, err := h.KeptInPlace(ctx, tc.source, tc.hash); err != nil || kept != tc.kept {
			t.Errorf("KeptInPlace(%s, %.8s) = %v, %v; want %v", tc.source, tc.hash, kept, err, tc.kept)
		}
	}
	for _, tc := range []struct {
		source string
		size   int64
		maybe  bool
	}{
		{"s1", 30, true},  // left in place, its row purged
		{"s1", 40, true},  // done
		{"s1", 10, false}, // done, purged
		{"s1", 50, false}, // queued
		{"s2", 30, false}, // another source
		{"s2", 40, false},
	} {
		if maybe, err := h.MaybeSent(ctx, tc.source, tc.size); err != nil || maybe != tc.maybe {
			t.Errorf("MaybeSent(%s, %d) = %v, %v; want %v", tc.source, tc.size, maybe, err, tc.maybe)
		}
	}

	if n, err := h.Count(ctx, Query{}); err != nil || n != 2 {
		t.Errorf("Count = %d, %v; want the 2 rows", n, err)
	}
	if rows, err := h.Search(ctx, Query{Text: hash[:12]}); err != nil || len(rows) != 0 {
		t.Errorf("searching the kept hash: %d rows, %v; want none", len(rows), err)
	}
	if n, err := h.ExportCSV(ctx, io.Discard, Query{}, nil); err != nil || n != 2 {
		t.Errorf("ExportCSV = %d, %v; want the 2 rows", n, err)
	}
}

// TestHistoryMigratesAVersion6Database: a history of schema 6 with rows in it gets the table
// of files left in place, empty, keeps its rows, and the size check of a read-only folder's
// files runs on indexes.
func TestHistoryMigratesAVersion6Database(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	hash := strings.Repeat("d", 64)
	db := oldHistory(t, path, 6, []Record{
		{Profile: "p", Source: "s", Name: "a.pdf", Size: 2048, SHA256: hash, Status: StatusDone,
			URI: "https://blob.redoxengine.com/a", Created: time.Unix(0, 1)},
		{Profile: "p", Source: "s", Name: "b.pdf", Size: 4096, Status: StatusFailed, Created: time.Unix(0, 2)},
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	h := openHistoryAt(t, path)
	ctx := t.Context()
	if got := readUserVersion(t, path); got != len(historyMigrations) {
		t.Errorf("user_version = %d, want %d", got, len(historyMigrations))
	}
	if n, err := h.Count(ctx, Query{}); err != nil || n != 2 {
		t.Errorf("Count after migration = %d, %v; want 2", n, err)
	}
	if r, done, err := h.LatestDone(ctx, "s", hash); err != nil || !done || r.Name != "a.pdf" {
		t.Errorf("LatestDone after migration = %+v, %v, %v; want a.pdf", r, done, err)
	}
	if kept, err := h.KeptInPlace(ctx, "s", hash); err != nil || kept {
		t.Errorf("KeptInPlace after migration = %v, %v; want false: nothing recorded yet", kept, err)
	}
	if err := h.KeepInPlace(ctx, "s", hash, 2048); err != nil {
		t.Fatal(err)
	}
	if kept, err := h.KeptInPlace(ctx, "s", hash); err != nil || !kept {
		t.Errorf("KeptInPlace once recorded = %v, %v; want true", kept, err)
	}
	plan := queryPlanOf(t, h, sentSizeQuery, "s", 2048)
	for _, index := range []string{"uploads_size_check (source=? AND size=?)", "kept_in_place_size (source=? AND size=?)"} {
		if !strings.Contains(plan, index) {
			t.Errorf("the sent-size check's plan:\n%s\nwant it to search %s", plan, index)
		}
	}
}
