package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"redoxuploader/internal/visible"
)

// CSVColumns are the columns ExportCSV knows, in their usual order. Read-only.
var CSVColumns = []string{"id", "created", "profile", "source", "environment", "sandbox", "file", "path",
	"size", "sha256", "mime", "status", "uri", "error_kind", "error", "detail", "http_status", "attempts",
	"started", "finished", "resent_from", "duplicate_of"}

// DefaultCSVColumns are the columns ExportCSV writes when none are chosen: all but "path", which
// can reveal folder and patient names and is exported only when asked for. Read-only.
var DefaultCSVColumns = []string{"id", "created", "profile", "source", "environment", "sandbox", "file",
	"size", "sha256", "mime", "status", "uri", "error_kind", "error", "detail", "http_status", "attempts",
	"started", "finished", "resent_from", "duplicate_of"}

// ExportCSV writes the rows q selects to w as CSV, newest first: a header row of the column
// names, then one row per record. Every matching row is written (q.Limit does not apply;
// q.BeforeID does), streamed from the database. columns picks and orders the columns from
// CSVColumns; none means DefaultCSVColumns. Times are RFC 3339 in UTC, empty when unset; a
// cell that a spreadsheet would run as a formula gets a leading apostrophe. Names, paths,
// URIs and other text are shown as visible.Name shows them (invisible and direction-changing
// characters as <U+202E>), messages as visible.Text does (keeping their line breaks); the
// history keeps the true text. It
// returns the number of records written.
func (h *History) ExportCSV(ctx context.Context, w io.Writer, q Query, columns []string) (int, error) {
	const op = "exporting the upload history"
	if len(columns) == 0 {
		columns = DefaultCSVColumns
	}
	for _, c := range columns {
		if !slices.Contains(CSVColumns, c) {
			return 0, fmt.Errorf("%s: unknown column %q (known: %s)", op, c, strings.Join(CSVColumns, ", "))
		}
	}
	p, err := planQuery(q, true)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	query, args := p.selectSQL()
	rows, err := h.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, h.dbError(op, err)
	}
	defer rows.Close()

	cw := csv.NewWriter(w)
	cells := make([]string, len(columns))
	for i, c := range columns {
		cells[i] = csvSafe(c)
	}
	if err := cw.Write(cells); err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	n := 0
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return n, h.dbError(op, err)
		}
		for i, c := range columns {
			cells[i] = csvSafe(csvText(c, csvCell(&r, c)))
		}
		if err := cw.Write(cells); err != nil {
			return n, fmt.Errorf("%s: %w", op, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, h.dbError(op, err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("%s: %w", op, err)
	}
	return n, nil
}

// csvCell renders one column of r. column is one of CSVColumns.
func csvCell(r *Record, column string) string {
	switch column {
	case "id":
		return strconv.FormatInt(r.ID, 10)
	case "created":
		return csvTime(r.Created)
	case "profile":
		return r.Profile
	case "source":
		return r.Source
	case "environment":
		return r.Environment
	case "sandbox":
		return strconv.FormatBool(r.Sandbox)
	case "file":
		return r.Name
	case "path":
		return r.Path
	case "size":
		return strconv.FormatInt(r.Size, 10)
	case "sha256":
		return r.SHA256
	case "mime":
		return r.MIME
	case "status":
		return string(r.Status)
	case "uri":
		return r.URI
	case "error_kind":
		return r.ErrorKind
	case "error":
		return r.ErrorMessage
	case "detail":
		return r.ErrorDetail
	case "http_status":
		return optionalInt(int64(r.HTTPStatus))
	case "attempts":
		return strconv.Itoa(r.Attempts)
	case "started":
		return csvTime(r.Started)
	case "finished":
		return csvTime(r.Finished)
	case "resent_from":
		return optionalInt(r.ResentFrom)
	case "duplicate_of":
		return optionalInt(r.DuplicateOf)
	}
	panic("app: csvCell: unchecked column " + column)
}

// csvText shows a cell's text for export: messages (error, detail) with their line breaks,
// everything else as a name.
func csvText(column, cell string) string {
	if column == "error" || column == "detail" {
		return visible.Text(cell)
	}
	return visible.Name(cell)
}

// csvTime is t in RFC 3339, UTC, to the second; "" when unset.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// optionalInt is n in decimal, or "" for 0 (no HTTP status, no linked row).
func optionalInt(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// csvSafe defuses formula injection: a spreadsheet runs a cell starting with = + - @ (or a tab
// or carriage return before one) as a formula, so such a cell gets a leading apostrophe.
func csvSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
