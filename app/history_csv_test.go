package app

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// exportCSV runs ExportCSV and parses its output back.
func exportCSV(t *testing.T, h *History, q Query, columns []string) (n int, table [][]string) {
	t.Helper()
	var buf bytes.Buffer
	n, err := h.ExportCSV(t.Context(), &buf, q, columns)
	if err != nil {
		t.Fatal(err)
	}
	table, err = csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the export does not parse as CSV: %v\n%s", err, buf.String())
	}
	return n, table
}

func TestHistoryExportCSV(t *testing.T) {
	h := openTestHistory(t)
	created := time.Date(2025, 6, 7, 8, 9, 10, 500, time.FixedZone("EST", -5*3600))
	first := insertRecord(t, h, Record{Profile: "Radiology", Source: "legacy:K@h", Environment: "Production",
		Path: "/scans/a.pdf", Name: "a.pdf", Size: 1000, SHA256: strings.Repeat("a", 64), MIME: "application/pdf",
		Status: StatusDone, URI: "https://blob.redoxengine.com/1", HTTPStatus: 201, Attempts: 1, Created: created,
		Started: created.Add(time.Second), Finished: created.Add(2 * time.Second)})
	second := insertRecord(t, h, Record{Profile: "Radiology", Name: "=HYPERLINK(\"http://evil\")", Path: "/x",
		Status: StatusFailed, ErrorKind: "network", ErrorMessage: "-1+1, \"quoted\"\nsecond line",
		ErrorDetail: "@SUM(A1)", Created: created.Add(time.Hour), ResentFrom: first.ID, Sandbox: true})

	t.Run("default columns", func(t *testing.T) {
		n, table := exportCSV(t, h, Query{}, nil)
		if n != 2 || len(table) != 3 {
			t.Fatalf("wrote %d records, %d lines; want 2 and a header", n, len(table))
		}
		if !slices.Equal(table[0], DefaultCSVColumns) || slices.Contains(table[0], "path") {
			t.Errorf("header = %v; want DefaultCSVColumns, without path", table[0])
		}
		cell := func(row []string, column string) string { return row[slices.Index(table[0], column)] }
		newest, oldest := table[1], table[2]
		for column, want := range map[string]string{
			"id": strconv.FormatInt(first.ID, 10), "created": "2025-06-07T13:09:10Z", "started": "2025-06-07T13:09:11Z",
			"finished": "2025-06-07T13:09:12Z", "profile": "Radiology", "source": "legacy:K@h",
			"environment": "Production", "sandbox": "false", "file": "a.pdf", "size": "1000",
			"sha256": strings.Repeat("a", 64), "mime": "application/pdf", "status": "done",
			"uri": "https://blob.redoxengine.com/1", "error_kind": "", "error": "", "detail": "",
			"http_status": "201", "attempts": "1", "resent_from": "", "duplicate_of": "",
		} {
			if got := cell(oldest, column); got != want {
				t.Errorf("%s = %q, want %q", column, got, want)
			}
		}
		for column, want := range map[string]string{
			"id": strconv.FormatInt(second.ID, 10), "file": `'=HYPERLINK("http://evil")`,
			"error": "'-1+1, \"quoted\"\nsecond line", "detail": "'@SUM(A1)", "started": "", "finished": "",
			"http_status": "", "resent_from": strconv.FormatInt(first.ID, 10), "sandbox": "true",
		} {
			if got := cell(newest, column); got != want {
				t.Errorf("%s = %q, want %q", column, got, want)
			}
		}
	})

	t.Run("chosen columns in their order", func(t *testing.T) {
		_, table := exportCSV(t, h, Query{Statuses: []Status{StatusDone}}, []string{"uri", "path", "id"})
		want := [][]string{{"uri", "path", "id"}, {"https://blob.redoxengine.com/1", "/scans/a.pdf", strconv.FormatInt(first.ID, 10)}}
		if !slices.EqualFunc(table, want, slices.Equal) {
			t.Errorf("export = %q, want %q", table, want)
		}
	})

	t.Run("every column", func(t *testing.T) {
		_, table := exportCSV(t, h, Query{}, CSVColumns)
		if !slices.Equal(table[0], CSVColumns) {
			t.Errorf("header = %v", table[0])
		}
	})

	t.Run("unknown column", func(t *testing.T) {
		var buf bytes.Buffer
		_, err := h.ExportCSV(t.Context(), &buf, Query{}, []string{"id", "secret"})
		if err == nil || !strings.Contains(err.Error(), `"secret"`) || buf.Len() != 0 {
			t.Errorf("ExportCSV with an unknown column = %v, wrote %q; want an error naming it, nothing written", err, buf.String())
		}
	})

	t.Run("not capped by Limit", func(t *testing.T) {
		for range 5 {
			insertRecord(t, h, Record{Name: "bulk.pdf", Status: StatusDone})
		}
		n, table := exportCSV(t, h, Query{Text: "bulk", Limit: 2}, []string{"file"})
		if n != 5 || len(table) != 6 {
			t.Errorf("exported %d records (%d lines), want all 5", n, len(table))
		}
	})
}

// TestHistoryExportCSVShowsHiddenCharacters: a name that hides its true form (a right-to-left
// override makes "rtl\u202efdp.exe" read "rtlexe.pdf") is exported escaped; the history keeps
// it as it is.
func TestHistoryExportCSVShowsHiddenCharacters(t *testing.T) {
	h := openTestHistory(t)
	rec := insertRecord(t, h, Record{Profile: "Radiology\u200b", Source: "legacy:K\u2066@h", Path: "/scans/rtl\u202efdp.exe",
		Name: "rtl\u202efdp.exe", URI: "https://blob.redoxengine.com/x\u200dy", Status: StatusFailed,
		ErrorMessage: "rtl\u202efdp.exe could not be read.\nSecond line", ErrorDetail: "open rtl\u202efdp.exe\tdenied", Created: time.Now()})
	_, table := exportCSV(t, h, Query{}, []string{"file", "path", "profile", "source", "uri", "error", "detail"})
	want := []string{"rtl<U+202E>fdp.exe", "/scans/rtl<U+202E>fdp.exe", "Radiology<U+200B>", "legacy:K<U+2066>@h",
		"https://blob.redoxengine.com/x<U+200D>y", "rtl<U+202E>fdp.exe could not be read.\nSecond line", "open rtl<U+202E>fdp.exe<U+0009>denied"}
	if len(table) != 2 || !slices.Equal(table[1], want) {
		t.Errorf("export = %q, want the row %q", table, want)
	}
	if got, err := h.Get(t.Context(), rec.ID); err != nil || got.Name != "rtl\u202efdp.exe" {
		t.Errorf("the history holds %q (%v), want the true name", got.Name, err)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{
		"":            "",
		"plain":       "plain",
		"=1+2":        "'=1+2",
		"+1":          "'+1",
		"-1":          "'-1",
		"@cmd":        "'@cmd",
		"\t=1":        "'\t=1",
		"\r=1":        "'\r=1",
		"a=b":         "a=b",
		"'quoted":     "'quoted",
		"https://x/-": "https://x/-",
	} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
