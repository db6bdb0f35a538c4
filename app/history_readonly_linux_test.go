package app

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"redoxuploader/internal/smalldisk"
)

// TestHistoryReadsWhenItCannotWrite: on a full disk and on a read-only one, the history (and
// the core) still open, for reading: every row can be listed, searched, fetched, counted and
// exported. Writes and new uploads are refused with a plain reason that names the problem and
// no SQLite code; a log that cannot be written does not stop the core.
func TestHistoryReadsWhenItCannotWrite(t *testing.T) {
	for _, tc := range []struct {
		name     string
		breakIt  func(*smalldisk.Disk)
		kind     error
		reason   string
		noLogToo bool // the log cannot be opened either
	}{
		{"disk full", (*smalldisk.Disk).Fill, ErrDiskFull, "the disk is full", false},
		{"read-only disk", (*smalldisk.Disk).ReadOnly, ErrFolderReadOnly, "read-only", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := smalldisk.Mount(t, "2m")
			path := filepath.Join(d.Dir, "history.db")
			seed, err := OpenHistory(path)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for i := range 3 {
				r := insertRecord(t, seed, Record{Profile: "Radiology", Name: fmt.Sprintf("scan-%d.pdf", i), Status: StatusDone,
					URI: fmt.Sprintf("https://blob.redoxengine.com/uri-%d", i)})
				ids = append(ids, r.ID)
			}
			if err := seed.Close(); err != nil {
				t.Fatal(err)
			}
			tc.breakIt(d)

			h, err := OpenHistory(path)
			if err != nil {
				t.Fatalf("OpenHistory: %v", err)
			}
			t.Cleanup(func() { h.Close() })
			ro := h.ReadOnly()
			checkPlainStorageError(t, "ReadOnly()", ro, tc.kind, tc.reason)
			if !errors.Is(ro, ErrHistoryReadOnly) {
				t.Errorf("ReadOnly() = %v, want it to match ErrHistoryReadOnly", ro)
			}
			checkReadsEverything(t, h, ids)

			err = h.Insert(t.Context(), &Record{Name: "new.pdf", Status: StatusQueued})
			checkPlainStorageError(t, "Insert", err, tc.kind, tc.reason)
			_, err = NewQueue(h, nil).Submit(t.Context(), NewProfile("Radiology"), []string{path}, SubmitOptions{})
			checkPlainStorageError(t, "Submit", err, tc.kind, tc.reason)

			core, err := Open(PathsIn(d.Dir), Options{Logging: true})
			if err != nil {
				t.Fatalf("Open of the core: %v", err)
			}
			t.Cleanup(func() { core.Close(t.Context()) })
			checkPlainStorageError(t, "Core.ReadOnly()", core.ReadOnly(), tc.kind, tc.reason)
			checkReadsEverything(t, core.History, ids)
			if lp := core.LogProblem(); tc.noLogToo {
				checkPlainStorageError(t, "Core.LogProblem()", lp, tc.kind, tc.reason)
			}
		})
	}
}

// TestHistoryReadOnlyWithoutAFile: a read-only data folder that holds no history yet opens as
// an empty history that can only be read.
func TestHistoryReadOnlyWithoutAFile(t *testing.T) {
	d := smalldisk.Mount(t, "1m")
	d.ReadOnly()
	h := openHistoryAt(t, filepath.Join(d.Dir, "history.db"))
	checkPlainStorageError(t, "ReadOnly()", h.ReadOnly(), ErrFolderReadOnly, "read-only")
	if rows, err := h.Recent(t.Context(), 10); err != nil || len(rows) != 0 {
		t.Errorf("Recent = %d rows, %v; want none", len(rows), err)
	}
	if n, err := h.Count(t.Context(), Query{Text: "scan"}); err != nil || n != 0 {
		t.Errorf("Count = %d, %v", n, err)
	}
}

// TestHistoryReadOnlyAfterACrash: a history left by a process that stopped without closing it
// (its rows still in the -wal file, beside its -shm) on a disk that is now read-only opens for
// reading with every row.
func TestHistoryReadOnlyAfterACrash(t *testing.T) {
	d := smalldisk.Mount(t, "4m")
	live := filepath.Join(t.TempDir(), "history.db")
	h := openHistoryAt(t, live)
	var ids []int64
	for i := range 3 {
		ids = append(ids, insertRecord(t, h, Record{Name: fmt.Sprintf("scan-%d.pdf", i), Status: StatusDone,
			URI: fmt.Sprintf("https://blob.redoxengine.com/uri-%d", i)}).ID)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} { // the files as a crash leaves them
		data, err := os.ReadFile(live + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d.Dir, "history.db"+suffix), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	d.ReadOnly()
	ro := openHistoryAt(t, filepath.Join(d.Dir, "history.db"))
	checkPlainStorageError(t, "ReadOnly()", ro.ReadOnly(), ErrFolderReadOnly, "read-only")
	checkReadsEverything(t, ro, ids)
}

// checkReadsEverything reads the rows ids (scan-0.pdf...) every way the app reads them.
func checkReadsEverything(t *testing.T, h *History, ids []int64) {
	t.Helper()
	ctx := t.Context()
	if rows, err := h.Recent(ctx, 10); err != nil || len(rows) != len(ids) {
		t.Errorf("Recent = %d rows, %v; want %d", len(rows), err, len(ids))
	}
	if rows, err := h.Search(ctx, Query{Text: "scan-1"}); err != nil || len(rows) != 1 || rows[0].ID != ids[1] {
		t.Errorf("Search = %v, %v; want row %d", rows, err, ids[1])
	}
	if r, err := h.Get(ctx, ids[2]); err != nil || r.URI != "https://blob.redoxengine.com/uri-2" {
		t.Errorf("Get = %+v, %v", r, err)
	}
	if n, err := h.Count(ctx, Query{Statuses: []Status{StatusDone}}); err != nil || n != len(ids) {
		t.Errorf("Count = %d, %v", n, err)
	}
	var csv bytes.Buffer
	if n, err := h.ExportCSV(ctx, &csv, Query{}, nil); err != nil || n != len(ids) || !strings.Contains(csv.String(), "uri-1") {
		t.Errorf("ExportCSV = %d rows, %v:\n%s", n, err, csv.String())
	}
}

// checkPlainStorageError checks that err is a storage problem of kind, saying reason in plain
// words, with SQLite's codes and words only in its detail.
func checkPlainStorageError(t *testing.T, what string, err, kind error, reason string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s = nil, want an error saying %q", what, reason)
		return
	}
	msg := err.Error()
	if !errors.Is(err, kind) || !strings.Contains(msg, reason) {
		t.Errorf("%s = %q; want it to match %v and say %q", what, msg, kind, reason)
	}
	for _, code := range []string{"(4874)", "(13)", "(8)", "(14)", "disk I/O", "SQLITE", "database or disk"} {
		if strings.Contains(msg, code) {
			t.Errorf("%s = %q: shows SQLite's %q", what, msg, code)
		}
	}
}
