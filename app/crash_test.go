package app

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// TestCrashMidBatch: a process uploading a batch to a slow Redox is killed with SIGKILL while
// two rows are being sent; on reopen every row is there, none is left queued or uploading, and
// each row that was being sent (now unknown) has the SHA-256 of its file, journaled in the
// same write as "uploading", so a resend can tell whether the file changed.
func TestCrashMidBatch(t *testing.T) {
	s := redoxtest.NewServer(redoxtest.Config{})
	defer s.Close()
	demo := s.AddDemoSources()
	faults := make([]redoxtest.Fault, 40)
	for i := range faults {
		faults[i] = redoxtest.Fault{Delay: 300 * time.Millisecond}
	}
	s.Script(faults...)
	dir, files := t.TempDir(), t.TempDir()
	for i := range 20 {
		writeRandom(t, files, fmt.Sprintf("scan-%02d.pdf", i), 50<<10)
	}

	cmd := helperCommand(t, "crash-child", "CRASH_DB="+filepath.Join(dir, "history.db"), "CRASH_FILES="+files,
		"CRASH_UPLOAD="+s.UploadURL(), "CRASH_API="+s.APIBase(), "CRASH_KEY="+demo.APIKey, "CRASH_SECRET="+demo.Secret)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var submitted []int64
	done, started := map[int64]bool{}, map[int64]bool{}
	lines := bufio.NewScanner(out)
	// The condition comes before Scan: kill as soon as two rows are sending, not after the
	// next line (which would be one of them finishing).
	for (len(done) < 2 || len(started) < len(done)+2) && lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "submitted":
			for _, s := range f[1:] {
				id, _ := strconv.ParseInt(s, 10, 64)
				submitted = append(submitted, id)
			}
		case "started", "done":
			id, _ := strconv.ParseInt(f[1], 10, 64)
			map[string]map[int64]bool{"started": started, "done": done}[f[0]][id] = true
		}
	}
	cmd.Process.Kill() // SIGKILL: no deferred code, no graceful shutdown
	cmd.Wait()
	if len(submitted) != 20 {
		t.Fatalf("the child reported %d submitted rows before dying", len(submitted))
	}

	h, err := OpenHistory(filepath.Join(dir, "history.db"))
	if err != nil {
		t.Fatalf("reopening after the crash: %v", err)
	}
	defer h.Close()
	count := map[Status]int{}
	for _, id := range submitted {
		rec, err := h.Get(t.Context(), id)
		if err != nil {
			t.Fatalf("row %d is missing after the crash: %v", id, err)
		}
		count[rec.Status]++
		switch {
		case done[id] && rec.Status != StatusDone:
			t.Errorf("row %d was reported done, now %s", id, rec.Status)
		case started[id] && rec.Status != StatusDone && rec.Status != StatusUnknown:
			t.Errorf("row %d was reported started, now %s: it was journaled as uploading before it was announced", id, rec.Status)
		case rec.Status != StatusDone && rec.Status != StatusUnknown && rec.Status != StatusInterrupted:
			t.Errorf("row %d left %s", id, rec.Status)
		case rec.Status != StatusDone && rec.ErrorMessage == "":
			t.Errorf("row %d is %s without a message", id, rec.Status)
		case rec.Status == StatusDone || rec.Status == StatusUnknown:
			if want := fileSHA256(t, rec.Path); rec.SHA256 != want {
				t.Errorf("row %d is %s with SHA-256 %q, want the file's %s", id, rec.Status, rec.SHA256, want)
			}
		}
	}
	rec := h.Recovered()
	if count[StatusUnknown] == 0 || count[StatusInterrupted] == 0 || rec.Unknown != count[StatusUnknown] || rec.Interrupted != count[StatusInterrupted] {
		t.Errorf("statuses %v, recovery %+v: want some unknown (in flight) and some interrupted (waiting)", count, rec)
	}
	t.Logf("after SIGKILL: %v", count)
}

// crashChildHelper is the process TestCrashMidBatch kills: it uploads a folder and reports
// on stdout until it is killed.
func crashChildHelper() error {
	h, err := OpenHistory(os.Getenv("CRASH_DB"))
	if err != nil {
		return err
	}
	p := NewProfile("Crash")
	p.UploadURL, p.APIBase, p.APIKey, p.Parallel = os.Getenv("CRASH_UPLOAD"), os.Getenv("CRASH_API"), os.Getenv("CRASH_KEY"), 2
	q := NewQueue(h, func(p Profile) (*client.Client, error) {
		return client.New(client.WithUploadURL(p.UploadURL), client.WithAPIBase(p.APIBase),
			client.WithLegacyKey(p.APIKey, os.Getenv("CRASH_SECRET")))
	})
	sub := q.Subscribe()
	res, err := q.Submit(context.Background(), p, []string{os.Getenv("CRASH_FILES")}, SubmitOptions{})
	if err != nil {
		return err
	}
	fmt.Printf("submitted %s\n", strings.Trim(fmt.Sprint(res.IDs), "[]"))
	for e := range sub.C {
		switch e.Kind {
		case EventStarted, EventDone:
			fmt.Printf("%s %d\n", e.Kind, e.Record.ID)
		}
	}
	return nil
}

// fileSHA256 is the lower-case hex SHA-256 of the file at path.
func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(data))
}
