package app

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHistoryClaimUnhashed: a row is claimed without a hash (uploading, SHA-256 empty, the
// size kept) when forced, or when no other row of its source has its size and is done,
// uploading or queued; otherwise nothing is written. The check is made again inside the
// claim's write, so a twin journaled after sizeShared answered still stops it.
func TestHistoryClaimUnhashed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	h := openHistoryAt(t, path)
	ctx := t.Context()
	hash := strings.Repeat("a", 64)
	statuses := []Status{StatusDone, StatusQueued, StatusFailed, StatusCancelled, StatusDuplicate, StatusUnknown}
	sizeOf := map[Status]int64{}
	for i, st := range statuses {
		sizeOf[st] = int64(i+1) * 1000 // one size each
		insertRecord(t, h, Record{Source: "s", Size: sizeOf[st], SHA256: hash, Status: st})
	}
	uploading := insertRecord(t, h, Record{Source: "s", Size: 77, Status: StatusQueued})
	if ok, err := h.claimUnhashed(ctx, uploading.ID, time.Now(), "s", 77, false); err != nil || !ok {
		t.Fatalf("claiming the first row of size 77: %v, %v", ok, err)
	}

	for _, tc := range []struct {
		name   string
		source string
		size   int64
		force  bool
		want   bool
	}{
		{"a done row of the size", "s", sizeOf[StatusDone], false, false},
		{"a queued row of the size", "s", sizeOf[StatusQueued], false, false},
		{"an uploading row of the size", "s", 77, false, false},
		{"a failed row of the size", "s", sizeOf[StatusFailed], false, true},
		{"a cancelled row of the size", "s", sizeOf[StatusCancelled], false, true},
		{"a duplicate row of the size", "s", sizeOf[StatusDuplicate], false, true},
		{"an unknown row of the size", "s", sizeOf[StatusUnknown], false, true},
		{"a size nobody has", "s", 12345, false, true},
		{"another source's size", "t", sizeOf[StatusDone], false, true},
		{"a done row of the size, forced", "s", sizeOf[StatusDone], true, true},
	} {
		r := insertRecord(t, h, Record{Source: tc.source, Size: tc.size, Status: StatusQueued})
		shared, err := h.sizeShared(ctx, r.ID, tc.source, tc.size)
		if err != nil || !tc.force && shared == tc.want {
			t.Errorf("%s: sizeShared = %v, %v", tc.name, shared, err)
		}
		ok, err := h.claimUnhashed(ctx, r.ID, time.Now(), tc.source, tc.size, tc.force)
		if err != nil || ok != tc.want {
			t.Errorf("%s: claimed %v, %v; want %v", tc.name, ok, err, tc.want)
		}
		want := StatusQueued
		if tc.want {
			want = StatusUploading
		}
		got := getRecord(t, h, r.ID)
		if got.Status != want || got.SHA256 != "" || got.Size != tc.size || tc.want && (got.Started.IsZero() || rowOwner(t, h, r.ID) != h.owner.id) {
			t.Errorf("%s: row %s, %q, %d bytes, started %v; want %s, no hash, %d bytes", tc.name, got.Status, got.SHA256, got.Size,
				got.Started, want, tc.size)
		}
		// Claimed or not, the row is another of its size now: end it so the next cases do not see it.
		got.Status = StatusCancelled
		if err := h.Finish(ctx, &got); err != nil {
			t.Fatal(err)
		}
	}

	// sizeShared finds the size free; another process journals a twin before the claim.
	late := insertRecord(t, h, Record{Source: "s", Size: 555, Status: StatusQueued})
	if shared, err := h.sizeShared(ctx, late.ID, "s", 555); err != nil || shared {
		t.Fatalf("sizeShared before the twin = %v, %v", shared, err)
	}
	insertRecord(t, h, Record{Source: "s", Size: 555, Status: StatusQueued})
	if ok, err := h.claimUnhashed(ctx, late.ID, time.Now(), "s", 555, false); err != nil || ok {
		t.Errorf("claim after a twin came in = %v, %v; want not claimed", ok, err)
	}

	done := insertRecord(t, h, Record{Source: "s", Size: 9, Status: StatusDone})
	if _, err := h.claimUnhashed(ctx, done.ID, time.Now(), "s", 9, true); err == nil || !strings.Contains(err.Error(), "already done") {
		t.Errorf("claiming a done row: %v", err)
	}
}

// TestHistoryClaimWaitsForAnUnhashedTwin: a claim with a hash treats a row of the same source
// and size that another History is sending without a hash yet as busy, since it may be the
// same content; a row of another size, or one that has its hash, does not stop it.
func TestHistoryClaimWaitsForAnUnhashedTwin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	h := openHistoryAt(t, path)
	other := openHistoryAt(t, path)
	ctx := t.Context()
	busy := insertRecord(t, other, Record{Source: "s", Size: 100, Status: StatusQueued})
	if ok, err := other.claimUnhashed(ctx, busy.ID, time.Now(), "s", 100, false); err != nil || !ok {
		t.Fatalf("the other History's claim: %v, %v", ok, err)
	}
	hash := strings.Repeat("b", 64)
	for _, tc := range []struct {
		name   string
		source string
		size   int64
		busy   bool
	}{
		{"same source and size", "s", 100, true},
		{"another size", "s", 101, false},
		{"another source", "t", 100, false},
	} {
		r := insertRecord(t, h, Record{Source: tc.source, Size: tc.size, Status: StatusQueued})
		c, err := h.claimSend(ctx, r.ID, time.Now(), tc.source, hash, tc.size, false)
		switch {
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.busy && (c.claimed || c.busyID != busy.ID || c.busyOwner != other.owner.id):
			t.Errorf("%s: %+v; want busy with row %d of the other History", tc.name, c, busy.ID)
		case !tc.busy && !c.claimed:
			t.Errorf("%s: %+v; want claimed", tc.name, c)
		}
	}

	// Once the other row has its hash (it ended, with the hash of what it sent), only the same
	// content waits for it, or finds it done.
	sent := getRecord(t, other, busy.ID)
	sent.Status, sent.SHA256, sent.URI = StatusDone, strings.Repeat("c", 64), "https://blob.redoxengine.com/sent"
	if err := other.Finish(ctx, &sent); err != nil {
		t.Fatal(err)
	}
	r := insertRecord(t, h, Record{Source: "s", Size: 100, Status: StatusQueued})
	if c, err := h.claimSend(ctx, r.ID, time.Now(), "s", strings.Repeat("e", 64), 100, false); err != nil || !c.claimed {
		t.Errorf("other content of the size, once the row has its hash: %+v, %v; want claimed", c, err)
	}
}

// TestHistoryMigratesAVersion3Database: a history of schema 3 with rows in it gets the size
// index, keeps its rows, and the size check uses the index.
func TestHistoryMigratesAVersion3Database(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	db := oldHistory(t, path, 3, []Record{
		{Profile: "p", Source: "s", Name: "a.pdf", Size: 2048, SHA256: strings.Repeat("d", 64), Status: StatusDone,
			URI: "https://blob.redoxengine.com/a", Created: time.Unix(0, 1)},
		{Profile: "p", Source: "s", Name: "b.pdf", Size: 4096, Status: StatusFailed, Created: time.Unix(0, 2)},
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	h := openHistoryAt(t, path)
	if got := readUserVersion(t, path); got != len(historyMigrations) {
		t.Errorf("user_version = %d, want %d", got, len(historyMigrations))
	}
	if n, err := h.Count(t.Context(), Query{}); err != nil || n != 2 {
		t.Errorf("Count after migration = %d, %v; want 2", n, err)
	}
	if plan := queryPlanOf(t, h, sizeSharedQuery, "s", 2048, 0); !strings.Contains(plan, "USING INDEX uploads_size_check (source=? AND size=?)") {
		t.Errorf("the size check's plan:\n%s\nwant it to search uploads_size_check", plan)
	}
	for size, want := range map[int64]bool{2048: true, 4096: false, 1: false} {
		if shared, err := h.sizeShared(t.Context(), 0, "s", size); err != nil || shared != want {
			t.Errorf("sizeShared(%d) after migration = %v, %v; want %v", size, shared, err, want)
		}
	}
}

// rowOwner reads the owner column of row id.
func rowOwner(t *testing.T, h *History, id int64) string {
	t.Helper()
	var owner string
	if err := h.db.QueryRowContext(t.Context(), "SELECT owner FROM uploads WHERE id = ?", id).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	return owner
}

// TestHistoryClaimOtherRow: a queued row claimed, without a hash or with one, with a size or by
// a History other than the ones it was journaled with (the lean claim does not match it), is
// claimed all the same, taking the claim's size, owner and (with one) hash.
func TestHistoryClaimOtherRow(t *testing.T) {
	for _, claim := range []struct {
		name   string
		hashed bool
		// do claims row id of source with hash ("" for the claim without one) and size.
		do func(h *History, id int64, source, hash string, size int64) (bool, error)
	}{
		{"without a hash", false, func(h *History, id int64, source, _ string, size int64) (bool, error) {
			return h.claimUnhashed(t.Context(), id, time.Now(), source, size, true)
		}},
		{"with a hash", true, func(h *History, id int64, source, hash string, size int64) (bool, error) {
			c, err := h.claimSend(t.Context(), id, time.Now(), source, hash, size, true)
			return c.claimed, err
		}},
	} {
		t.Run(claim.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.db")
			h := openHistoryAt(t, path)
			other := openHistoryAt(t, path)
			for i, tc := range []struct {
				name     string
				inserter *History
				size     int64
			}{
				{"journaled as it is claimed", h, 10},
				{"another size", h, 20},
				{"journaled by another History", other, 10},
				{"another size and History", other, 20},
			} {
				hash := ""
				if claim.hashed {
					hash = fmt.Sprintf("%064x", i+1)
				}
				source := "s-" + tc.name
				r := insertRecord(t, tc.inserter, Record{Source: source, Size: 10, Status: StatusQueued})
				if ok, err := claim.do(h, r.ID, source, hash, tc.size); err != nil || !ok {
					t.Errorf("%s: claimed %v, %v", tc.name, ok, err)
					continue
				}
				got := getRecord(t, h, r.ID)
				if got.Status != StatusUploading || got.SHA256 != hash || got.Size != tc.size || rowOwner(t, h, r.ID) != h.owner.id {
					t.Errorf("%s: row %s, %q, %d bytes, owner %q; want uploading, %q, %d bytes, owner %q", tc.name, got.Status,
						got.SHA256, got.Size, rowOwner(t, h, r.ID), hash, tc.size, h.owner.id)
				}
			}
		})
	}
}
