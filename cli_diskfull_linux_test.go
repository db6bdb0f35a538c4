package main

import (
	"strings"
	"testing"

	"redoxuploader/internal/smalldisk"
)

// TestUploadOnAFullDiskKeepsTheURI: the disk holding the history fills while a file is being
// sent. Redox has the file, so its URI is printed, the history's failure is said at once in
// plain words with that URI, and the command exits 1. Once space returns, the next command
// finds the upload in the history, done with that URI.
func TestUploadOnAFullDiskKeepsTheURI(t *testing.T) {
	disk := smalldisk.Mount(t, "2m")
	s, demo := newTestServerOnUpload(t, disk.Fill)
	file := writeFile(t, t.TempDir(), "scan.pdf", 20<<10)
	env := map[string]string{"REDOX_ACCESS_TOKEN": demo.Token, "REDOX_UPLOADER_HOME": disk.Dir}

	r := runCmd(t, env, serverArgs(s, "--auth", "token", file)...)
	ups := s.Uploads()
	if len(ups) != 1 {
		t.Fatalf("Redox received %d uploads; stderr:\n%s", len(ups), r.stderr)
	}
	uri := ups[0].URI
	if r.code != exitFailed || r.stdout != file+"\t"+uri+"\n" {
		t.Errorf("exit %d, stdout %q; want 1 and the URI %s", r.code, r.stdout, uri)
	}
	want := "The file reached Redox but the history could not be saved: the disk is full."
	if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "Its URI is "+uri) {
		t.Errorf("stderr lacks %q with the URI:\n%s", want, r.stderr)
	}
	for _, code := range []string{"(13)", "SQLITE", "disk I/O error"} {
		if strings.Contains(r.stderr, code) {
			t.Errorf("stderr shows SQLite's %q:\n%s", code, r.stderr)
		}
	}

	disk.Free()
	r = runCmd(t, env, "history", "--csv", "--columns", "status,uri")
	if r.code != exitOK || !strings.Contains(r.stdout, "done,"+uri) {
		t.Errorf("history after space returned: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestHistoryOnAReadOnlyDisk: the data folder's disk turns read-only. history still lists the
// uploads, with a note saying the history cannot be written; an upload is refused in plain
// words before anything is sent.
func TestHistoryOnAReadOnlyDisk(t *testing.T) {
	disk := smalldisk.Mount(t, "2m")
	s, demo := newTestServer(t)
	env := map[string]string{"REDOX_ACCESS_TOKEN": demo.Token, "REDOX_UPLOADER_HOME": disk.Dir}
	dir := t.TempDir()
	runCmd(t, env, serverArgs(s, "--auth", "token", writeFile(t, dir, "scan.pdf", 2000))...)
	disk.ReadOnly()

	r := runCmd(t, env, "history")
	if r.code != exitOK || !strings.Contains(r.stdout, "scan.pdf") || !strings.Contains(r.stderr, "note: The upload history can only be read") ||
		!strings.Contains(r.stderr, "read-only") {
		t.Errorf("history on a read-only disk: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, env, serverArgs(s, "--auth", "token", writeFile(t, dir, "more.pdf", 2000))...)
	if r.code != exitFailed || !strings.Contains(r.stderr, "read-only") || len(s.Uploads()) != 1 {
		t.Errorf("upload on a read-only disk: exit %d, %d uploads\n%s", r.code, len(s.Uploads()), r.stderr)
	}
	for _, code := range []string{"SQLITE", "(8)", "readonly database"} {
		if strings.Contains(r.stderr, code) {
			t.Errorf("the refusal shows SQLite's %q:\n%s", code, r.stderr)
		}
	}
}
