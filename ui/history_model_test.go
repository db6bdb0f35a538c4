package ui

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"redoxuploader/app"
)

// The history view's model, without widgets or a window.

// row is a done history row with this ID and name, created a minute after the one before.
func row(id int64, name string) app.Record {
	return app.Record{ID: id, Name: name, Status: app.StatusDone, Profile: "Radiology",
		Created: time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(id) * time.Minute)}
}

// rowsOf are done rows with these IDs, named "file-<id>.pdf".
func rowsOf(ids ...int64) []app.Record {
	rs := make([]app.Record, len(ids))
	for i, id := range ids {
		rs[i] = row(id, fmt.Sprintf("file-%d.pdf", id))
	}
	return rs
}

func idsOf(rs []app.Record) []int64 {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func TestHistoryResultsPaging(t *testing.T) {
	var m historyResults
	q := app.Query{Text: "file", Limit: 3}
	gen := m.start(q)
	if _, _, ok := m.nextPage(); ok {
		t.Fatal("nextPage asked for a page while the first one is being read")
	}
	if !m.setFirstPage(gen, rowsOf(10, 9, 8), nil) || !slices.Equal(idsOf(m.rows), []int64{10, 9, 8}) || m.exhausted {
		t.Fatalf("after the first page: rows %v, exhausted %v", idsOf(m.rows), m.exhausted)
	}

	// The next page starts after the oldest row, one page at a time.
	next, nextGen, ok := m.nextPage()
	if !ok || nextGen != gen || next.BeforeID != 8 || next.Text != "file" || next.Limit != 3 {
		t.Fatalf("nextPage = %+v, %d, %v; want the query before row 8", next, nextGen, ok)
	}
	if _, _, ok := m.nextPage(); ok {
		t.Fatal("nextPage asked for a second page while one is being read")
	}
	m.addPage(gen, rowsOf(8, 7, 6), nil) // a row already shown is not shown twice
	if !slices.Equal(idsOf(m.rows), []int64{10, 9, 8, 7, 6}) || m.exhausted {
		t.Fatalf("after the second page: rows %v, exhausted %v", idsOf(m.rows), m.exhausted)
	}

	// A short page is the last.
	if next, _, ok = m.nextPage(); !ok || next.BeforeID != 6 {
		t.Fatalf("nextPage = %+v, %v; want the query before row 6", next, ok)
	}
	m.addPage(gen, rowsOf(5), nil)
	if !slices.Equal(idsOf(m.rows), []int64{10, 9, 8, 7, 6, 5}) || !m.exhausted {
		t.Fatalf("after the last page: rows %v, exhausted %v", idsOf(m.rows), m.exhausted)
	}
	if _, _, ok := m.nextPage(); ok {
		t.Fatal("nextPage asked for a page after the last one")
	}

	// The answers to an older query change nothing.
	newer := m.start(app.Query{Limit: 3})
	if m.setFirstPage(gen, rowsOf(4), nil) || m.addPage(gen, rowsOf(3), nil) {
		t.Error("an older query's page was taken")
	}
	if !slices.Equal(idsOf(m.rows), []int64{10, 9, 8, 7, 6, 5}) {
		t.Errorf("an older query's page changed the rows to %v", idsOf(m.rows))
	}

	// A failure stops the paging until the next query.
	if !m.setFirstPage(newer, nil, errors.New("disk gone")) || !m.failed {
		t.Fatal("the failure of the newer query was not taken")
	}
	if _, _, ok := m.nextPage(); ok {
		t.Error("nextPage asked for a page after reading failed")
	}
	again := m.start(app.Query{Limit: 3})
	m.setFirstPage(again, rowsOf(3, 2, 1), nil)
	if _, _, ok := m.nextPage(); !ok || m.failed {
		t.Error("a new query did not start paging again")
	}

	// An empty page ends the paging, whatever the page size.
	m.start(app.Query{})
	m.setFirstPage(m.gen, nil, nil)
	if !m.exhausted {
		t.Error("an empty first page is not the last")
	}
}

func TestHistoryResultsMerge(t *testing.T) {
	mueller := app.Query{Text: "müller", Limit: 3}
	shown := []app.Record{row(5, "Müller a.pdf"), row(3, "müller b.pdf")}
	changedB := row(3, "MÜLLER b.pdf")
	changedB.Status = app.StatusFailed
	lateDone, lateFailed := row(7, "MÜLLER c.pdf"), row(7, "MÜLLER c.pdf")
	lateFailed.Status = app.StatusFailed

	for _, tc := range []struct {
		name      string
		query     app.Query
		exhausted bool // every row is read
		changes   []app.Record
		want      []int64
		moved     bool
		touched   []int
	}{
		{"a new row that matches, in any case, goes on top", mueller, false, []app.Record{row(7, "MÜLLER c.pdf")},
			[]int64{7, 5, 3}, true, nil},
		{"a new row matches by the history's rule (σ, ς and Σ are one letter)", app.Query{Text: "σωκράτης", Limit: 3}, false,
			[]app.Record{row(7, "ΣΩΚΡΆΤΗΣ.pdf")}, []int64{7, 5, 3}, true, nil},
		{"a new row between those read goes in its place", mueller, false, []app.Record{row(4, "MÜLLER c.pdf")},
			[]int64{5, 4, 3}, true, nil},
		{"a new row that does not match stays out", mueller, false, []app.Record{row(7, "Muller c.pdf")},
			[]int64{5, 3}, false, nil},
		{"a new row older than those read comes with its page", mueller, false, []app.Record{row(2, "müller c.pdf")},
			[]int64{5, 3}, false, nil},
		{"... unless every row is read", mueller, true, []app.Record{row(2, "müller c.pdf")},
			[]int64{5, 3, 2}, true, nil},
		{"a changed row that still matches is replaced where it is", mueller, false, []app.Record{changedB},
			[]int64{5, 3}, false, []int{1}},
		{"a changed row that stops matching goes", app.Query{Text: "müller", Statuses: []app.Status{app.StatusDone}, Limit: 3},
			false, []app.Record{changedB}, []int64{5}, true, nil},
		{"the last change of a row counts", app.Query{Statuses: []app.Status{app.StatusDone}, Limit: 3},
			false, []app.Record{lateDone, lateFailed}, []int64{5, 3}, false, nil},
		{"a new row before the date filter stays out", app.Query{Since: row(8, "").Created, Limit: 3},
			true, []app.Record{row(7, "müller c.pdf")}, []int64{5, 3}, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := historyResults{query: tc.query, rows: slices.Clone(shown), exhausted: tc.exhausted}
			moved, touched := m.merge(tc.changes)
			if !slices.Equal(idsOf(m.rows), tc.want) || moved != tc.moved || !slices.Equal(touched, tc.touched) {
				t.Errorf("rows %v, moved %v, touched %v; want %v, %v, %v", idsOf(m.rows), moved, touched, tc.want, tc.moved, tc.touched)
			}
			for _, i := range touched {
				if m.rows[i] != changedB {
					t.Errorf("row %d is %+v, want the change", i, m.rows[i])
				}
			}
		})
	}
}

// TestHistoryResultsHoldsChanges: a change shown while a page is being read is merged again
// on top of the page, which may have been read before the change was written.
func TestHistoryResultsHoldsChanges(t *testing.T) {
	m := historyResults{}
	gen := m.start(app.Query{Statuses: []app.Status{app.StatusDone}, Limit: 3})
	m.setFirstPage(gen, rowsOf(5, 3), nil)

	gen = m.start(m.query) // the filters changed: the rows stay while the new page is read
	failed := row(3, "file-3.pdf")
	failed.Status = app.StatusFailed
	if moved, _ := m.merge([]app.Record{row(7, "file-7.pdf"), failed}); !moved || !slices.Equal(idsOf(m.rows), []int64{7, 5}) {
		t.Fatalf("while loading: rows %v, moved %v", idsOf(m.rows), moved)
	}
	m.setFirstPage(gen, rowsOf(5, 4, 3), nil) // read before row 7 and the failure were written
	if !slices.Equal(idsOf(m.rows), []int64{7, 5, 4}) || len(m.held) != 0 {
		t.Errorf("after the page: rows %v, %d changes held; want [7 5 4], none", idsOf(m.rows), len(m.held))
	}

	// The same on the next page, which brings row 2 as it was before it failed.
	_, gen, _ = m.nextPage()
	failed = row(2, "file-2.pdf")
	failed.Status = app.StatusFailed
	m.merge([]app.Record{failed})
	m.addPage(gen, rowsOf(3, 2, 1), nil)
	if !slices.Equal(idsOf(m.rows), []int64{7, 5, 4, 3, 1}) {
		t.Errorf("after the next page: rows %v; want [7 5 4 3 1]", idsOf(m.rows))
	}
}

func TestChangedRows(t *testing.T) {
	var c changedRows
	first, second := row(1, "a.pdf"), row(2, "b.pdf")
	if !c.add(first) {
		t.Error("the first change does not ask for a take")
	}
	first.Status = app.StatusFailed
	if c.add(second) || c.add(first) || !c.isDue() {
		t.Error("a change while a take is due asks for another")
	}
	got := c.take()
	slices.SortFunc(got, func(a, b app.Record) int { return int(a.ID - b.ID) })
	if len(got) != 2 || got[0] != first || got[1] != second || c.isDue() {
		t.Errorf("take = %+v, due %v; want the last change of rows 1 and 2, none due", got, c.isDue())
	}
	if len(c.take()) != 0 || !c.add(second) {
		t.Error("after a take, rows were left or the next change did not ask for a take")
	}

	// From many goroutines: each row once, one take asked for.
	c = changedRows{}
	var wg sync.WaitGroup
	takes := make(chan bool, 400)
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				takes <- c.add(row(int64(g*100+i), "x.pdf"))
			}
		})
	}
	wg.Wait()
	close(takes)
	asked := 0
	for due := range takes {
		if due {
			asked++
		}
	}
	if n := len(c.take()); n != 400 || asked != 1 {
		t.Errorf("took %d rows after %d asked for a take; want 400 and 1", n, asked)
	}
}
