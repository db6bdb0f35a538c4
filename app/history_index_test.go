package app

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// indexedFinalOnly is the schema version from which the trigram index holds the final rows only.
const indexedFinalOnly = 4

// oldHistory makes, at path, a history of schema version (2 or more, before the current one)
// in WAL mode holding rows (their IDs set), and returns its connection, open. The rows are
// inserted with schema 1 and the later migrations index them in bulk, which is many times
// faster than the triggers row by row and gives the same index.
func oldHistory(tb testing.TB, path string, version int, rows []Record) *sql.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", historyDSN(path))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
		tb.Fatal(err)
	}
	for v, m := range historyMigrations[:version] {
		if _, err := db.ExecContext(ctx, m); err != nil {
			tb.Fatal(err)
		}
		if v == 0 {
			insertRows(tb, db, rows)
		}
	}
	if _, err := db.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version)); err != nil {
		tb.Fatal(err)
	}
	return db
}

// withRowsInFlight makes every every-th row of rows queued or uploading (in turn), as rows of a
// batch being sent when the history was last written, and returns their indexes.
func withRowsInFlight(rows []Record, every int) []int {
	var inFlight []int
	for i := every / 2; i < len(rows); i += every {
		r := &rows[i]
		r.Status, r.URI, r.Finished = StatusQueued, "", time.Time{}
		if len(inFlight)%2 == 1 {
			r.Status = StatusUploading
		}
		inFlight = append(inFlight, i)
	}
	return inFlight
}

// migrateHistory runs the migrations the history of db still needs, as OpenHistory does, and
// returns how long they took.
func migrateHistory(tb testing.TB, db *sql.DB, path string) time.Duration {
	tb.Helper()
	h := &History{db: db, path: path, writer: make(chan struct{}, 1)}
	start := time.Now()
	for {
		version, err := h.migrateOnce(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if version == len(historyMigrations) {
			return time.Since(start)
		}
	}
}

// checkIndexHoldsFinalRows fails the test unless the trigram index holds exactly the final
// rows of db not waiting for it (uploads_unindexed), each with its current name, URI and hash:
// FTS5's integrity check compares the index with its content table, here with the rows in
// flight and the waiting ones deleted in a transaction that is then rolled back.
func checkIndexHoldsFinalRows(tb testing.TB, db *sql.DB) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // the point: nothing of this is kept
	if _, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE status IN ('queued', 'uploading')
		OR id IN (SELECT id FROM uploads_unindexed)`); err != nil {
		tb.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO uploads_fts (uploads_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		tb.Errorf("the trigram index does not hold exactly the final rows: %v", err)
	}
}

// TestHistoryMigrationIndexesFinalRowsOnly migrates a history of 100,000 rows made with schema
// 3 (every row in the trigram index, 200 of them in flight) to the current schema. The index
// then holds exactly the final rows, with their values; every row is still found by name, URI
// and hash as before (those in flight without the index); and opening the history as the app
// does recovers the rows in flight, which enter the index then. BenchmarkHistoryMigrate100k
// times the migration.
//
// Under the race detector the history has 2,000 rows (40 in flight): there SQLite runs about
// forty times slower, and 100,000 rows took six minutes. The migration is SQL alone; the race
// detector has nothing of it to check.
func TestHistoryMigrationIndexesFinalRowsOnly(t *testing.T) {
	rowCount, inFlightEvery := 100_000, 500
	if raceDetector {
		rowCount, inFlightEvery = 2_000, 50
	}
	path := filepath.Join(t.TempDir(), "history.db")
	rows := syntheticRows(rowCount)
	inFlight := withRowsInFlight(rows, inFlightEvery)
	db := oldHistory(t, path, indexedFinalOnly-1, rows)

	took := migrateHistory(t, db, path)
	t.Logf("migrating %d rows (%d in flight) to schema %d took %v", rowCount, len(inFlight), len(historyMigrations), took)
	checkIndexHoldsFinalRows(t, db)

	// Searched as before: every row in flight by a part of its hash (in no other row), and a
	// sample of the others by a part of their name, URI or hash, each giving the rows the text
	// rule selects.
	h := &History{db: db, path: path}
	for _, i := range inFlight {
		if got := recordIDs(searchPage(t, h, Query{Text: rows[i].SHA256[20:40]})); !slices.Equal(got, []int64{rows[i].ID}) {
			t.Errorf("row %d, %s, after migrating: found %v", rows[i].ID, rows[i].Status, got)
		}
	}
	lowered := make([]string, len(rows))
	for i, r := range rows {
		lowered[i] = strings.ToLower(r.Name + "\x00" + r.URI + "\x00" + r.SHA256) // the data is ASCII
	}
	var texts []string
	for i := 7; i < len(rows); i += len(rows) / 20 {
		r := rows[i]
		texts = append(texts, r.Name[len(r.Name)-14:], r.SHA256[5:25])
		if r.URI != "" {
			texts = append(texts, r.URI[30:44])
		}
	}
	texts = append(texts, "x-ray-00") // many rows, some of them in flight
	for _, text := range texts {
		var want []int64
		for i := len(rows) - 1; i >= 0; i-- {
			if strings.Contains(lowered[i], strings.ToLower(text)) {
				want = append(want, rows[i].ID)
			}
		}
		got := recordIDs(searchPage(t, h, Query{Text: text, Limit: MaxSearchLimit}))
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("Search(%q) after migrating = %v, want %v", text, got, want)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// The app's first start after the update: the rows left in flight are recovered, which
	// makes them final, and indexed.
	opened := openHistoryAt(t, path)
	if got, want := opened.Recovered(), (Recovery{Interrupted: len(inFlight) / 2, Unknown: len(inFlight) / 2}); got != want {
		t.Errorf("Recovered() = %+v, want %+v", got, want)
	}
	for _, i := range inFlight {
		if got := recordIDs(searchPage(t, opened, Query{Text: rows[i].SHA256[20:40]})); !slices.Equal(got, []int64{rows[i].ID}) {
			t.Errorf("row %d, recovered: found %v", rows[i].ID, got)
		}
	}
}

// searchPage is one page of h.Search(q), failing the test on an error.
func searchPage(t *testing.T, h *History, q Query) []Record {
	t.Helper()
	recs, err := h.Search(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestHistoryIndexFollowsRowsThroughTheirLife: a row is found by its name, hash and URI at
// every step of its life, though the trigram index takes it in only once it is final; the
// index holds exactly the final rows, with their values, after each step: queued, uploading
// with its hash, done with a URI, an outcome saved late into a row recovered as unknown (its
// URI changes), a late outcome of the same values, and a purge.
func TestHistoryIndexFollowsRowsThroughTheirLife(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	old := insertRecord(t, h, Record{Name: "Befund Müller alt.pdf", Status: StatusDone, URI: "https://blob.redoxengine.com/old-one",
		Created: time.Now().Add(-48 * time.Hour)})
	failed := insertRecord(t, h, Record{Name: "Befund Müller leer.pdf", Status: StatusFailed, ErrorMessage: "empty"})
	r := insertRecord(t, h, Record{Name: "Befund Müller neu.pdf", Status: StatusQueued})
	hash := strings.Repeat("5e", 32)
	finds := func(step, text string, want ...int64) {
		t.Helper()
		checkIndexHoldsFinalRows(t, h.db)
		for _, limit := range []int{1, MaxSearchLimit} { // a page of one merges the two lists too
			if got := searchAll(t, h, Query{Text: text}, limit); !slices.Equal(got, want) {
				t.Errorf("%s: Search(%q), %d a page = %v, want %v", step, text, limit, got, want)
			}
		}
		if n, err := h.Count(ctx, Query{Text: text}); err != nil || n != len(want) {
			t.Errorf("%s: Count(%q) = %d, %v; want %d", step, text, n, err, len(want))
		}
	}

	finds("queued", "befund müller", r.ID, failed.ID, old.ID)
	finds("queued, by a status", "müller neu", r.ID)
	if err := h.markUploadingHashed(ctx, r.ID, time.Now(), hash, 10); err != nil {
		t.Fatal(err)
	}
	finds("uploading", "5e5e5e", r.ID)
	finds("uploading, with the final rows", "befund", r.ID, failed.ID, old.ID)

	if err := h.Finish(ctx, &Record{ID: r.ID, Status: StatusDone, URI: "https://blob.redoxengine.com/new-one"}); err != nil {
		t.Fatal(err)
	}
	finds("done", "new-one", r.ID)
	finds("done, by its hash", "5E5E5E", r.ID)
	indexWaiting(t, h, 3) // the two inserted final and the one done
	finds("done, indexed", "new-one", r.ID)

	// A row left uploading by a session that ended is recovered as unknown (final: indexed
	// without a URI); its outcome, saved late, gives it one.
	inTx := func(write func(tx *sql.Tx) error) {
		t.Helper()
		tx, err := h.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
		if err := write(tx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	recoverInFlight := func(tx *sql.Tx) error { _, err := markInFlight(ctx, tx, "", recoveredDetail); return err }
	saveLate := func(id int64, uri string) func(tx *sql.Tx) error {
		return func(tx *sql.Tx) error {
			outcome := Record{ID: id, Status: StatusDone, URI: uri, Finished: time.Now()}
			if saved, err := finishLate(ctx, tx, &outcome); err != nil || !saved {
				return fmt.Errorf("finishLate = %v, %v", saved, err)
			}
			return nil
		}
	}
	late := insertRecord(t, h, Record{Name: "Röntgen spät.pdf", Status: StatusUploading})
	inTx(recoverInFlight)
	finds("recovered as unknown", "röntgen", late.ID)
	indexWaiting(t, h, 1)
	finds("recovered as unknown, indexed", "röntgen", late.ID)
	inTx(saveLate(late.ID, "https://blob.redoxengine.com/late-one"))
	finds("saved late", "late-one", late.ID) // taken out of the index, waiting again with its URI
	finds("saved late, by its name", "röntgen", late.ID)

	// The same for a row still waiting for the index when its outcome is saved late.
	later := insertRecord(t, h, Record{Name: "Röntgen später.pdf", Status: StatusUploading})
	inTx(recoverInFlight)
	inTx(saveLate(later.ID, "https://blob.redoxengine.com/later-one"))
	finds("saved late while waiting", "later-one", later.ID)
	finds("saved late while waiting, by its name", "röntgen", later.ID, late.ID)

	waiting := insertRecord(t, h, Record{Name: "Befund Müller ganz alt.pdf", Status: StatusDone,
		Created: time.Now().Add(-72 * time.Hour)})
	finds("waiting, before the purge", "befund müller", waiting.ID, r.ID, failed.ID, old.ID)

	if n, err := h.Purge(ctx, time.Now().Add(-24*time.Hour)); err != nil || n != 2 {
		t.Fatalf("Purge = %d, %v; want the two old rows", n, err)
	}
	finds("purged", "befund müller", r.ID, failed.ID) // an indexed row and a waiting one deleted
	indexWaiting(t, h, 2)                             // the two saved late
	finds("all indexed", "befund müller", r.ID, failed.ID)
	finds("all indexed, saved late", "late-one", late.ID)
}

// indexWaiting runs h.IndexWaiting and fails the test unless want rows were waiting and none
// is left.
func indexWaiting(t *testing.T, h *History, want int) {
	t.Helper()
	if n := countWaiting(t, h.db); n != want {
		t.Errorf("%d rows wait for the index, want %d", n, want)
	}
	if err := h.IndexWaiting(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := countWaiting(t, h.db); n != 0 {
		t.Errorf("IndexWaiting left %d rows waiting", n)
	}
}

// countWaiting counts the final rows waiting for the trigram index.
func countWaiting(tb testing.TB, db *sql.DB) int {
	tb.Helper()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM uploads_unindexed").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestHistoryIndexesWaitingRows: the final rows wait for the trigram index until a History
// has journaled indexWaitingEvery outcomes, or, once indexWaitingMin rows wait, until a
// History closes or opens (rows left by one that ended without closing, or too few to index).
func TestHistoryIndexesWaitingRows(t *testing.T) {
	t.Run("after indexWaitingEvery outcomes", func(t *testing.T) {
		h := openTestHistory(t)
		var rows []Record
		for i := range 3 {
			rows = append(rows, insertRecord(t, h, Record{Name: fmt.Sprintf("scan-%d.pdf", i), Status: StatusQueued}))
		}
		h.sinceIndexed.Store(indexWaitingEvery - 2)
		for i, r := range rows {
			if err := h.Finish(t.Context(), &Record{ID: r.ID, Status: StatusDone, URI: "https://blob.redoxengine.com/x"}); err != nil {
				t.Fatal(err)
			}
			if n, want := countWaiting(t, h.db), []int{1, 0, 1}[i]; n != want {
				t.Errorf("after outcome %d: %d rows waiting, want %d", i+1, n, want)
			}
		}
	})
	t.Run("when a History closes, and opens, once indexWaitingMin wait", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "history.db")
		h, err := OpenHistory(path)
		if err != nil {
			t.Fatal(err)
		}
		insertRecord(t, h, Record{Name: "closed.pdf", Status: StatusDone})
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		db := rawDB(t, path)
		if n := countWaiting(t, db); n != 1 {
			t.Errorf("one row, after Close: %d rows waiting, want 1 (fewer than %d wait)", n, indexWaitingMin)
		}
		waitAfterOpen := func(want int) {
			t.Helper()
			h, err := OpenHistory(path)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			if n := countWaiting(t, h.db); n != want {
				t.Errorf("after OpenHistory: %d rows waiting, want %d", n, want)
			}
			checkIndexHoldsFinalRows(t, h.db)
		}
		insertRaw := func(rows int) { // as a History that ended without closing leaves them
			t.Helper()
			for range rows {
				if _, err := db.Exec(`INSERT INTO uploads (profile, name, path, status, created) VALUES ('p', 'left.pdf', '/x', 'done', 1)`); err != nil {
					t.Fatal(err)
				}
			}
		}
		insertRaw(indexWaitingMin - 2)
		waitAfterOpen(indexWaitingMin - 1) // and its Close leaves them too
		insertRaw(1)
		waitAfterOpen(0)

		if h, err = OpenHistory(path); err != nil {
			t.Fatal(err)
		}
		for range indexWaitingMin {
			insertRecord(t, h, Record{Name: "closed.pdf", Status: StatusDone})
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		if n := countWaiting(t, db); n != 0 {
			t.Errorf("%d rows, after Close: %d rows waiting, want 0", indexWaitingMin, n)
		}
		checkIndexHoldsFinalRows(t, db)
	})
}
