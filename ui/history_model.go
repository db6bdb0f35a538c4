package ui

import (
	"cmp"
	"slices"
	"sort"
	"sync"

	"redoxuploader/app"
)

// historyResults is what the history view lists: the rows of one query read so far, a page
// at a time, newest first, with the rows that changed since merged in by the query's own rule
// (app.Query.Matches, the rule the history's Search answers). It knows no widgets and reads
// nothing itself: the view reads each page off the Fyne goroutine and hands it in, and calls
// every method on the Fyne goroutine.
type historyResults struct {
	rows      []app.Record // the rows read so far, newest first (ID descending)
	query     app.Query    // what rows were read with; Limit is the page size
	gen       int          // counts queries; an answer to an older one is dropped
	loading   bool         // a page is being read
	exhausted bool         // the last page was short: every matching row is read
	failed    bool         // reading failed; no more pages until the next query
	held      []app.Record // changes merged while a page was being read, merged again on top of it
}

// start begins query q and returns its generation, which the first page is handed back with
// (setFirstPage). The rows shown stay until that page comes.
func (m *historyResults) start(q app.Query) (gen int) {
	m.gen++
	m.query, m.loading, m.failed, m.held = q, true, false, nil
	return m.gen
}

// setFirstPage takes the first page of query gen, in place of the rows, or the error that
// reading it met. It reports false, and changes nothing, for the answer to an older query.
func (m *historyResults) setFirstPage(gen int, page []app.Record, err error) bool {
	return m.pageArrived(gen, page, err, func() { m.rows = page })
}

// nextPage returns the query for the page after the oldest row and its generation, and marks
// that page as being read; ok is false when no page is due: one is being read, every row is
// read, reading failed, or there are no rows.
func (m *historyResults) nextPage() (q app.Query, gen int, ok bool) {
	if m.loading || m.exhausted || m.failed || len(m.rows) == 0 {
		return app.Query{}, 0, false
	}
	q = m.query
	q.BeforeID = m.rows[len(m.rows)-1].ID
	m.loading = true
	return q, m.gen, true
}

// addPage takes the page nextPage asked for, after the rows, or the error that reading it
// met. It reports false, and changes nothing, for the answer to an older query.
func (m *historyResults) addPage(gen int, page []app.Record, err error) bool {
	return m.pageArrived(gen, page, err, func() {
		for _, r := range page {
			if len(m.rows) == 0 || r.ID < m.rows[len(m.rows)-1].ID {
				m.rows = append(m.rows, r)
			}
		}
	})
}

// pageArrived takes the answer to a page read for query gen: nothing for an older query
// (false); the failure, if reading met one; else the page, put among the rows by take, then
// notes whether it was the last one and merges again the changes held while it was being read
// (it may have been read before they were written).
func (m *historyResults) pageArrived(gen int, page []app.Record, err error, take func()) bool {
	if gen != m.gen {
		return false
	}
	m.loading = false
	if err != nil {
		m.failed = true
		return true
	}
	take()
	m.exhausted = len(page) == 0 || len(page) < m.query.Limit
	held := m.held
	m.held = nil
	m.merge(held)
	return true
}

// merge puts rows that changed into the list: a row shown is replaced, or dropped if it no
// longer matches the query; a new row that matches goes in its place if it falls among the
// rows read so far (an older one comes with its page). While a page is being read the changes
// are also held, to be merged again on top of it. moved says whether rows were added or
// dropped; touched are the indexes of the rows replaced in place.
func (m *historyResults) merge(changes []app.Record) (moved bool, touched []int) {
	if m.loading {
		m.held = append(m.held, changes...)
	}
	latest := make(map[int64]app.Record, len(changes))
	for _, r := range changes {
		latest[r.ID] = r
	}
	var add []app.Record
	drop := map[int64]bool{}
	for id, r := range latest {
		i, shown := m.indexOf(id)
		match := m.query.Matches(r)
		switch {
		case shown && match:
			m.rows[i] = r
			touched = append(touched, i)
		case shown:
			drop[id] = true
		case match && (m.exhausted || (len(m.rows) > 0 && id > m.rows[len(m.rows)-1].ID)):
			add = append(add, r)
		}
	}
	if len(add) == 0 && len(drop) == 0 {
		return false, touched
	}
	slices.SortFunc(add, func(a, b app.Record) int { return cmp.Compare(b.ID, a.ID) })
	merged := make([]app.Record, 0, len(m.rows)+len(add))
	for _, r := range m.rows {
		for len(add) > 0 && add[0].ID > r.ID {
			merged, add = append(merged, add[0]), add[1:]
		}
		if !drop[r.ID] {
			merged = append(merged, r)
		}
	}
	m.rows = append(merged, add...)
	return true, nil
}

// indexOf finds the row with this ID among the rows.
func (m *historyResults) indexOf(id int64) (int, bool) {
	i := sort.Search(len(m.rows), func(i int) bool { return m.rows[i].ID <= id })
	return i, i < len(m.rows) && m.rows[i].ID == id
}

// changedRows gathers the rows that changed, from any goroutine, until the view takes them,
// so that a burst of finished uploads is shown with one refresh.
type changedRows struct {
	mu      sync.Mutex
	pending map[int64]app.Record // the latest change of each row
	due     bool                 // a take is due: add asked for one and it has not run
}

// add keeps r in place of any earlier change of the same row. It reports whether the caller
// must arrange a take: true for the first row after a take.
func (c *changedRows) add(r app.Record) (takeDue bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[int64]app.Record{}
	}
	c.pending[r.ID] = r
	if c.due {
		return false
	}
	c.due = true
	return true
}

// take returns the rows gathered, one change a row in no order, and starts gathering anew.
func (c *changedRows) take() []app.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	rows := make([]app.Record, 0, len(c.pending))
	for _, r := range c.pending {
		rows = append(rows, r)
	}
	c.pending, c.due = nil, false
	return rows
}

// isDue reports whether rows wait for a take.
func (c *changedRows) isDue() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.due
}
