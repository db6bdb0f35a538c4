package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// knownStatuses are the history statuses, in the order help lists them.
var knownStatuses = []app.Status{app.StatusQueued, app.StatusUploading, app.StatusDone, app.StatusFailed,
	app.StatusCancelled, app.StatusDuplicate, app.StatusInterrupted, app.StatusUnknown}

// defaultHistoryLimit is how many rows the table shows without --limit.
const defaultHistoryLimit = 50

// runHistory prints the uploads the flags select, newest first, as a table or as CSV.
func runHistory(ctx context.Context, args []string, env cliEnv) error {
	fs := newFlagSet("history", "[FLAGS]", env)
	search := fs.String("search", "", "only uploads whose file name, URI or SHA-256 contains `TEXT`")
	statuses := fs.String("status", "", "only uploads with one of these statuses, comma-separated: "+joinStatuses(", "))
	var source sourceName
	source.register(fs, "only uploads through the saved source `NAME`")
	since := fs.String("since", "", "only uploads on or after `YYYY-MM-DD` (local time)")
	limit := fs.Int("limit", defaultHistoryLimit, "newest `N` rows to show (--csv writes every matching row)")
	asCSV := fs.Bool("csv", false, "write CSV with a header row instead of the table")
	columns := fs.String("columns", "", "with --csv, these columns in this order, comma-separated: "+strings.Join(app.CSVColumns, ",")+
		" (profile is the source's name, source the Redox source it signs in as)")
	dataDir := dataDirFlag(fs)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("history: unexpected argument %q (search with --search TEXT)", rest[0])
	}
	set := givenFlags(fs)

	q := app.Query{Text: *search, Profile: source.name, Limit: *limit}
	for _, s := range splitList(*statuses) {
		st := app.Status(strings.ToLower(s))
		if !st.Valid() {
			return usagef("history: unknown status %q; the statuses are %s", s, joinStatuses(", "))
		}
		q.Statuses = append(q.Statuses, st)
	}
	if *since != "" {
		t, err := time.ParseInLocation(time.DateOnly, *since, time.Local)
		if err != nil {
			return usagef("history: --since wants a date like %s, not %q", time.Now().Format(time.DateOnly), *since)
		}
		q.Since = t
	}
	var cols []string
	switch {
	case *limit < 1 || *limit > app.MaxSearchLimit:
		return usagef("history: --limit must be between 1 and %d", app.MaxSearchLimit)
	case set["limit"] && *asCSV:
		return usagef("history: --csv writes every matching row, so --limit does not apply; narrow it with --since, --status, --source or --search")
	case set["columns"] && !*asCSV:
		return usagef("history: --columns is for --csv")
	case set["columns"]:
		cols = splitList(*columns)
		if len(cols) == 0 {
			return usagef("history: --columns is empty; the columns are %s", strings.Join(app.CSVColumns, ", "))
		}
		for _, c := range cols {
			if !slices.Contains(app.CSVColumns, c) {
				return usagef("history: unknown column %q; the columns are %s", c, strings.Join(app.CSVColumns, ", "))
			}
		}
	}

	core, err := openCore(dataDir, env)
	if err != nil {
		return err
	}
	defer closeCore(core, env)
	if err := core.ReadOnly(); err != nil {
		printError(env, "note: "+err.Error())
	}
	if q.Profile != "" { // source names ignore case; the history keeps them as saved
		if st, err := core.LoadSettings(); err == nil {
			if p, ok := st.Profile(q.Profile); ok {
				q.Profile = p.Name
			}
		}
	}
	if *asCSV {
		_, err := core.History.ExportCSV(ctx, env.stdout, q, cols)
		return err
	}
	rows, err := core.History.Search(ctx, q)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		if q.Text == "" && len(q.Statuses) == 0 && q.Profile == "" && q.Since.IsZero() {
			fmt.Fprintln(env.stdout, "No uploads in the history yet.")
		} else {
			fmt.Fprintln(env.stdout, "No uploads match.")
		}
		return nil
	}
	printHistoryTable(rows, env)
	if len(rows) == q.Limit {
		if n, err := core.History.Count(ctx, q); err == nil && n > len(rows) {
			fmt.Fprintf(env.stdout, "Showing the newest %d of %d. Use --limit, --since or --search for others, or --csv for all.\n", len(rows), n)
		}
	}
	return nil
}

// printHistoryTable prints rows newest first, one line each: what a person reads to find a URI
// again or to see what needs attention.
func printHistoryTable(rows []app.Record, env cliEnv) {
	tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tSOURCE\tSTATUS\tSIZE\tFILE\tURI OR MESSAGE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Created.Local().Format("2006-01-02 15:04:05"),
			visible.Name(r.Profile), statusLabel(r), client.HumanSize(r.Size), visible.Name(r.Name), visible.Line(outcomeText(r)))
	}
	tw.Flush()
}

// statusLabel is the row's status, marked when the upload went to the local sandbox.
func statusLabel(r app.Record) string {
	s := string(r.Status)
	if r.Sandbox {
		s += " (sandbox)"
	}
	return s
}

// outcomeText is the last column: the URI when there is one, else what happened in plain
// words. Rows that need the user (unknown, interrupted, failed) always show their message.
func outcomeText(r app.Record) string {
	var parts []string
	switch {
	case r.Status == app.StatusDuplicate && r.URI != "":
		parts = append(parts, fmt.Sprintf("%s (already uploaded as row %d)", r.URI, r.DuplicateOf))
	case r.URI != "":
		parts = append(parts, r.URI)
	case r.Status == app.StatusQueued || r.Status == app.StatusUploading:
		parts = append(parts, "in progress")
	}
	if r.ErrorMessage != "" && r.Status != app.StatusDone && r.Status != app.StatusDuplicate {
		parts = append(parts, r.ErrorMessage)
	}
	if r.ResentFrom != 0 {
		parts = append(parts, fmt.Sprintf("(resend of row %d)", r.ResentFrom))
	}
	return strings.Join(parts, " ")
}

// splitList splits a comma-separated flag value, dropping empty items and spaces.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func joinStatuses(sep string) string {
	names := make([]string, len(knownStatuses))
	for i, s := range knownStatuses {
		names[i] = string(s)
	}
	return strings.Join(names, sep)
}
