package app

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const benchRows = 100_000

// benchHistory builds a history of n rows in dir with one bulk transaction (the triggers fill
// the trigram index as they would row by row) and returns its path and rows.
func benchHistory(b *testing.B, n int) (string, []Record) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "history.db")
	h, err := OpenHistory(path)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	rows := syntheticRows(n)
	insertRows(b, h.db, rows)
	return path, rows
}

// syntheticRows are n final rows, oldest first, that look like a clinic's year of uploads:
// names of a few words and numbers, most done with a URI, some failed, duplicate or
// cancelled. They have no IDs yet.
func syntheticRows(n int) []Record {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"report", "consent", "scan", "ecg", "discharge", "referral", "lab-result", "x-ray", "audio"}
	exts := []string{".pdf", ".PDF", ".jpg", ".png", ".tiff", ".wav"}
	statuses := []Status{StatusDone, StatusDone, StatusDone, StatusDone, StatusDone, StatusDone, StatusDone,
		StatusFailed, StatusDuplicate, StatusCancelled}
	start := time.Now().Add(-365 * 24 * time.Hour)
	rows := make([]Record, n)
	for i := range rows {
		name := fmt.Sprintf("%s-%06d-%04x%s", words[rng.IntN(len(words))], rng.IntN(1_000_000), rng.IntN(1<<16),
			exts[rng.IntN(len(exts))])
		r := Record{
			Profile: []string{"Radiology", "Cardiology", "Lab", "Front desk"}[rng.IntN(4)],
			Source:  "legacy:KEY@api.redoxengine.com", Environment: "Production",
			Path: "/home/clinic/scans/" + name, Name: name, Size: rng.Int64N(10 << 20),
			SHA256:  fmt.Sprintf("%x", sha256.Sum256(fmt.Appendf(nil, "file %d", i))),
			MIME:    "application/pdf",
			Status:  statuses[rng.IntN(len(statuses))],
			Created: start.Add(time.Duration(i) * 300 * time.Second),
		}
		if r.Status == StatusDone || r.Status == StatusDuplicate {
			r.URI = fmt.Sprintf("https://blob.redoxengine.com/%016x%016x", rng.Uint64(), rng.Uint64())
		}
		if r.Status.Final() {
			r.Finished = r.Created.Add(time.Second)
		}
		rows[i] = r
	}
	return rows
}

// insertRows inserts rows into the uploads table of db in one transaction, in order, setting
// their IDs; the schema's triggers run as for any insert.
func insertRows(tb testing.TB, db *sql.DB, rows []Record) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO uploads (profile, source, environment, path, name, size,
		sha256, mime, status, uri, created, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		tb.Fatal(err)
	}
	defer stmt.Close()
	for i := range rows {
		r := &rows[i]
		res, err := stmt.ExecContext(ctx, r.Profile, r.Source, r.Environment, r.Path, r.Name, r.Size, r.SHA256,
			r.MIME, r.Status, r.URI, unixNanos(r.Created), timeToDB(r.Finished))
		if err != nil {
			tb.Fatal(err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// reportSize reports the size of the database file in MiB.
func reportSize(b *testing.B, path string) {
	if fi, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "MiB-db")
	}
}

// BenchmarkHistoryOpen100k: open a 100,000-row history, recover, read the first page, close.
func BenchmarkHistoryOpen100k(b *testing.B) {
	path, _ := benchHistory(b, benchRows)
	for b.Loop() {
		h, err := OpenHistory(path)
		if err != nil {
			b.Fatal(err)
		}
		page, err := h.Recent(b.Context(), 100)
		if err != nil || len(page) != 100 {
			b.Fatalf("Recent: %d rows, %v", len(page), err)
		}
		if err := h.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, path) // after the loop, which clears metrics reported before it
}

// BenchmarkHistorySearch100k: one substring search a op over 100,000 rows, page of 100.
// name, uri and hash are the goal; the other cases show the fallbacks and filters, and
// like-scan is the LIKE '%x%' scan the trigram index replaces.
func BenchmarkHistorySearch100k(b *testing.B) {
	path, rows := benchHistory(b, benchRows)
	h, err := OpenHistory(path)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	ctx := b.Context()
	pick := func(i int) Record { return rows[(i*7919)%len(rows)] }
	uriRow := func(i int) Record {
		for r := pick(i); ; i++ {
			if r = pick(i); r.URI != "" {
				return r
			}
		}
	}
	old := rows[len(rows)/10].Created
	lastHour := rows[len(rows)-1].Created.Add(-time.Hour) // 13 rows: a "Today" with less than a page

	type searchCase struct {
		name  string
		query func(i int) Query
		least int
	}
	run := func(tc searchCase) {
		b.Run(tc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				got, err := h.Search(ctx, tc.query(i))
				if err != nil || len(got) < tc.least {
					b.Fatalf("%+v: %d rows, %v", tc.query(i), len(got), err)
				}
				i++
			}
		})
	}
	for _, tc := range []searchCase{
		{"name", func(i int) Query { r := pick(i); return Query{Text: r.Name[len(r.Name)-14:], Limit: 100} }, 1},
		{"uri", func(i int) Query { r := uriRow(i); return Query{Text: r.URI[30:44], Limit: 100} }, 1},
		{"hash", func(i int) Query { r := pick(i); return Query{Text: r.SHA256[10:30], Limit: 100} }, 1},
		{"common-text", func(int) Query { return Query{Text: "report", Limit: 100} }, 100},
		{"rare-text-and-status", func(int) Query {
			return Query{Text: "x-ray", Statuses: []Status{StatusCancelled}, Profile: "Lab", Limit: 100}
		}, 100},
		{"two-chars", func(int) Query { return Query{Text: "ay", Limit: 100} }, 100},
		{"status-failed", func(int) Query { return Query{Statuses: []Status{StatusFailed}, Limit: 100} }, 100},
		{"status-done-or-failed", func(int) Query {
			return Query{Statuses: []Status{StatusDone, StatusFailed}, Limit: 100}
		}, 100},
		{"until-oldest-tenth", func(int) Query { return Query{Until: old, Limit: 100} }, 100},
		{"since-last-hour", func(int) Query { return Query{Since: lastHour, Limit: 100} }, 13},
		{"since-last-hour-text", func(int) Query { return Query{Since: lastHour, Text: "report", Limit: 100} }, 1},
		{"since-last-hour-failed", func(int) Query {
			return Query{Since: lastHour, Statuses: []Status{StatusFailed}, Limit: 100}
		}, 1},
		{"since-last-30-days", func(int) Query { return Query{Since: lastHour.AddDate(0, 0, -30), Limit: 100} }, 100},
	} {
		run(tc)
	}

	b.Run("like-scan", func(b *testing.B) {
		i := 0
		for b.Loop() {
			text := "%" + pick(i).SHA256[10:30] + "%"
			rs, err := h.db.QueryContext(ctx, "SELECT "+recordColumns+` FROM uploads AS u
				WHERE u.name LIKE ? OR u.uri LIKE ? OR u.sha256 LIKE ? ORDER BY u.id DESC LIMIT 100`, text, text, text)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rs.Next() {
				n++
			}
			if err := rs.Close(); err != nil || n != 1 {
				b.Fatalf("like scan: %d rows, %v", n, err)
			}
			i++
		}
	})

	// A batch of 200 files in flight: rows the trigram index does not hold, which a text search
	// reads through uploads_status and merges.
	batch := make([]*Record, 200)
	for i := range batch {
		batch[i] = &Record{Profile: "Lab", Source: "legacy:KEY@api.redoxengine.com", Name: fmt.Sprintf("report-batch-%03d.pdf", i),
			Status: StatusQueued}
	}
	if err := h.InsertBatch(ctx, batch); err != nil {
		b.Fatal(err)
	}
	run(searchCase{"name-200-in-flight", func(i int) Query { r := pick(i); return Query{Text: r.Name[len(r.Name)-14:], Limit: 100} }, 1})
	run(searchCase{"common-text-200-in-flight", func(int) Query { return Query{Text: "report", Limit: 100} }, 100})

	// The same batch done, its rows waiting for the index (the most a History lets wait is
	// indexWaitingEvery): read through uploads_unindexed and merged.
	for _, r := range batch {
		if err := h.Finish(ctx, &Record{ID: r.ID, Status: StatusDone, URI: "https://blob.redoxengine.com/batch"}); err != nil {
			b.Fatal(err)
		}
	}
	run(searchCase{"name-200-waiting", func(i int) Query { r := pick(i); return Query{Text: r.Name[len(r.Name)-14:], Limit: 100} }, 1})
	run(searchCase{"common-text-200-waiting", func(int) Query { return Query{Text: "report", Limit: 100} }, 100})
}

// BenchmarkHistoryInsert: one journaled row a op, each its own committed transaction.
func BenchmarkHistoryInsert(b *testing.B) {
	h, err := OpenHistory(filepath.Join(b.TempDir(), "history.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	ctx := b.Context()
	i := 0
	for b.Loop() {
		r := Record{Profile: "Radiology", Source: "legacy:KEY@api.redoxengine.com", Environment: "Production",
			Path: fmt.Sprintf("/home/clinic/scans/scan-%06d.pdf", i), Name: fmt.Sprintf("scan-%06d.pdf", i),
			Size: 123456, SHA256: fmt.Sprintf("%064x", i), MIME: "application/pdf", Status: StatusDone,
			URI: fmt.Sprintf("https://blob.redoxengine.com/%032x", i)}
		if err := h.Insert(ctx, &r); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkHistoryMigrate100k: the migration a history of 100,000 rows made with schema 3 (200
// of them in flight) needs at the first start after the update to the current schema, on a
// fresh copy each op. It is the time the migrations take, without opening the file.
func BenchmarkHistoryMigrate100k(b *testing.B) {
	dir := b.TempDir()
	template := filepath.Join(dir, "template.db")
	rows := syntheticRows(benchRows)
	withRowsInFlight(rows, 500)
	db := oldHistory(b, template, indexedFinalOnly-1, rows)
	if _, err := db.ExecContext(b.Context(), "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(template)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		path := filepath.Join(dir, fmt.Sprintf("history-%d.db", i))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
		db, err := sql.Open("sqlite", historyDSN(path))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		migrateHistory(b, db, path)
		b.StopTimer()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			os.Remove(f)
		}
		b.StartTimer()
	}
	reportSize(b, template)
}

// BenchmarkHistoryLoneUpload: the journal's whole part in a command that sends one file with
// --force (scripts/bench.sh case A), on a history that already has a few rows: open, insert the
// queued row, claim it unhashed, write its outcome, close. The transfer is left out.
func BenchmarkHistoryLoneUpload(b *testing.B) {
	path := filepath.Join(b.TempDir(), "history.db")
	h, err := OpenHistory(path)
	if err != nil {
		b.Fatal(err)
	}
	insertRows(b, h.db, syntheticRows(100))
	if err := h.Close(); err != nil {
		b.Fatal(err)
	}
	const size = 10 << 20
	i := 0
	for b.Loop() {
		h, err := OpenHistory(path)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		r := Record{Profile: "Command line", Source: "token@127.0.0.1", Path: fmt.Sprintf("/tmp/scan-%06d.tiff", i),
			Name: fmt.Sprintf("scan-%06d.tiff", i), Size: size, MIME: "image/tiff", Status: StatusQueued}
		if err := h.InsertBatch(ctx, []*Record{&r}); err != nil {
			b.Fatal(err)
		}
		if ok, err := h.claimUnhashed(ctx, r.ID, time.Now(), r.Source, size, true); err != nil || !ok {
			b.Fatalf("claim: %v, %v", ok, err)
		}
		r.Status, r.URI, r.SHA256 = StatusDone, fmt.Sprintf("http://127.0.0.1/%032x", i), fmt.Sprintf("%064x", i)
		if err := h.Finish(ctx, &r); err != nil {
			b.Fatal(err)
		}
		if err := h.Close(); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkHistorySendCycle: the two writes the queue journals for each file it sends with
// --force in a batch (scripts/bench.sh case B), on an open history: the claim, unhashed, and
// the done outcome with the hash and URI. One op is one file; the rows are inserted
// beforehand, 200 at a time, as Submit does, outside the timing.
func BenchmarkHistorySendCycle(b *testing.B) {
	h, err := OpenHistory(filepath.Join(b.TempDir(), "history.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	ctx := context.Background()
	var queued []*Record
	next := func(i int) *Record {
		if len(queued) == 0 {
			b.StopTimer()
			queued = make([]*Record, 200)
			for k := range queued {
				n := i + k
				queued[k] = &Record{Profile: "Command line", Source: "token@127.0.0.1", Path: fmt.Sprintf("/tmp/page-%06d.pdf", n),
					Name: fmt.Sprintf("page-%06d.pdf", n), Size: 100 << 10, MIME: "application/pdf", Status: StatusQueued}
			}
			if err := h.InsertBatch(ctx, queued); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		r := queued[0]
		queued = queued[1:]
		return r
	}
	i := 0
	for b.Loop() {
		r := next(i)
		if ok, err := h.claimUnhashed(ctx, r.ID, time.Now(), r.Source, r.Size, true); err != nil || !ok {
			b.Fatalf("claim: %v, %v", ok, err)
		}
		r.Status, r.URI, r.SHA256 = StatusDone, fmt.Sprintf("http://127.0.0.1/%032x", i), fmt.Sprintf("%064x", i)
		if err := h.Finish(ctx, r); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
