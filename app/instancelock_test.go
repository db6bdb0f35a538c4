package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The history helpers' settings, in their environment.
const (
	historyHelperDB = "REDOX_HISTORY_HELPER_DB" // the database path
	helperRows      = 100                       // rows each side writes in the two-process test
)

// historyWriterHelper is the second process of TestHistoryTwoProcesses: open, say how it
// opened, wait for "go", write helperRows rows, say so and close.
func historyWriterHelper() error {
	h, err := OpenHistory(os.Getenv(historyHelperDB))
	if err != nil {
		return err
	}
	defer h.Close()
	rec := h.Recovered()
	fmt.Printf("opened shared=%t interrupted=%d unknown=%d\n", h.Shared(), rec.Interrupted, rec.Unknown)
	if line, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil || line != "go\n" {
		return fmt.Errorf("waiting for go: %q, %v", line, err)
	}
	for i := range helperRows {
		r := Record{Profile: "child", Name: fmt.Sprintf("child-%03d.pdf", i), Status: StatusDone}
		if err := h.Insert(context.Background(), &r); err != nil {
			return err
		}
	}
	fmt.Println("wrote", helperRows)
	return nil
}

// historyJournalForeverHelper is the process TestHistoryKillMidWrite kills: it journals rows
// queued then uploading, printing each after it is committed, until killed.
func historyJournalForeverHelper() error {
	ctx := context.Background()
	h, err := OpenHistory(os.Getenv(historyHelperDB))
	if err != nil {
		return err
	}
	defer h.Close()
	for i := 0; ; i++ {
		r := Record{Name: fmt.Sprintf("batch-%05d.pdf", i), Status: StatusQueued}
		if err := h.Insert(ctx, &r); err != nil {
			return err
		}
		fmt.Println("queued", r.ID)
		if err := h.markUploading(ctx, r.ID, time.Now()); err != nil {
			return err
		}
		fmt.Println("uploading", r.ID)
	}
}

// historyHelper starts a history helper process on the database at path.
func historyHelper(t *testing.T, name, path string) (cmd *exec.Cmd, stdin io.WriteCloser, stdout *bufio.Scanner, stderr *strings.Builder) {
	t.Helper()
	return startHelper(t, name, historyHelperDB+"="+path)
}

func TestHistoryTwoProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	h := openHistoryAt(t, path)
	ctx := t.Context()
	ours := insertRecord(t, h, Record{Profile: "parent", Name: "in-flight.pdf", Status: StatusQueued})

	cmd, stdin, stdout, stderr := historyHelper(t, "history-writer", path)
	if !stdout.Scan() {
		t.Fatalf("the child did not open the history: %v %s", cmd.Wait(), stderr)
	}
	if got := stdout.Text(); got != "opened shared=true interrupted=0 unknown=0" {
		t.Errorf("child: %q; want it shared, recovering nothing", got)
	}
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		t.Fatal(err)
	}
	for i := range helperRows { // while the child writes too
		insertRecord(t, h, Record{Profile: "parent", Name: fmt.Sprintf("parent-%03d.pdf", i), Status: StatusDone})
	}
	if !stdout.Scan() || stdout.Text() != fmt.Sprint("wrote ", helperRows) {
		t.Errorf("child did not finish: %q", stdout.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr)
	}

	for profile, want := range map[string]int{"parent": helperRows + 1, "child": helperRows} {
		if n, err := h.Count(ctx, Query{Profile: profile}); err != nil || n != want {
			t.Errorf("%s rows: %d, %v; want %d", profile, n, err, want)
		}
	}
	if got := getRecord(t, h, ours.ID); got.Status != StatusQueued {
		t.Errorf("the parent's queued row became %s while the parent was running", got.Status)
	}
	if got, err := h.Search(ctx, Query{Text: "child-099"}); err != nil || len(got) != 1 {
		t.Errorf("the child's rows are not in the search index: %v, %v", got, err)
	}
}

// TestHistoryKillMidWrite kills a process in the middle of journaling; every row it reported
// as written is there after reopening, recovered, and the file is sound.
func TestHistoryKillMidWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	cmd, _, stdout, stderr := historyHelper(t, "history-journal-forever", path)
	reported := map[int64]string{}
	for len(reported) < 40 && stdout.Scan() {
		var state string
		var id int64
		if _, err := fmt.Sscan(stdout.Text(), &state, &id); err != nil {
			t.Fatalf("child said %q: %v", stdout.Text(), err)
		}
		reported[id] = state
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || len(reported) < 40 {
		t.Fatalf("child ended by itself (%v) after %d rows\n%s", err, len(reported), stderr)
	}

	h := openHistoryAt(t, path)
	ctx := t.Context()
	for id, state := range reported {
		got := getRecord(t, h, id)
		if state == "uploading" && got.Status != StatusUnknown ||
			state == "queued" && got.Status != StatusInterrupted && got.Status != StatusUnknown {
			t.Errorf("row %d was reported %s, reopened as %s", id, state, got.Status)
		}
	}
	if n, err := h.Count(ctx, Query{Statuses: []Status{StatusQueued, StatusUploading}}); err != nil || n != 0 {
		t.Errorf("%d rows still in flight after recovery (%v)", n, err)
	}
	rec := h.Recovered()
	if total, err := h.Count(ctx, Query{}); err != nil || rec.Interrupted+rec.Unknown != total {
		t.Errorf("Recovered() = %+v for %d rows (%v)", rec, total, err)
	}
	var check string
	if err := h.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
	if _, err := h.db.ExecContext(ctx, "INSERT INTO uploads_fts (uploads_fts) VALUES ('integrity-check')"); err != nil {
		t.Errorf("search index integrity: %v", err)
	}
}
