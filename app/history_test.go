package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// openTestHistory opens a history in a fresh temp folder and closes it when the test ends.
func openTestHistory(t *testing.T) *History {
	t.Helper()
	h, err := OpenHistory(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Error(err)
		}
	})
	return h
}

// openHistoryAt opens the history at path and closes it when the test ends.
func openHistoryAt(t *testing.T, path string) *History {
	t.Helper()
	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// insertRecord journals r and fails the test if it cannot.
func insertRecord(t *testing.T, h *History, r Record) Record {
	t.Helper()
	if err := h.Insert(t.Context(), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func getRecord(t *testing.T, h *History, id int64) Record {
	t.Helper()
	r, err := h.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sameRecord reports the first field where got and want differ, comparing times by instant.
func sameRecord(t *testing.T, got, want Record) {
	t.Helper()
	for _, tm := range []struct {
		name      string
		got, want time.Time
	}{{"Created", got.Created, want.Created}, {"Started", got.Started, want.Started}, {"Finished", got.Finished, want.Finished}} {
		if !tm.got.Equal(tm.want) {
			t.Errorf("%s = %v, want %v", tm.name, tm.got, tm.want)
		}
	}
	got.Created, got.Started, got.Finished = time.Time{}, time.Time{}, time.Time{}
	want.Created, want.Started, want.Finished = time.Time{}, time.Time{}, time.Time{}
	if got != want {
		t.Errorf("record differs:\n got %+v\nwant %+v", got, want)
	}
}

func TestHistoryStatus(t *testing.T) {
	for _, tc := range []struct {
		s            Status
		valid, final bool
	}{
		{StatusQueued, true, false},
		{StatusUploading, true, false},
		{StatusDone, true, true},
		{StatusFailed, true, true},
		{StatusCancelled, true, true},
		{StatusDuplicate, true, true},
		{StatusInterrupted, true, true},
		{StatusUnknown, true, true},
		{"", false, false},
		{"Done", false, false},
	} {
		if tc.s.Valid() != tc.valid || tc.s.Final() != tc.final {
			t.Errorf("%q: Valid %v Final %v, want %v %v", tc.s, tc.s.Valid(), tc.s.Final(), tc.valid, tc.final)
		}
	}
}

func TestHistoryInsertGetRoundTrip(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	earlier := insertRecord(t, h, Record{Profile: "p", Name: "a.pdf", Status: StatusDone, URI: "https://blob.redoxengine.com/a"})
	base := time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.FixedZone("X", 3600))

	for _, tc := range []struct {
		name string
		rec  Record
	}{
		{"every field", Record{
			Profile: "Radiology (prod)", Source: "legacy:KEY@api.redoxengine.com", Environment: "Production",
			Sandbox: true, Path: "/home/ann/scans/it's \"quoted\" ü.pdf", Name: "it's \"quoted\" ü.pdf",
			Size: 1234567, SHA256: strings.Repeat("ab", 32), MIME: "application/pdf", Status: StatusFailed,
			URI: "https://blob.redoxengine.com/x?y=1", ErrorKind: "too-large", ErrorMessage: "Too big.",
			ErrorDetail: "413 from server", HTTPStatus: 413, Attempts: 3, Created: base,
			Started: base.Add(time.Second), Finished: base.Add(2 * time.Second), ResentFrom: earlier.ID,
			DuplicateOf: earlier.ID,
		}},
		{"zero optional fields", Record{Name: "b.pdf", Status: StatusQueued, Created: base}},
		{"far-future created", Record{Name: "c.pdf", Status: StatusDone, Created: time.Date(2200, 1, 1, 0, 0, 0, 1, time.UTC)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := insertRecord(t, h, tc.rec)
			if r.ID <= earlier.ID {
				t.Fatalf("ID = %d, want > %d", r.ID, earlier.ID)
			}
			want := tc.rec
			want.ID = r.ID
			sameRecord(t, getRecord(t, h, r.ID), want)
		})
	}

	t.Run("created defaults to now", func(t *testing.T) {
		before := time.Now()
		r := insertRecord(t, h, Record{Name: "d.pdf", Status: StatusQueued})
		if r.Created.Before(before) || r.Created.After(time.Now()) {
			t.Errorf("Created = %v, want about now", r.Created)
		}
		sameRecord(t, getRecord(t, h, r.ID), r)
	})
	t.Run("invalid status refused", func(t *testing.T) {
		if err := h.Insert(ctx, &Record{Name: "e.pdf", Status: "sent"}); err == nil {
			t.Error("Insert with status \"sent\" succeeded")
		}
	})
	t.Run("link to a missing row refused", func(t *testing.T) {
		if err := h.Insert(ctx, &Record{Name: "f.pdf", Status: StatusQueued, ResentFrom: 999999}); err == nil {
			t.Error("Insert with ResentFrom of a missing row succeeded")
		}
	})
	t.Run("missing id", func(t *testing.T) {
		if _, err := h.Get(ctx, 424242); !errors.Is(err, ErrRecordNotFound) {
			t.Errorf("Get(missing) = %v, want ErrRecordNotFound", err)
		}
	})
}

func TestHistoryJournalTransitions(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	hash := strings.Repeat("0123456789abcdef", 4)
	r := insertRecord(t, h, Record{Profile: "p", Source: "s", Name: "a.pdf", Status: StatusQueued})

	if err := h.setHash(ctx, r.ID, hash, 42); err != nil {
		t.Fatal(err)
	}
	started := time.Now().Add(-time.Second)
	if err := h.markUploading(ctx, r.ID, started); err != nil {
		t.Fatal(err)
	}
	got := getRecord(t, h, r.ID)
	if got.Status != StatusUploading || !got.Started.Equal(started) || got.SHA256 != hash || got.Size != 42 {
		t.Fatalf("after SetHash and MarkUploading: %+v", got)
	}
	if err := h.markUploading(ctx, r.ID, started); err == nil || !strings.Contains(err.Error(), "already uploading") {
		t.Errorf("MarkUploading twice = %v, want an error saying it is already uploading", err)
	}

	done := got
	done.Status, done.URI, done.Attempts, done.HTTPStatus = StatusDone, "https://blob.redoxengine.com/abc", 2, 201
	if err := h.Finish(ctx, &done); err != nil {
		t.Fatal(err)
	}
	if done.Finished.IsZero() {
		t.Error("Finish left Finished zero")
	}
	sameRecord(t, getRecord(t, h, r.ID), done)

	// A final row is never overwritten, and nothing else about it changes.
	again := done
	again.Status, again.URI = StatusFailed, ""
	for name, err := range map[string]error{
		"Finish":        h.Finish(ctx, &again),
		"MarkUploading": h.markUploading(ctx, r.ID, time.Now()),
		"SetHash":       h.setHash(ctx, r.ID, strings.Repeat("f", 64), 1),
	} {
		if err == nil || !strings.Contains(err.Error(), "already done") {
			t.Errorf("%s on a done row = %v, want an error saying it is already done", name, err)
		}
	}
	sameRecord(t, getRecord(t, h, r.ID), done)

	for name, err := range map[string]error{
		"Finish non-final":   h.Finish(ctx, &Record{ID: r.ID, Status: StatusUploading}),
		"SetHash upper-case": h.setHash(ctx, r.ID, strings.ToUpper(hash), 1),
		"SetHash short":      h.setHash(ctx, r.ID, "abc", 1),
	} {
		if err == nil {
			t.Errorf("%s succeeded", name)
		}
	}
	for name, err := range map[string]error{
		"Finish":        h.Finish(ctx, &Record{ID: 9999, Status: StatusDone}),
		"MarkUploading": h.markUploading(ctx, 9999, time.Now()),
		"SetHash":       h.setHash(ctx, 9999, hash, 1),
	} {
		if !errors.Is(err, ErrRecordNotFound) {
			t.Errorf("%s on a missing row = %v, want ErrRecordNotFound", name, err)
		}
	}
}

// TestHistoryHashTravelsWithTheStateChange: the queue journals a file's hash with the write
// that takes its row to uploading, or with the outcome when it is not sent; neither write may
// take a row that is not where it should be, and an outcome without a hash keeps the row's.
func TestHistoryHashTravelsWithTheStateChange(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	hash, other := strings.Repeat("0123456789abcdef", 4), strings.Repeat("fedcba9876543210", 4)

	sent := insertRecord(t, h, Record{Profile: "p", Source: "s", Name: "a.pdf", Size: 42, Status: StatusQueued})
	started := time.Now().Add(-time.Second)
	if err := h.markUploadingHashed(ctx, sent.ID, started, hash, 42); err != nil {
		t.Fatal(err)
	}
	if got := getRecord(t, h, sent.ID); got.Status != StatusUploading || !got.Started.Equal(started) || got.SHA256 != hash || got.Size != 42 {
		t.Fatalf("after markUploadingHashed: %+v", got)
	}
	if err := h.markUploadingHashed(ctx, sent.ID, started, other, 42); err == nil || !strings.Contains(err.Error(), "already uploading") {
		t.Errorf("markUploadingHashed twice = %v, want an error saying it is already uploading", err)
	}
	done := Record{ID: sent.ID, Status: StatusDone, URI: "https://blob.redoxengine.com/abc"}
	if err := h.Finish(ctx, &done); err != nil {
		t.Fatal(err)
	}
	if got := getRecord(t, h, sent.ID); got.SHA256 != hash || got.Status != StatusDone {
		t.Errorf("Finish without a hash changed the row's: %+v", got)
	}
	if found, ok, err := h.LatestDone(ctx, "s", hash); err != nil || !ok || found.ID != sent.ID {
		t.Errorf("LatestDone = %+v, %v, %v; want row %d", found, ok, err, sent.ID)
	}
	if err := h.markUploadingHashed(ctx, sent.ID, started, other, 42); err == nil || !strings.Contains(err.Error(), "already done") {
		t.Errorf("markUploadingHashed on a done row = %v", err)
	}

	dup := insertRecord(t, h, Record{Profile: "p", Source: "s", Name: "b.pdf", Size: 42, Status: StatusQueued})
	dup.Status, dup.SHA256, dup.URI, dup.DuplicateOf = StatusDuplicate, hash, done.URI, sent.ID
	if err := h.Finish(ctx, &dup); err != nil {
		t.Fatal(err)
	}
	if got := getRecord(t, h, dup.ID); got.SHA256 != hash || got.Status != StatusDuplicate || got.DuplicateOf != sent.ID {
		t.Errorf("a duplicate finished with its hash: %+v", got)
	}
	if page, err := h.Search(ctx, Query{Text: hash[20:40]}); err != nil || len(page) != 2 {
		t.Errorf("searching the hash: %d rows, %v; want both rows", len(page), err)
	}

	bad := insertRecord(t, h, Record{Profile: "p", Source: "s", Name: "c.pdf", Status: StatusQueued})
	for name, err := range map[string]error{
		"markUploadingHashed upper-case": h.markUploadingHashed(ctx, bad.ID, started, strings.ToUpper(hash), 1),
		"markUploadingHashed negative":   h.markUploadingHashed(ctx, bad.ID, started, hash, -1),
		"Finish with a short hash":       h.Finish(ctx, &Record{ID: bad.ID, Status: StatusFailed, SHA256: "abc"}),
	} {
		if err == nil {
			t.Errorf("%s succeeded", name)
		}
	}
	if got := getRecord(t, h, bad.ID); got.Status != StatusQueued || got.SHA256 != "" {
		t.Errorf("refused writes changed the row: %+v", got)
	}
	if err := h.markUploadingHashed(ctx, 9999, started, hash, 1); !errors.Is(err, ErrRecordNotFound) {
		t.Errorf("markUploadingHashed on a missing row = %v, want ErrRecordNotFound", err)
	}
}

// TestHistoryWritesTakeTurns: a write waits while another of the same History runs, goes
// ahead as soon as it ends, and gives up when its context ends first.
func TestHistoryWritesTakeTurns(t *testing.T) {
	h := openTestHistory(t)
	r := insertRecord(t, h, Record{Profile: "p", Source: "s", Name: "a.pdf", Status: StatusQueued})
	if err := h.lockWrites(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := h.markUploading(ctx, r.ID, time.Now()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a write while another runs, until its context ends = %v", err)
	}
	waited := make(chan error)
	go func() { waited <- h.markUploading(t.Context(), r.ID, time.Now()) }()
	select {
	case err := <-waited:
		t.Fatalf("a write went ahead while another ran: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	h.unlockWrites()
	if err := <-waited; err != nil {
		t.Errorf("the waiting write, once the other ended: %v", err)
	}
	if got := getRecord(t, h, r.ID); got.Status != StatusUploading {
		t.Errorf("row %+v, want uploading", got)
	}
}

func TestHistoryPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	dir := filepath.Join(t.TempDir(), "new", "data")
	path := filepath.Join(dir, "history.db")
	h := openHistoryAt(t, path)
	insertRecord(t, h, Record{Name: "a.pdf", Status: StatusQueued}) // makes sure the WAL exists

	for _, tc := range []struct {
		path string
		want os.FileMode
	}{
		{dir, 0o700},
		{filepath.Dir(dir), 0o700},
		{path, 0o600},
		{path + "-wal", 0o600},
		{path + "-shm", 0o600},
		{path + ".lock", 0o600},
		{ownerLockPath(path, h.owner.id), 0o600},
		{ownerUnsavedPath(path, h.owner.id), 0o600},
	} {
		fi, err := os.Stat(tc.path)
		if err != nil {
			t.Error(err)
			continue
		}
		if got := fi.Mode().Perm(); got != tc.want {
			t.Errorf("%s: mode %o, want %o", tc.path, got, tc.want)
		}
	}
}

func TestHistoryTightensAnExistingFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	path := filepath.Join(t.TempDir(), "history.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	openHistoryAt(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", fi.Mode().Perm())
	}
}

func TestHistoryPathWithOddCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a folder #1 ?x=%20&y", "hi story.db")
	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	r := insertRecord(t, h, Record{Name: "a.pdf", Status: StatusDone})
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if h.Path() != path {
		t.Errorf("Path() = %q, want %q", h.Path(), path)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not where it was asked to be: %v", err)
	}
	h = openHistoryAt(t, path)
	getRecord(t, h, r.ID)
}

// rawDB opens path with database/sql directly, for building and inspecting files by hand.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func execSQL(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(t.Context(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func readUserVersion(t *testing.T, path string) int {
	t.Helper()
	v, err := userVersion(t.Context(), rawDB(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestHistoryMigratesAVersion1Database(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	db := rawDB(t, path)
	execSQL(t, db, historyMigrations[0])
	execSQL(t, db, "PRAGMA user_version = 1")
	execSQL(t, db, `INSERT INTO uploads (profile, name, uri, sha256, status, created)
		VALUES ('old', 'Old Scan.PDF', 'https://blob.redoxengine.com/v1row', ?, 'done', 1), ('old', 'x.pdf', '', '', 'queued', 2)`,
		strings.Repeat("c", 64))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := readUserVersion(t, path); got != len(historyMigrations) {
		t.Errorf("user_version = %d, want %d", got, len(historyMigrations))
	}
	if got := h.Recovered(); got != (Recovery{Interrupted: 1}) {
		t.Errorf("Recovered() = %+v, want one interrupted", got)
	}
	for _, text := range []string{"old scan", "v1row", "ccccc"} {
		got, err := h.Search(t.Context(), Query{Text: text})
		if err != nil || len(got) != 1 || got[0].Name != "Old Scan.PDF" {
			t.Errorf("Search(%q) after migration = %v, %v; want the v1 row", text, got, err)
		}
	}
	added := insertRecord(t, h, Record{Name: "new.pdf", Status: StatusDone})
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopening keeps the data and the version, and migrates nothing again.
	h = openHistoryAt(t, path)
	if n, err := h.Count(t.Context(), Query{}); err != nil || n != 3 {
		t.Errorf("Count after reopen = %d, %v; want 3", n, err)
	}
	getRecord(t, h, added.ID)
	if got := readUserVersion(t, path); got != len(historyMigrations) {
		t.Errorf("user_version after reopen = %d, want %d", got, len(historyMigrations))
	}
}

func TestHistoryFromANewerVersionIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	future := len(historyMigrations) + 1
	execSQL(t, rawDB(t, path), fmt.Sprintf("PRAGMA user_version = %d", future))

	h, err := OpenHistory(path)
	if err == nil {
		h.Close()
		t.Fatal("OpenHistory of a newer database succeeded")
	}
	if !errors.Is(err, ErrHistoryTooNew) || !strings.Contains(err.Error(), "newer version") || !strings.Contains(err.Error(), path) {
		t.Errorf("error = %v; want ErrHistoryTooNew naming the file and the newer version", err)
	}
	if got := readUserVersion(t, path); got != future {
		t.Errorf("user_version = %d after the refusal, want it untouched (%d)", got, future)
	}
	// The refusal released the lock: the next open (here of a fresh file) is not blocked.
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Fatal(err)
	}
	l, primary, err := lockInstance(path + ".lock")
	if err != nil || !primary {
		t.Errorf("lock after the refusal: primary %v, %v", primary, err)
	}
	if l != nil {
		l.release()
	}
}

func TestHistoryDamagedFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content []byte
	}{
		{"garbage", []byte(strings.Repeat("this is not a database\n", 400))},
		{"short garbage", []byte("hello")},
		{"broken header", append([]byte("SQLite format 3\x00"), make([]byte, 4080)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.db")
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			h, err := OpenHistory(path)
			if err == nil {
				h.Close()
				t.Fatal("OpenHistory of a damaged file succeeded")
			}
			msg := err.Error()
			if !errors.Is(err, ErrHistoryDamaged) || !strings.Contains(msg, "damaged") ||
				!strings.Contains(msg, path) || !strings.Contains(msg, "move the file aside") {
				t.Errorf("error = %q; want ErrHistoryDamaged naming the file and saying to move it aside", msg)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != string(tc.content) {
				t.Errorf("the damaged file was changed or removed (%v)", err)
			}
			// The owner's files, made while SQLite read the file, go with the failed opening.
			if owners, _ := filepath.Glob(path + ownerFilePrefix + "*"); len(owners) > 0 {
				t.Errorf("the failed opening left %q", owners)
			}
		})
	}
}

func TestHistoryRecoveryOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	queued := insertRecord(t, h, Record{Name: "q.pdf", Status: StatusQueued})
	uploading := insertRecord(t, h, Record{Name: "u.pdf", Status: StatusQueued})
	if err := h.markUploading(ctx, uploading.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	done := insertRecord(t, h, Record{Name: "d.pdf", Status: StatusDone, URI: "https://blob.redoxengine.com/d",
		Finished: time.Now()})
	failed := insertRecord(t, h, Record{Name: "f.pdf", Status: StatusFailed, ErrorMessage: "No.", Finished: time.Now()})
	if got := h.Recovered(); got != (Recovery{}) {
		t.Errorf("fresh history recovered %+v", got)
	}
	if err := h.Close(); err != nil { // as if the app stopped here
		t.Fatal(err)
	}

	before := time.Now()
	h = openHistoryAt(t, path)
	if h.Shared() {
		t.Error("the only History is Shared()")
	}
	if got := h.Recovered(); got != (Recovery{Interrupted: 1, Unknown: 1}) {
		t.Errorf("Recovered() = %+v, want 1 interrupted and 1 unknown", got)
	}
	for _, tc := range []struct {
		rec     Record
		status  Status
		message string
	}{
		{queued, StatusInterrupted, "Nothing reached Redox"},
		{uploading, StatusUnknown, "Redox may or may not have it"},
	} {
		got := getRecord(t, h, tc.rec.ID)
		if got.Status != tc.status || !strings.Contains(got.ErrorMessage, tc.message) || got.Finished.Before(before) {
			t.Errorf("row %s after recovery: status %s, message %q, finished %v; want %s, %q, now",
				tc.rec.Name, got.Status, got.ErrorMessage, got.Finished, tc.status, tc.message)
		}
	}
	sameRecord(t, getRecord(t, h, done.ID), done)
	sameRecord(t, getRecord(t, h, failed.ID), failed)
}

func TestHistorySecondOpenInProcessIsShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	first, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	inFlight := insertRecord(t, first, Record{Name: "a.pdf", Status: StatusQueued})

	second, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if first.Shared() || !second.Shared() {
		t.Errorf("Shared(): first %v, second %v; want false, true", first.Shared(), second.Shared())
	}
	if got := second.Recovered(); got != (Recovery{}) {
		t.Errorf("the shared History recovered %+v", got)
	}
	if got := getRecord(t, second, inFlight.ID); got.Status != StatusQueued {
		t.Errorf("the first History's queued row became %s", got.Status)
	}
	theirs := insertRecord(t, second, Record{Name: "b.pdf", Status: StatusQueued})
	getRecord(t, first, theirs.ID) // each sees the other's rows

	// The first one quits while the second still works: a third opener must not recover the
	// second one's rows.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	third, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if !third.Shared() || third.Recovered() != (Recovery{}) {
		t.Errorf("third opener: Shared %v, Recovered %+v; want shared, nothing recovered", third.Shared(), third.Recovered())
	}
	if got := getRecord(t, third, theirs.ID); got.Status != StatusQueued {
		t.Errorf("a live History's queued row became %s", got.Status)
	}
	if err := errors.Join(second.Close(), third.Close()); err != nil {
		t.Fatal(err)
	}

	// Once nobody has it open, the next opener is the primary and recovers.
	last := openHistoryAt(t, path)
	if last.Shared() || last.Recovered() != (Recovery{Interrupted: 2}) {
		t.Errorf("last opener: Shared %v, Recovered %+v; want primary with 2 interrupted", last.Shared(), last.Recovered())
	}
}

func TestHistoryLatestDone(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	hash, other := strings.Repeat("a", 64), strings.Repeat("b", 64)
	insertRecord(t, h, Record{Source: "s1", SHA256: hash, Status: StatusDone, URI: "u1"})
	want := insertRecord(t, h, Record{Source: "s1", SHA256: hash, Status: StatusDone, URI: "u2"})
	insertRecord(t, h, Record{Source: "s1", SHA256: hash, Status: StatusFailed})
	insertRecord(t, h, Record{Source: "s1", SHA256: hash, Status: StatusDuplicate, URI: "u2", DuplicateOf: want.ID})
	insertRecord(t, h, Record{Source: "s2", SHA256: hash, Status: StatusDone, URI: "u3"})
	insertRecord(t, h, Record{Source: "s1", SHA256: other, Status: StatusQueued})

	for _, tc := range []struct {
		source, hash string
		found        bool
		uri          string
	}{
		{"s1", hash, true, "u2"},
		{"s2", hash, true, "u3"},
		{"s3", hash, false, ""},
		{"s1", other, false, ""},
		{"s1", "", false, ""},
	} {
		got, found, err := h.LatestDone(ctx, tc.source, tc.hash)
		if err != nil || found != tc.found || got.URI != tc.uri {
			t.Errorf("LatestDone(%s, %.8s) = %q, %v, %v; want %q, %v", tc.source, tc.hash, got.URI, found, err, tc.uri, tc.found)
		}
	}
}

func TestHistoryPurge(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	now := time.Now()
	old := now.Add(-60 * 24 * time.Hour)
	cutoff := now.Add(-30 * 24 * time.Hour)

	keep := map[int64]string{}
	gone := map[int64]string{}
	for _, s := range allStatuses {
		r := insertRecord(t, h, Record{Name: "old-" + string(s), Status: s, Created: old})
		if s.Final() {
			gone[r.ID] = r.Name
		} else {
			keep[r.ID] = r.Name
		}
		r = insertRecord(t, h, Record{Name: "new-" + string(s), Status: s, Created: now})
		keep[r.ID] = r.Name
	}
	// Left uploading by a crash long ago, found cut off at this opening: it needs attention first.
	recovered := insertRecord(t, h, Record{Name: "old-recovered", Status: StatusUnknown, Created: old, Finished: now})
	keep[recovered.ID] = recovered.Name
	oldDone := insertRecord(t, h, Record{Name: "old-original", Status: StatusDone, URI: "https://x/orig", Created: old})
	gone[oldDone.ID] = oldDone.Name
	resend := insertRecord(t, h, Record{Name: "resend", Status: StatusDuplicate, Created: now,
		ResentFrom: oldDone.ID, DuplicateOf: oldDone.ID, URI: "https://x/orig"})
	keep[resend.ID] = resend.Name

	if n, err := h.Purge(ctx, time.Time{}); err != nil || n != 0 {
		t.Errorf("Purge(zero) = %d, %v; want nothing deleted", n, err)
	}
	n, err := h.Purge(ctx, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(gone) {
		t.Errorf("Purge deleted %d rows, want %d", n, len(gone))
	}
	for id, name := range gone {
		if _, err := h.Get(ctx, id); !errors.Is(err, ErrRecordNotFound) {
			t.Errorf("%s survived the purge (%v)", name, err)
		}
	}
	for id, name := range keep {
		if _, err := h.Get(ctx, id); err != nil {
			t.Errorf("%s was purged: %v", name, err)
		}
	}
	if got := getRecord(t, h, resend.ID); got.ResentFrom != 0 || got.DuplicateOf != 0 || got.URI != "https://x/orig" {
		t.Errorf("row linked to a purged one: %+v; want links cleared, data kept", got)
	}
	if got, err := h.Search(ctx, Query{Text: "old-original"}); err != nil || len(got) != 0 {
		t.Errorf("search still finds a purged row: %v, %v", got, err)
	}
}

func TestHistoryBusyErrorIsPlain(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	// Hold the write lock on one connection, and write from another that does not wait.
	holder, err := h.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer holder.ExecContext(context.Background(), "ROLLBACK") //nolint:errcheck
	impatient := rawDB(t, "file:"+h.Path()+"?_pragma=busy_timeout(0)")
	_, err = impatient.ExecContext(ctx, "INSERT INTO uploads (status, created) VALUES ('done', 1)")
	if err == nil {
		t.Fatal("a second writer got in while the lock was held")
	}
	err = h.dbError("recording a new upload", err)
	if !errors.Is(err, ErrHistoryBusy) || !strings.Contains(err.Error(), "another Redox Uploader") ||
		!strings.Contains(err.Error(), "try again") {
		t.Errorf("busy error = %q; want ErrHistoryBusy in plain words", err)
	}
}

// TestHistoryClaimSend: the claim that takes a row to uploading finds a done row of the same
// source and content (a duplicate), waits on another History's row sending it, and goes ahead
// otherwise: with force, for another source or content, past rows of versions that recorded no
// owner, and once the other row has ended. It never takes a row that is not queued.
func TestHistoryClaimSend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	h := openHistoryAt(t, path)
	other := openHistoryAt(t, path) // another History sharing the file, as another process would
	ctx := t.Context()
	doneHash, busyHash, oldHash, freeHash := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64), strings.Repeat("d", 64)
	done := insertRecord(t, h, Record{Source: "s", SHA256: doneHash, Status: StatusDone, URI: "https://blob.redoxengine.com/done"})
	busy := insertRecord(t, other, Record{Source: "s", Status: StatusQueued})
	if c, err := other.claimSend(ctx, busy.ID, time.Now(), "s", busyHash, 1, false); err != nil || !c.claimed {
		t.Fatalf("the other History's claim: %+v, %v", c, err)
	}
	old := insertRecord(t, h, Record{Source: "s", SHA256: oldHash, Status: StatusQueued})
	execSQL(t, h.db, "UPDATE uploads SET status = 'uploading', owner = '' WHERE id = ?", old.ID) // as an older version left it

	for _, tc := range []struct {
		name         string
		source, hash string
		force        bool
		want         sendClaim
	}{
		{"done already", "s", doneHash, false, sendClaim{found: true}},
		{"being sent by another", "s", busyHash, false, sendClaim{busyID: busy.ID, busyOwner: other.owner.id}},
		{"done, forced", "s", doneHash, true, sendClaim{claimed: true}},
		{"being sent, forced", "s", busyHash, true, sendClaim{claimed: true}},
		{"another source", "t", doneHash, false, sendClaim{claimed: true}},
		{"new content", "s", freeHash, false, sendClaim{claimed: true}},
		{"sent by a version without owners", "s", oldHash, false, sendClaim{claimed: true}},
	} {
		r := insertRecord(t, h, Record{Source: tc.source, Status: StatusQueued})
		c, err := h.claimSend(ctx, r.ID, time.Now(), tc.source, tc.hash, 1, tc.force)
		if err != nil || c.claimed != tc.want.claimed || c.found != tc.want.found || c.busyID != tc.want.busyID ||
			c.busyOwner != tc.want.busyOwner || c.found && c.earlier.ID != done.ID {
			t.Errorf("%s: %+v, %v; want %+v", tc.name, c, err, tc.want)
		}
		want := StatusQueued
		if tc.want.claimed {
			want = StatusUploading
		}
		if got := getRecord(t, h, r.ID); got.Status != want || tc.want.claimed && got.SHA256 != tc.hash {
			t.Errorf("%s: row %s %.8s, want %s", tc.name, got.Status, got.SHA256, want)
		}
	}
	if _, err := h.claimSend(ctx, done.ID, time.Now(), "s", freeHash, 1, true); err == nil || !strings.Contains(err.Error(), "already done") {
		t.Errorf("claiming a done row: %v", err)
	}

	waiter := insertRecord(t, h, Record{Source: "s", Status: StatusQueued})
	ended := make(chan error)
	go func() { ended <- h.waitForSender(ctx, busy.ID, other.owner.id, time.Millisecond) }()
	select {
	case err := <-ended:
		t.Fatalf("stopped waiting while the other row was sending: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	busyDone := getRecord(t, other, busy.ID)
	busyDone.Status, busyDone.URI = StatusDone, "https://blob.redoxengine.com/busy"
	if err := other.Finish(ctx, &busyDone); err != nil {
		t.Fatal(err)
	}
	if err := <-ended; err != nil {
		t.Fatal(err)
	}
	if c, err := h.claimSend(ctx, waiter.ID, time.Now(), "s", busyHash, 1, false); err != nil || !c.found || c.earlier.ID != busy.ID {
		t.Errorf("claim once the other row is done: %+v, %v; want the duplicate of row %d", c, err, busy.ID)
	}
}

// TestHistoryPreparesAQueryOnce: callers asking at once for a statement not yet prepared get
// the one statement the first prepares, on one connection: each preparing its own would take a
// connection of its own (the only one being busy here) and read the whole schema on it.
func TestHistoryPreparesAQueryOnce(t *testing.T) {
	h, err := OpenHistory(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	busy, err := h.db.Conn(t.Context()) // the connection the opening left idle
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	const callers = 8
	const query = "SELECT count(*) FROM uploads WHERE size > ?"
	start := make(chan struct{})
	stmts := make([]*sql.Stmt, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			<-start
			s, err := h.stmt(t.Context(), query)
			if err != nil {
				t.Error(err)
			}
			stmts[i] = s
		})
	}
	close(start)
	wg.Wait()
	for i, s := range stmts {
		if s != stmts[0] {
			t.Fatalf("caller %d got statement %p, caller 0 %p: want the same one", i, s, stmts[0])
		}
	}
	if n := h.db.Stats().OpenConnections; n != 2 {
		t.Errorf("%d connections open after %d callers prepared one query beside a busy one, want 2", n, callers)
	}
}
