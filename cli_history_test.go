package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"redoxuploader/app"
	"redoxuploader/client/redoxtest"
)

// readCSV parses history --csv output into its header and rows keyed by column.
func readCSV(t *testing.T, out string) (header []string, rows []map[string]string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV (%v):\n%s", err, out)
	}
	if len(recs) == 0 {
		t.Fatal("no header row")
	}
	header = recs[0]
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, c := range header {
			row[c] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

// tableRows returns the table's data lines (without the header) split into columns.
func tableRows(t *testing.T, out string) [][]string {
	t.Helper()
	ls := lines(out)
	if len(ls) == 0 || !strings.HasPrefix(ls[0], "ID ") {
		t.Fatalf("no table header:\n%s", out)
	}
	var rows [][]string
	for _, l := range ls[1:] {
		if strings.HasPrefix(l, "Showing ") {
			break
		}
		rows = append(rows, fields(l))
	}
	return rows
}

// historyFixture uploads through a saved profile "Clinic" and ad hoc, so the history holds
// done, failed and duplicate rows of two profiles.
type historyFixture struct {
	s     *cliSession
	srv   *redoxtest.Server
	demo  redoxtest.Demo
	dir   string
	paths map[string]string // by base name
}

func newHistoryFixture(t *testing.T) *historyFixture {
	t.Helper()
	srv, demo := newTestServer(t)
	f := &historyFixture{s: newCLISession(t, mockKeychain(t)), srv: srv, demo: demo, dir: t.TempDir(), paths: map[string]string{}}
	f.s.addServerProfile(srv, "Clinic", demo.Secret, "--api-key", demo.APIKey)
	for i, name := range []string{"consent-form.pdf", "xray-0412.png", "discharge-note.pdf"} {
		f.paths[name] = writeFile(t, f.dir, name, 2000+1000*i)
	}
	f.s.must("upload", "--profile", "Clinic", f.paths["consent-form.pdf"], f.paths["xray-0412.png"])
	f.s.env["REDOX_ACCESS_TOKEN"] = demo.Token
	f.s.must(append(serverArgs(srv, "--auth", "token"), f.paths["discharge-note.pdf"])...)
	delete(f.s.env, "REDOX_ACCESS_TOKEN")
	f.paths["gone.pdf"] = filepath.Join(f.dir, "gone.pdf")
	if r := f.s.run("upload", "--profile", "Clinic", f.paths["gone.pdf"]); r.code != exitFailed {
		t.Fatalf("upload of a missing file: exit %d", r.code)
	}
	f.s.must("upload", "--profile", "Clinic", f.paths["consent-form.pdf"]) // a duplicate
	return f
}

func TestHistoryTable(t *testing.T) {
	f := newHistoryFixture(t)
	r := f.s.must("history")
	rows := tableRows(t, r.stdout)
	if got := fields(lines(r.stdout)[0]); strings.Join(got, "|") != "ID|CREATED|SOURCE|STATUS|SIZE|FILE|URI OR MESSAGE" {
		t.Errorf("header = %q", got)
	}
	type want struct{ id, profile, status, size, file, last string }
	uploads := map[string]string{}
	for _, u := range f.srv.Uploads() {
		uploads[u.FileName] = u.URI
	}
	wants := []want{ // newest first
		{"5", "Clinic", "duplicate", "2 KB", "consent-form.pdf", uploads["consent-form.pdf"] + " (already uploaded as row 1)"},
		{"4", "Clinic", "failed", "0 bytes", "gone.pdf", "The file could not be found."},
		{"3", adHocSourceName, "done", "3.9 KB", "discharge-note.pdf", uploads["discharge-note.pdf"]},
		{"2", "Clinic", "done", "2.9 KB", "xray-0412.png", uploads["xray-0412.png"]},
		{"1", "Clinic", "done", "2 KB", "consent-form.pdf", uploads["consent-form.pdf"]},
	}
	if len(rows) != len(wants) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(wants), r.stdout)
	}
	for i, w := range wants {
		got := rows[i]
		if len(got) != 7 || got[0] != w.id || got[2] != w.profile || got[3] != w.status || got[4] != w.size ||
			got[5] != w.file || !strings.HasPrefix(got[6], w.last) {
			t.Errorf("row %d = %q, want %+v", i, got, w)
			continue
		}
		created, err := time.ParseInLocation("2006-01-02 15:04:05", got[1], time.Local)
		if err != nil || time.Since(created) > time.Minute || time.Since(created) < -time.Second {
			t.Errorf("row %d: time %q is not the local time of the upload (%v)", i, got[1], err)
		}
	}

	filtered := func(args ...string) []string {
		t.Helper()
		r := f.s.must(append([]string{"history"}, args...)...)
		var ids []string
		for _, row := range tableRows(t, r.stdout) {
			ids = append(ids, row[0])
		}
		return ids
	}
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--status", "failed"}, []string{"4"}},
		{[]string{"--status", "done,duplicate"}, []string{"5", "3", "2", "1"}},
		{[]string{"--status", "DONE", "--profile", "clinic"}, []string{"2", "1"}},
		{[]string{"--profile", adHocSourceName}, []string{"3"}},
		{[]string{"--search", "xray"}, []string{"2"}},
		{[]string{"--search", "CONSENT"}, []string{"5", "1"}},
		{[]string{"--search", uploads["discharge-note.pdf"][len(uploads["discharge-note.pdf"])-8:]}, []string{"3"}},
		{[]string{"--since", time.Now().Format(time.DateOnly)}, []string{"5", "4", "3", "2", "1"}},
		{[]string{"--limit", "2"}, []string{"5", "4"}},
	} {
		if got := filtered(tt.args...); !slices.Equal(got, tt.want) {
			t.Errorf("history %q: ids %q, want %q", tt.args, got, tt.want)
		}
	}
	if r := f.s.must("history", "--limit", "2"); !strings.Contains(r.stdout, "Showing the newest 2 of 5.") {
		t.Errorf("--limit 2 does not say there are more:\n%s", r.stdout)
	}
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	if r := f.s.must("history", "--since", tomorrow); r.stdout != "No uploads match.\n" {
		t.Errorf("history --since tomorrow = %q", r.stdout)
	}
}

func TestHistoryEmpty(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	if r := s.must("history"); r.stdout != "No uploads in the history yet.\n" {
		t.Errorf("history of a new data folder = %q", r.stdout)
	}
	r := s.must("history", "--csv")
	if header, rows := readCSV(t, r.stdout); len(rows) != 0 || !slices.Equal(header, app.DefaultCSVColumns) {
		t.Errorf("empty CSV: header %q, %d rows", header, len(rows))
	}
}

func TestHistoryCSV(t *testing.T) {
	f := newHistoryFixture(t)
	r := f.s.must("history", "--csv")
	header, rows := readCSV(t, r.stdout)
	for _, c := range []string{"id", "created", "profile", "file", "size", "sha256", "status", "uri", "error", "attempts"} {
		if !slices.Contains(header, c) {
			t.Errorf("CSV header lacks %q: %q", c, header)
		}
	}
	if slices.Contains(header, "path") {
		t.Errorf("the default CSV has the path column, which can name patients' folders: %q", header)
	}
	if len(rows) != 5 {
		t.Fatalf("%d CSV rows, want 5:\n%s", len(rows), r.stdout)
	}
	byName := map[string]redoxtest.Upload{}
	for _, u := range f.srv.Uploads() {
		byName[u.FileName] = u
	}
	for i, row := range rows {
		if want := strconv.Itoa(5 - i); row["id"] != want {
			t.Errorf("row %d has id %s, want %s (newest first)", i, row["id"], want)
		}
		if _, err := time.Parse(time.RFC3339, row["created"]); err != nil {
			t.Errorf("row %d: created %q is not RFC 3339", i, row["created"])
		}
		if row["status"] != "done" {
			continue
		}
		u := byName[row["file"]]
		if row["uri"] != u.URI || row["size"] != strconv.FormatInt(u.Size, 10) || row["sha256"] != u.SHA256 ||
			row["attempts"] != "1" || row["error"] != "" {
			t.Errorf("row %d = %v, want the server's record %+v", i, row, u)
		}
	}
	if row := rows[1]; row["status"] != "failed" || !strings.Contains(row["error"], "could not be found") {
		t.Errorf("the failed row = %v", row)
	}
	if row := rows[0]; row["status"] != "duplicate" || row["duplicate_of"] != "1" || row["uri"] != rows[4]["uri"] {
		t.Errorf("the duplicate row = %v", row)
	}

	// Filters apply to the CSV too; --columns picks and orders.
	r = f.s.must("history", "--csv", "--status", "done", "--columns", "uri,id,path")
	header, rows = readCSV(t, r.stdout)
	if !slices.Equal(header, []string{"uri", "id", "path"}) || len(rows) != 3 {
		t.Fatalf("--columns uri,id,path: header %q, %d rows:\n%s", header, len(rows), r.stdout)
	}
	if rows[0]["path"] != f.paths["discharge-note.pdf"] {
		t.Errorf("path column = %q, want %q", rows[0]["path"], f.paths["discharge-note.pdf"])
	}
}

func TestHistoryUsageErrors(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--status", "done,sent"}, []string{`"sent"`, "queued, uploading, done, failed, cancelled, duplicate, interrupted, unknown"}},
		{[]string{"--csv", "--columns", "id,patient"}, []string{`"patient"`, "id, created, profile, source"}},
		{[]string{"--columns", "id"}, []string{"--csv"}},
		{[]string{"--csv", "--limit", "5"}, []string{"--limit"}},
		{[]string{"--limit", "0"}, []string{"--limit"}},
		{[]string{"--since", "yesterday"}, []string{`"yesterday"`}},
		{[]string{"report.pdf"}, []string{"--search"}},
	} {
		r := s.run(append([]string{"history"}, tt.args...)...)
		if r.code != exitUsage || r.stdout != "" {
			t.Errorf("history %q: exit %d, stdout %q; want %d", tt.args, r.code, r.stdout, exitUsage)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("history %q: stderr lacks %q:\n%s", tt.args, w, r.stderr)
			}
		}
	}
}

func TestHistoryShowsRowsThatNeedAttention(t *testing.T) {
	s := newCLISession(t, mockKeychain(t))
	h, err := app.OpenHistory(app.PathsIn(s.home()).HistoryFile())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct { // in this order: the newest, listed first, is the one being sent
		name   string
		status app.Status
	}{{"queued.pdf", app.StatusQueued}, {"sending.pdf", app.StatusUploading}} {
		rec := app.Record{Profile: "Clinic", Source: "legacy:k@blob.redoxengine.com", Environment: "Development",
			Path: "/files/" + row.name, Name: row.name, Size: 1234, Status: row.status}
		if err := h.Insert(t.Context(), &rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Close(); err != nil { // as if the app had been killed
		t.Fatal(err)
	}
	r := s.must("history")
	rows := tableRows(t, r.stdout)
	if len(rows) != 2 || rows[0][3] != "unknown" || rows[1][3] != "interrupted" {
		t.Fatalf("rows after a crash:\n%s", r.stdout)
	}
	if !strings.Contains(rows[0][6], "Redox may or may not have it") || !strings.Contains(rows[1][6], "Nothing reached Redox") {
		t.Errorf("the rows that need attention do not say why:\n%s", r.stdout)
	}
}

func TestResend(t *testing.T) {
	f := newHistoryFixture(t)
	before := len(f.srv.Uploads())
	r := f.s.must("resend", "2")
	ups := f.srv.Uploads()
	if len(ups) != before+1 || ups[len(ups)-1].FileName != "xray-0412.png" {
		t.Fatalf("the server did not get the file again: %d uploads", len(ups))
	}
	if want := f.paths["xray-0412.png"] + "\t" + ups[len(ups)-1].URI + "\n"; r.stdout != want {
		t.Errorf("resend stdout = %q, want %q", r.stdout, want)
	}
	_, rows := readCSV(t, f.s.must("history", "--csv").stdout)
	if row := rows[0]; row["id"] != "6" || row["resent_from"] != "2" || row["status"] != "done" ||
		row["uri"] != ups[len(ups)-1].URI || row["profile"] != "Clinic" {
		t.Errorf("the resent row = %v, want id 6 resent from 2, done, with the new URI", row)
	}
	if r := f.s.must("history", "--limit", "1"); !strings.Contains(r.stdout, "(resend of row 2)") {
		t.Errorf("the table does not say row 6 is a resend:\n%s", r.stdout)
	}

	// A file changed since: refused without --force, sent with it.
	consent := f.paths["consent-form.pdf"]
	if err := os.WriteFile(consent, []byte("a newer version of the consent form"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = f.s.run("resend", "1")
	if r.code != exitFailed || !strings.Contains(r.stderr, consent+" has changed since it was sent on ") ||
		!strings.Contains(r.stderr, "Run again with --force to send the new version.") || r.stdout != "" {
		t.Errorf("resend of a changed file: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if n := len(f.srv.Uploads()); n != before+1 {
		t.Errorf("a refused resend reached the server (%d uploads)", n)
	}
	r = f.s.must("resend", "--force", "1")
	ups = f.srv.Uploads()
	if last := ups[len(ups)-1]; last.FileName != "consent-form.pdf" || last.Size != int64(len("a newer version of the consent form")) ||
		r.stdout != consent+"\t"+last.URI+"\n" {
		t.Errorf("resend --force: stdout %q, server got %s (%d bytes)", r.stdout, last.FileName, last.Size)
	}

	// Plain errors for the rest, exit 1, and no new row.
	if err := os.Remove(f.paths["xray-0412.png"]); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"resend", "2"}, f.paths["xray-0412.png"] + ": The file could not be found."},
		{[]string{"resend", "999"}, "there is no upload 999 in the history"},
		{[]string{"resend", "3"}, "uploaded with connection flags"}, // ad hoc: no saved profile to send it to
	} {
		r := f.s.run(tt.args...)
		if r.code != exitFailed || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s\nwant %d and %q", tt.args, r.code, r.stdout, r.stderr, exitFailed, tt.want)
		}
	}
	// A profile that now points at another source is refused.
	f.s.must("profile", "add", "Clinic", "--api-key", "another-key", "--upload-url", f.srv.UploadURL(), "--api-base", f.srv.APIBase(), "--replace")
	if r := f.s.run("resend", "1"); r.code != exitFailed || !strings.Contains(r.stderr, "different Redox source") {
		t.Errorf("resend to a changed source: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if _, rows := readCSV(t, f.s.must("history", "--csv").stdout); len(rows) != 7 {
		t.Errorf("%d rows after the refused resends, want 7", len(rows))
	}
	for _, args := range [][]string{{"resend"}, {"resend", "abc"}, {"resend", "1", "2"}, {"resend", "0"}} {
		if r := f.s.run(args...); r.code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, r.code, exitUsage)
		}
	}
}
