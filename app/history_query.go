package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Page sizes for Search.
const (
	DefaultSearchLimit = 100
	MaxSearchLimit     = 10000
)

// Query selects history rows. The zero Query selects every row.
type Query struct {
	// Text is found in the name, URI or SHA-256 with case ignored by Unicode simple case
	// folding: "müller" finds "MÜLLER", "strasse" does not find "Straße" (the text rule, beside
	// Query.Matches); "" matches all. Leading and trailing spaces are ignored. Text of three or
	// more letters is looked up in the trigram index. The index needs three, so one or two are
	// matched by scanning the rows newest first: fast for a page, as such short text matches
	// often, but Count and ExportCSV then read every row.
	Text     string
	Statuses []Status // any of these; empty matches all
	Profile  string   // exact profile name; "" matches all
	Since    time.Time
	Until    time.Time // Since ≤ Created < Until; a zero bound is open
	BeforeID int64     // keyset paging: only rows with ID < BeforeID; 0 starts from the newest
	Limit    int       // Search page size: ≤ 0 means DefaultSearchLimit, at most MaxSearchLimit
}

// Search returns the rows q selects, newest first (ID descending), at most q.Limit of them.
// For the next page, search again with BeforeID set to the last row's ID.
func (h *History) Search(ctx context.Context, q Query) ([]Record, error) {
	const op = "searching the upload history"
	query, args, err := searchSQL(q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	rows, err := h.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, h.dbError(op, err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, h.dbError(op, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, h.dbError(op, err)
	}
	return out, nil
}

// searchSQL is the SQL Search runs for q, with its arguments: one page, newest first.
func searchSQL(q Query) (string, []any, error) {
	p, err := planQuery(q, true)
	if err != nil {
		return "", nil, err
	}
	query, args := p.selectSQL()
	return query + " LIMIT ?", append(args, pageLimit(q.Limit)), nil
}

// Recent returns the newest limit rows (see Query.Limit), newest first.
func (h *History) Recent(ctx context.Context, limit int) ([]Record, error) {
	return h.Search(ctx, Query{Limit: limit})
}

// Count returns how many rows q selects, ignoring Limit and BeforeID.
func (h *History) Count(ctx context.Context, q Query) (int, error) {
	const op = "counting uploads in the history"
	p, err := planQuery(q, false)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	var n int
	query, args := p.countSQL()
	if err := h.db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, h.dbError(op, err)
	}
	return n, nil
}

// latestDoneQuery selects the newest done row of the source (?) with the SHA-256 (?): the
// duplicate check, of LatestDone and claimBlocked. It runs on uploads_duplicate_check.
const latestDoneQuery = "SELECT " + recordColumns + ` FROM uploads AS u
	WHERE u.source = ? AND u.sha256 = ? AND u.status = 'done' ORDER BY u.id DESC LIMIT 1`

// LatestDone returns the newest done row that uploaded the file with this SHA-256 to this
// source, for the duplicate check. found is false when there is none (or sha256 is "").
func (h *History) LatestDone(ctx context.Context, source, sha256 string) (r Record, found bool, err error) {
	if sha256 == "" {
		return Record{}, false, nil
	}
	r, err = scanRecord(h.queryRow(ctx, latestDoneQuery, source, sha256))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Record{}, false, nil
	case err != nil:
		return Record{}, false, h.dbError("looking for an earlier upload of the same file", err)
	}
	return r, true, nil
}

// Purge deletes the final rows created and ended before olderThan and returns how many it
// deleted. Queued and uploading rows always stay, and so does a row that ended since, however
// old: one the opening of the history has just found cut off (unknown, interrupted) is shown
// for the retention's length before it goes. A zero olderThan deletes nothing. Rows that
// pointed at a deleted row (ResentFrom, DuplicateOf) keep their own data and lose only the link.
func (h *History) Purge(ctx context.Context, olderThan time.Time) (int, error) {
	if olderThan.IsZero() {
		return 0, nil
	}
	const op = "deleting old rows from the upload history"
	res, err := h.exec(ctx, op, `DELETE FROM uploads WHERE created < ?1 AND coalesce(finished, created) < ?1
		AND status NOT IN ('queued', 'uploading')`, unixNanos(olderThan))
	if err != nil {
		return 0, err // worded by exec
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, h.dbError(op, err)
	}
	return int(n), nil
}

// pageLimit applies Query.Limit's default and maximum.
func pageLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultSearchLimit
	case limit > MaxSearchLimit:
		return MaxSearchLimit
	}
	return limit
}

// queryPlan is the SQL a Query turns into, without the LIMIT.
type queryPlan struct {
	match    string   // an FTS5 query of the trigram index, or "" when the text does not use it
	where    []string // conditions on uploads AS u
	args     []any
	beforeID int64 // keyset paging: only rows with a lower id; 0 for none
	since    []any // sinceFloorSQL's arguments when a page has Query.Since: it floors the ids read
}

// sinceFloorSmall is how many rows created since Query.Since sinceFloorSQL reads, at most, to
// find the lowest id among them: about 0.15 ms. A variable for tests.
var sinceFloorSmall = 1000

// sinceFloorSQL is the lowest id of the rows created since its second argument, when they are
// fewer than the first (sinceFloorSmall, the third too), else 0; NULL when there are none. No
// row below it can be selected, so a page's newest-first scan stops there instead of reading
// the whole history for a "Today" that holds less than a page (34 ms at 100,000 rows, for 13
// rows). It reads the created index, so ids need not follow the creation times. A longer span
// fills a page from the newest rows anyway. Count has no use for it: it counts the created
// index's range itself.
const sinceFloorSQL = `(SELECT CASE WHEN count(*) < ? THEN min(id) ELSE 0 END
	FROM (SELECT id FROM uploads WHERE created >= ? LIMIT ?))`

// planQuery turns q into SQL. paged is for the rows newest first (Search, ExportCSV), not a
// Count: it applies q.BeforeID and floors the ids at Query.Since. Query.Matches is the same
// selection in Go.
//
// Text of three or more letters reads the final rows from the trigram index (CROSS JOIN keeps
// it the outer loop), which hands back rows holding a few of its trigrams newest first, so a
// page stops after Limit matches; textCondition keeps those that hold the text. The index holds
// only final rows that have been indexed (migrations 4 and 5): the others, few, are read
// directly and given textCondition alone (the rows in flight through uploads_status, the final
// rows waiting for the index through uploads_unindexed), and the lists are merged newest
// first. Shorter text has textCondition alone, on every row read.
func planQuery(q Query, paged bool) (queryPlan, error) {
	var p queryPlan
	text := searchText(q.Text)
	if match, ok := trigramMatch(text); ok {
		p.match = match
	}
	if text != "" {
		cond, args := textCondition(text)
		p.add(cond, args...)
	}
	if len(q.Statuses) > 0 {
		args := make([]any, len(q.Statuses))
		for i, s := range q.Statuses {
			if !s.Valid() {
				return queryPlan{}, fmt.Errorf("unknown status %q", s)
			}
			args[i] = s
		}
		p.add("u.status IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+")", args...)
	}
	if q.Profile != "" {
		p.add("u.profile = ?", q.Profile)
	}
	if !q.Since.IsZero() {
		p.add("u.created >= ?", unixNanos(q.Since))
		if paged {
			p.since = []any{sinceFloorSmall, unixNanos(q.Since), sinceFloorSmall}
		}
	}
	if !q.Until.IsZero() {
		p.add("u.created < ?", unixNanos(q.Until))
	}
	if paged && q.BeforeID > 0 {
		p.beforeID = q.BeforeID
	}
	return p, nil
}

func (p *queryPlan) add(cond string, args ...any) {
	p.where = append(p.where, cond)
	p.args = append(p.args, args...)
}

// inFlightCondition keeps the rows in flight, which the trigram index does not hold.
const inFlightCondition = "u.status IN ('queued', 'uploading')"

// selectSQL selects the rows as records, newest first, with its arguments.
func (p *queryPlan) selectSQL() (string, []any) {
	if p.match == "" {
		query, args := p.part("", "u.id, "+recordFields, "uploads AS u", "u.id")
		return query + " ORDER BY u.id DESC", args
	}
	// Each part comes out newest first (the index's rowid order; the few rows outside it are
	// sorted), and the ORDER BY of the compound merges them, reading only as far as the LIMIT.
	return p.outsideIndexToo("u.id, "+recordFields, "uploads_fts.rowid, "+recordFields, " UNION ALL ", " ORDER BY 1 DESC")
}

// countSQL counts the rows, with its arguments.
func (p *queryPlan) countSQL() (string, []any) {
	if p.match == "" {
		query, args := p.part("", "count(*)", "uploads AS u", "u.id")
		return query, args
	}
	query, args := p.outsideIndexToo("count(*)", "count(*)", ") + (", "")
	return "SELECT (" + query + ")", args
}

// outsideIndexToo is the plan's text search as three SELECTs joined by join, followed by end:
// of the trigram index (with indexedColumns), of the rows in flight and of the final rows
// waiting for the index (with columns).
func (p *queryPlan) outsideIndexToo(columns, indexedColumns, join, end string) (string, []any) {
	indexed, args := p.part(p.match, indexedColumns, trigramFrom, "uploads_fts.rowid")
	inFlight, more := p.part("", columns, "uploads AS u", "u.id", inFlightCondition)
	waiting, rest := p.part("", columns, waitingFrom, "u.id")
	return indexed + join + inFlight + join + waiting + end, append(append(args, more...), rest...)
}

const (
	// trigramFrom drives a query from the trigram index.
	trigramFrom = "uploads_fts CROSS JOIN uploads AS u ON u.id = uploads_fts.rowid"
	// waitingFrom reads the final rows waiting for the trigram index (see History.indexWaiting).
	waitingFrom = "uploads_unindexed AS x CROSS JOIN uploads AS u ON u.id = x.id"
)

// part is one SELECT of columns from from with the plan's conditions, the trigram match when
// match is not "", and extra; id is the column keyset paging compares.
func (p *queryPlan) part(match, columns, from, id string, extra ...string) (string, []any) {
	var where []string
	var args []any
	if match != "" {
		where = append(where, "uploads_fts MATCH ?")
		args = append(args, match)
	}
	where = append(append(where, extra...), p.where...)
	args = append(args, p.args...)
	if p.beforeID > 0 {
		where = append(where, id+" < ?")
		args = append(args, p.beforeID)
	}
	if p.since != nil {
		where = append(where, id+" >= "+sinceFloorSQL)
		args = append(args, p.since...)
	}
	query := "SELECT " + columns + " FROM " + from
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	return query, args
}
