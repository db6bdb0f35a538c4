package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// The upload-folder helper's settings, in its environment.
const (
	uploadHelperDB     = "UPLOAD_HELPER_DB"
	uploadHelperFolder = "UPLOAD_HELPER_FOLDER"
	uploadHelperURL    = "UPLOAD_HELPER_URL"
	uploadHelperAPI    = "UPLOAD_HELPER_API"
	uploadHelperKey    = "UPLOAD_HELPER_KEY"
	uploadHelperSecret = "UPLOAD_HELPER_SECRET"
	uploadHelperHold   = "UPLOAD_HELPER_HOLD" // "1": after "end", keep the history open until killed
)

// uploadFolderHelper is one process of TestSameFilesFromTwoProcesses (and others): it opens
// the history, says "ready", waits for its standard input to close, uploads the folder, prints
// "row ID STATUS" for each row as it ends (with " not-saved" when the history could not save
// it), then "end". With UPLOAD_HELPER_HOLD=1 it then waits, history open, until killed.
func uploadFolderHelper() error {
	h, err := OpenHistory(os.Getenv(uploadHelperDB))
	if err != nil {
		return err
	}
	p := NewProfile("Two processes")
	p.UploadURL, p.APIBase, p.APIKey, p.Parallel = os.Getenv(uploadHelperURL), os.Getenv(uploadHelperAPI), os.Getenv(uploadHelperKey), 4
	q := NewQueue(h, func(p Profile) (*client.Client, error) {
		return client.New(client.WithUploadURL(p.UploadURL), client.WithAPIBase(p.APIBase),
			client.WithLegacyKey(p.APIKey, os.Getenv(uploadHelperSecret)))
	})
	q.claimPoll = 10 * time.Millisecond
	sub := q.Subscribe()
	defer sub.Close()
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	res, err := q.Submit(context.Background(), p, []string{os.Getenv(uploadHelperFolder)}, SubmitOptions{})
	if err != nil {
		return err
	}
	left := len(res.IDs)
	for e := range sub.C {
		if e.Final() && e.Kind != EventSaved {
			note := ""
			if e.Record.NotSaved != "" {
				note = " not-saved"
			}
			fmt.Printf("row %d %s%s\n", e.Record.ID, e.Record.Status, note)
			if left--; left == 0 {
				break
			}
		}
	}
	fmt.Println("end")
	if os.Getenv(uploadHelperHold) == "1" {
		select {} // until killed: nothing closes the history
	}
	return errors.Join(q.Close(context.Background()), h.Close())
}

// uploadHelper starts the upload-folder helper on the folder and database given, uploading to
// the rig's stand-in; it has said "ready" and waits for its standard input to close.
func (r *queueRig) uploadHelper(t *testing.T, folder, db string, env ...string) (cmd *exec.Cmd, stdin io.WriteCloser, lines *bufio.Scanner, stderr *strings.Builder) {
	t.Helper()
	cmd, stdin, lines, stderr = startHelper(t, "upload-folder", append([]string{uploadHelperDB + "=" + db, uploadHelperFolder + "=" + folder,
		uploadHelperURL + "=" + r.server.UploadURL(), uploadHelperAPI + "=" + r.server.APIBase(),
		uploadHelperKey + "=" + r.demo.APIKey, uploadHelperSecret + "=" + r.demo.Secret}, env...)...)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("the helper did not start: %q\n%s", lines.Text(), stderr)
	}
	return cmd, stdin, lines, stderr
}

// TestSenderThatDiedDoesNotHoldTheContent: a process killed while it sends a file leaves its
// row uploading; another process given the same file, which would wait for that upload, finds
// the sender gone, recovers its row as unknown (as a restart would) and sends the file itself,
// rather than waiting for ever. The killed process's row, sent without hashing first (its size
// was new), has the size and no hash; the other process waits on it as on the same content.
func TestSenderThatDiedDoesNotHoldTheContent(t *testing.T) {
	db := filepath.Join(t.TempDir(), "history.db")
	h, err := OpenHistory(db)
	if err != nil {
		t.Fatal(err)
	}
	r := newQueueRigWith(t, 1, h)
	r.queue.claimPoll = 10 * time.Millisecond
	r.server.Script(redoxtest.Fault{Hang: true})
	folder := t.TempDir()
	file := writeRandom(t, folder, "scan.pdf", 20<<10)

	cmd, stdin, _, _ := r.uploadHelper(t, folder, db)
	stdin.Close()
	r.waitAtServer(t, 1) // the helper's upload hangs at the stand-in
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	sub, err := r.queue.Submit(t.Context(), r.profile, []string{file}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := lastEvent(r.waitFinal(t, sub.IDs...)[sub.IDs[0]]); e.Kind != EventDone {
		t.Errorf("the file ended %s (%s); want sent", e.Kind, e.Record.ErrorMessage)
	}
	dead, err := h.Search(t.Context(), Query{Statuses: []Status{StatusUnknown}})
	if err != nil || len(dead) != 1 || dead[0].SHA256 != "" || dead[0].Size != 20<<10 {
		t.Errorf("the killed process's row: %+v, %v; want one row recovered as unknown", dead, err)
	}
	if st := r.server.Stats(); st.UploadRequests != 2 || st.Uploaded != 1 {
		t.Errorf("the stand-in saw %+v; want the hung request and one upload", st)
	}
}

// TestSameFilesFromTwoProcesses: two processes given the same 20 files at the same moment,
// sharing one data folder, send each content to the source once between them; the other
// process's row for it is a duplicate pointing at the upload.
func TestSameFilesFromTwoProcesses(t *testing.T) {
	r := newQueueRig(t, 1)                // for its stand-in
	faults := make([]redoxtest.Fault, 40) // every upload takes a moment, so the two overlap
	for i := range faults {
		faults[i] = redoxtest.Fault{Delay: 20 * time.Millisecond}
	}
	r.server.Script(faults...)
	const files = 20
	folder, db := t.TempDir(), filepath.Join(t.TempDir(), "history.db")
	for i := range files {
		writeRandom(t, folder, fmt.Sprintf("scan-%02d.pdf", i), 20<<10)
	}

	type child struct {
		cmd    *exec.Cmd
		stdin  io.WriteCloser
		lines  *bufio.Scanner
		stderr *strings.Builder
	}
	var children []child
	for range 2 {
		var c child
		c.cmd, c.stdin, c.lines, c.stderr = r.uploadHelper(t, folder, db)
		children = append(children, c)
	}
	for _, c := range children { // both are ready: let them go at once
		c.stdin.Close()
	}
	statuses := map[string]int{}
	for i, c := range children {
		for c.lines.Scan() && c.lines.Text() != "end" {
			if f := strings.Fields(c.lines.Text()); len(f) == 3 {
				statuses[f[2]]++
			}
		}
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("helper %d: %v\n%s", i, err, c.stderr)
		}
	}

	uploads := r.server.Uploads()
	perContent := map[string]int{}
	for _, u := range uploads {
		perContent[u.SHA256]++
	}
	t.Logf("two processes, %d files each: the stand-in received %d uploads; rows %v", files, len(uploads), statuses)
	if len(uploads) != files || len(perContent) != files {
		t.Errorf("the stand-in received %d uploads of %d contents, want %d of %d: each once", len(uploads), len(perContent), files, files)
	}
	if statuses["done"] != files || statuses["duplicate"] != files {
		t.Errorf("rows ended %v; want %d done and %d duplicate", statuses, files, files)
	}
}
