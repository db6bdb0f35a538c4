package app

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// searchFixture journals rows with awkward names, URIs and hashes, and returns them oldest
// first.
func searchFixture(t *testing.T, h *History) []Record {
	t.Helper()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	names := []string{
		"Report_2025.pdf", "report-final.PDF", `say "hello".txt`, "100%_done.png", "a_b.pdf", "ab.pdf",
		"ÜBER Scan.tiff", "x.wav", "it's.pdf", "Konsent-Formular.pdf", "zz.pdf", `quote"mid.pdf`,
	}
	statuses := []Status{StatusDone, StatusFailed, StatusDone, StatusQueued, StatusDuplicate, StatusDone}
	var out []Record
	for i := range 60 {
		name := names[i%len(names)]
		r := Record{
			Profile: []string{"Radiology", "Cardiology", "Lab"}[i%3],
			Source:  "legacy:k@h",
			Name:    name,
			Path:    "/data/" + name,
			SHA256:  fmt.Sprintf("%x", sha256.Sum256([]byte{byte(i)})),
			Status:  statuses[i%len(statuses)],
			Created: base.Add(time.Duration(i) * 24 * time.Hour),
		}
		if r.Status == StatusDone || r.Status == StatusDuplicate {
			r.URI = fmt.Sprintf("https://blob.redoxengine.com/UPL%04d", i)
		}
		out = append(out, insertRecord(t, h, r))
	}
	return out
}

// matchQuery is what q should select from rows by Query.Matches, newest first, with BeforeID
// applied.
func matchQuery(rows []Record, q Query) []int64 {
	var ids []int64
	for _, r := range rows {
		if q.Matches(r) && (q.BeforeID <= 0 || r.ID < q.BeforeID) {
			ids = append(ids, r.ID)
		}
	}
	slices.Reverse(ids)
	return ids
}

func recordIDs(rs []Record) []int64 {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func TestHistorySearch(t *testing.T) {
	h := openTestHistory(t)
	rows := searchFixture(t, h)
	ctx := t.Context()
	day := func(n int) time.Time { return rows[0].Created.Add(time.Duration(n) * 24 * time.Hour) }

	for _, tc := range []struct {
		name  string
		q     Query
		least int // the reference must find at least this many, so the case tests something
	}{
		{"all", Query{}, 60},
		{"long name substring", Query{Text: "report"}, 10},
		{"case-insensitive", Query{Text: "REPORT_2025"}, 5},
		{"non-ASCII case folding", Query{Text: "über"}, 5},
		{"double quote inside", Query{Text: `"hello"`}, 5},
		{"double quote, short", Query{Text: `"`}, 10},
		{"percent is literal", Query{Text: "100%"}, 5},
		{"percent is literal, short", Query{Text: "%"}, 5},
		{"underscore is literal", Query{Text: "a_b"}, 5},
		{"underscore is literal, short", Query{Text: "_"}, 10},
		{"apostrophe", Query{Text: "it's"}, 5},
		{"two characters", Query{Text: "zz"}, 5},
		{"one character", Query{Text: "Ü"}, 5},
		{"surrounding spaces ignored", Query{Text: "  konsent  "}, 5},
		{"URI substring", Query{Text: "UPL0012"}, 1},
		{"URI host matches many", Query{Text: "redoxengine"}, 30},
		{"hash substring", Query{Text: rows[17].SHA256[20:40]}, 1},
		{"hash upper-case", Query{Text: strings.ToUpper(rows[17].SHA256[5:30])}, 1},
		{"no match", Query{Text: "nothing-like-this"}, 0},
		{"trigrams there, text not", Query{Text: "rep2025"}, 0},
		{"non-ASCII trigrams there, text not", Query{Text: "überscan"}, 0},
		{"status", Query{Statuses: []Status{StatusFailed}}, 10},
		{"statuses", Query{Statuses: []Status{StatusQueued, StatusDuplicate}}, 20},
		{"profile", Query{Profile: "Lab"}, 20},
		{"since", Query{Since: day(50)}, 10},
		{"until", Query{Until: day(10)}, 10},
		{"date range", Query{Since: day(10), Until: day(20)}, 10},
		{"text and filters", Query{Text: "pdf", Statuses: []Status{StatusDone}, Profile: "Radiology", Since: day(5)}, 3},
		{"short text and filters", Query{Text: "b.", Profile: "Cardiology"}, 3},
		{"before id", Query{BeforeID: rows[30].ID}, 30},
		{"before id with text", Query{Text: "pdf", BeforeID: rows[30].ID}, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := matchQuery(rows, tc.q)
			if len(want) < tc.least {
				t.Fatalf("fixture gives only %d rows, the case needs %d", len(want), tc.least)
			}
			got, err := h.Search(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(recordIDs(got), want) {
				t.Errorf("Search ids = %v\nwant %v", recordIDs(got), want)
			}
			n, err := h.Count(ctx, tc.q)
			wantCount := len(matchQuery(rows, Query{Text: tc.q.Text, Statuses: tc.q.Statuses, Profile: tc.q.Profile,
				Since: tc.q.Since, Until: tc.q.Until}))
			if err != nil || n != wantCount {
				t.Errorf("Count = %d, %v; want %d", n, err, wantCount)
			}
		})
	}

	t.Run("unknown status", func(t *testing.T) {
		if _, err := h.Search(ctx, Query{Statuses: []Status{"sent"}}); err == nil {
			t.Error("Search with an unknown status succeeded")
		}
	})
	t.Run("limits", func(t *testing.T) {
		for _, tc := range []struct{ limit, want int }{{0, 60}, {-1, 60}, {7, 7}, {MaxSearchLimit + 1, 60}} {
			got, err := h.Search(ctx, Query{Limit: tc.limit})
			if err != nil || len(got) != tc.want {
				t.Errorf("Limit %d: %d rows, %v; want %d", tc.limit, len(got), err, tc.want)
			}
		}
		if got, err := h.Recent(ctx, 5); err != nil || !slices.Equal(recordIDs(got), matchQuery(rows, Query{})[:5]) {
			t.Errorf("Recent(5) = %v, %v", recordIDs(got), err)
		}
	})
	t.Run("index follows updates", func(t *testing.T) {
		r := insertRecord(t, h, Record{Name: "late.pdf", Status: StatusQueued})
		hash := strings.Repeat("9f", 32)
		if err := h.setHash(ctx, r.ID, hash, 10); err != nil {
			t.Fatal(err)
		}
		r.Status, r.URI = StatusDone, "https://blob.redoxengine.com/FreshURI"
		if err := h.Finish(ctx, &r); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"late.p", "freshuri", "9f9f9f"} {
			got, err := h.Search(ctx, Query{Text: text})
			if err != nil || !slices.Equal(recordIDs(got), []int64{r.ID}) {
				t.Errorf("Search(%q) = %v, %v; want [%d]", text, recordIDs(got), err, r.ID)
			}
		}
	})
}

func TestTrigramMatch(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", ""},
		{"ab", ""},
		{"abc", `"abc"`},
		{"abcd", `"abc" AND "bcd"`},
		{"abcdef", `"abc" AND "def"`},
		{`a"bcdefg`, `"a""b" AND "bcd" AND "efg"`},
		{"0123456789abcdefghij", `"012" AND "567" AND "bcd" AND "hij"`},
		{"MÜLLER", `"mÜl" AND "ler"`}, // the index folds Ü, as the text rule does
		{"Σωκ", `"ΣΩΚ"`},
		{"東京都", `"東京都"`},
		// о and в are in orbits the index does not fold as one (with ᲂ and ᲀ): each is looked up.
		{"нов", `("НОВ" OR "НОв" OR "НОᲀ" OR "НоВ" OR "Нов" OR "Ноᲀ" OR "НᲂВ" OR "Нᲂв" OR "Нᲂᲀ")`},
	} {
		got, ok := trigramMatch(searchText(tc.text))
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("trigramMatch(%q) = %s, %v; want %s", tc.text, got, ok, tc.want)
		}
	}
}

func TestHistoryKeysetPaging(t *testing.T) {
	h := openTestHistory(t)
	rows := searchFixture(t, h)
	for _, tc := range []struct {
		name string
		q    Query
	}{
		{"all", Query{Limit: 7}},
		{"trigram text", Query{Limit: 4, Text: "pdf"}},
		{"short text", Query{Limit: 3, Text: "b."}},
		{"statuses", Query{Limit: 5, Statuses: []Status{StatusDone, StatusFailed}}},
		{"text and profile, one a page", Query{Limit: 1, Profile: "Lab", Text: "redoxengine"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			var got []int64
			for page := 0; ; page++ {
				if page > len(rows) {
					t.Fatal("paging does not end")
				}
				recs, err := h.Search(t.Context(), q)
				if err != nil {
					t.Fatal(err)
				}
				if len(recs) > q.Limit {
					t.Fatalf("page of %d rows, limit %d", len(recs), q.Limit)
				}
				if len(recs) == 0 {
					break
				}
				got = append(got, recordIDs(recs)...)
				q.BeforeID = recs[len(recs)-1].ID
			}
			q.BeforeID = 0
			if want := matchQuery(rows, q); !slices.Equal(got, want) {
				t.Errorf("pages gave %v\nwant each of %v once, newest first", got, want)
			}
		})
	}
}

// queryPlanOf is SQLite's plan for query on h's database, its lines joined by "; ".
func queryPlanOf(t *testing.T, h *History, query string, args ...any) string {
	t.Helper()
	rows, err := h.db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "; ")
}

// TestHistoryQueryPlans checks that the newest-first pages come from indexes without sorting
// the table, and that the duplicate check and the recovery use their indexes. It asks SQLite
// for the plans of the production queries themselves (searchSQL, latestDoneQuery,
// inFlightExistsQuery), never of copies.
func TestHistoryQueryPlans(t *testing.T) {
	h := openTestHistory(t)
	searchFixture(t, h)
	pageSQL := func(q Query) (string, []any) { // exactly what Search runs
		query, args, err := searchSQL(q)
		if err != nil {
			t.Fatal(err)
		}
		return query, args
	}
	since := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		q       Query
		uses    string
		noOrder bool // the rows come out in order: no temp b-tree
	}{
		{"recent page", Query{}, "SCAN u", true},
		{"next page", Query{BeforeID: 30}, "SEARCH u USING INTEGER PRIMARY KEY (rowid<?)", true},
		{"status", Query{Statuses: []Status{StatusFailed}}, "SEARCH u USING INDEX uploads_status (status=?)", true},
		{"profile", Query{Profile: "Lab"}, "SEARCH u USING INDEX uploads_profile (profile=?)", true},
		// Several statuses sort, but only the index entries: 1.7 ms a page over 100,000 rows.
		{"two statuses", Query{Statuses: []Status{StatusFailed, StatusDone}}, "SEARCH u USING INDEX uploads_status (status=?)", false},
		// Recent rows first, down to the lowest id created since (sinceFloorSQL, which reads the
		// created index): a "Today" with less than a page reads today's rows, not the history.
		{"since", Query{Since: since}, "SEARCH u USING INTEGER PRIMARY KEY (rowid>?)", true},
		{"since, its floor", Query{Since: since}, "SEARCH uploads USING COVERING INDEX uploads_created (created>?)", true},
		{"status since", Query{Statuses: []Status{StatusFailed}, Since: since}, "SEARCH u USING INDEX uploads_status (status=? AND rowid>?)", true},
	} {
		query, args := pageSQL(tc.q)
		got := queryPlanOf(t, h, query, args...)
		if !strings.Contains(got, tc.uses) || tc.noOrder && strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan %q; want it to use %q without sorting", tc.name, got, tc.uses)
		}
	}
	// A count since a date counts the created index's range, without the floor a page uses,
	// which made a count of 100,000 rows about 4 times slower.
	p, err := planQuery(Query{Since: since}, false)
	if err != nil {
		t.Fatal(err)
	}
	countQuery, countArgs := p.countSQL()
	if got := queryPlanOf(t, h, countQuery, countArgs...); got != "SEARCH u USING COVERING INDEX uploads_created (created>?)" {
		t.Errorf("count since: plan %q; want the created index's range alone", got)
	}
	// Text merges the final rows, from the trigram index newest first without sorting, with the
	// rows in flight, from uploads_status (sorting those few only).
	for _, tc := range []struct {
		name string
		q    Query
	}{
		{"text", Query{Text: "report"}},
		{"text, next page", Query{Text: "report", BeforeID: 30}},
		{"text and status", Query{Text: "report", Statuses: []Status{StatusDone}}},
	} {
		query, args := pageSQL(tc.q)
		got := queryPlanOf(t, h, query, args...)
		indexed, inFlight, merged := strings.Cut(got, "; RIGHT; ")
		if !merged || !strings.HasPrefix(indexed, "MERGE (UNION ALL)") || !strings.Contains(indexed, "VIRTUAL TABLE INDEX") ||
			strings.Contains(indexed, "TEMP B-TREE") || !strings.Contains(inFlight, "SEARCH u USING INDEX uploads_status (status=?") {
			t.Errorf("%s: plan %q; want the index read without sorting merged with uploads_status", tc.name, got)
		}
	}
	// A SEARCH with the indexed columns named: a SCAN of the same index would name it too.
	if got := queryPlanOf(t, h, latestDoneQuery, "s", "h"); !strings.Contains(got, "SEARCH u USING INDEX uploads_duplicate_check (source=? AND sha256=?") ||
		strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("duplicate check plan %q; want a search of uploads_duplicate_check without sorting", got)
	}
	if got := queryPlanOf(t, h, inFlightExistsQuery); !strings.Contains(got, "SEARCH uploads USING COVERING INDEX uploads_status (status=?)") {
		t.Errorf("recovery check plan %q; want a search of uploads_status by status", got)
	}
}

// TestHistorySinceFloorKeepsEveryRowSince: a search or count with Query.Since gives every row
// created since, though ids need not follow the creation times (a clock set back, two
// processes queuing at once): the lowest id created since floors the scan (sinceFloorSQL),
// not the id of the earliest created. With at least sinceFloorSmall rows since, there is no
// floor. Each result is checked against Query.Matches over every row, for a span with less
// than a page and one without, for text from the trigram index, text too short for it, a
// status, rows waiting for the index and a row in flight, and in pages of one.
func TestHistorySinceFloorKeepsEveryRowSince(t *testing.T) {
	h := openTestHistory(t)
	ctx := t.Context()
	since := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	at := func(hours int) time.Time { return since.Add(time.Duration(hours) * time.Hour) }
	var rows []Record
	for i, r := range []Record{
		{Name: "report-old.pdf", Status: StatusDone, Created: at(-30)},
		{Name: "report-late-clock.pdf", Status: StatusDone, Created: at(3)}, // the lowest id since, created last
		{Name: "report-before.pdf", Status: StatusFailed, Created: at(-1)},  // created before, between ids since
		{Name: "scan-a.pdf", Status: StatusDone, Created: at(1)},            // created first since
		{Name: "report-b.pdf", Status: StatusCancelled, Created: at(2)},
	} {
		r.Profile, r.Source = "Lab", "s"
		r.SHA256 = fmt.Sprintf("%064x", i+1)
		rows = append(rows, insertRecord(t, h, r))
	}
	if err := h.IndexWaiting(ctx); err != nil { // the first ones from the index, the next waiting for it
		t.Fatal(err)
	}
	for _, r := range []Record{
		{Name: "report-waiting.pdf", Status: StatusDone, Created: at(4)},
		{Name: "report-sending.pdf", Status: StatusUploading, Created: at(-2)},
		{Name: "report-queued.pdf", Status: StatusQueued, Created: at(5)},
	} {
		r.Profile, r.Source = "Lab", "s"
		rows = append(rows, insertRecord(t, h, r))
	}

	old := sinceFloorSmall
	t.Cleanup(func() { sinceFloorSmall = old })
	for _, small := range []int{100, 2} { // the rows since (5) fewer than sinceFloorSmall, then not
		sinceFloorSmall = small
		for _, q := range []Query{
			{Since: since},
			{Since: since, Text: "report"},
			{Since: since, Text: "re"},
			{Since: since, Statuses: []Status{StatusDone, StatusCancelled}},
			{Since: since.Add(24 * time.Hour)}, // none since
		} {
			var want []int64
			for i := len(rows) - 1; i >= 0; i-- {
				if q.Matches(rows[i]) {
					want = append(want, rows[i].ID)
				}
			}
			for _, limit := range []int{1, MaxSearchLimit} {
				if got := searchAll(t, h, q, limit); !slices.Equal(got, want) {
					t.Errorf("%d rows for the floor, %+v, %d a page: %v, want %v", small, q, limit, got, want)
				}
			}
			if n, err := h.Count(ctx, q); err != nil || n != len(want) {
				t.Errorf("%d rows for the floor, Count(%+v) = %d, %v; want %d", small, q, n, err, len(want))
			}
		}
	}
}
