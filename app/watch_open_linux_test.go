package app

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpenableAloneWhileOpenToWrite: a file some program still holds open to write (a scanner
// pausing between pages) is not openable alone, however long it has not changed; readers do
// not count; once the writer closes it, it is.
func TestOpenableAloneWhileOpenToWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scan.pdf")
	writeFile(t, path, []byte("page 1"))
	reader, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if !openableAlone(path) {
		t.Errorf("a file open only to read is not openable alone")
	}
	writer, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if openableAlone(path) {
		t.Errorf("a file open to write is openable alone")
	}
	writer.Close()
	if !openableAlone(path) {
		t.Errorf("a file no longer open to write is not openable alone")
	}
}

// leaseChildEnv names the file a child run of TestOpenableAloneNotOwner asks about.
const leaseChildEnv = "REDOX_TEST_LEASE_CHILD"

// TestOpenableAloneNotOwner: an account that does not own the file cannot ask Linux for a
// lease; the settle time alone then says the file is complete, as before, even while another
// program has it open to write. Run as root (CI), it asks from a child running as nobody.
func TestOpenableAloneNotOwner(t *testing.T) {
	if path := os.Getenv(leaseChildEnv); path != "" {
		fmt.Printf("openable alone: %v\n", openableAlone(path))
		return
	}
	if os.Geteuid() != 0 {
		path := "/etc/passwd" // another account's file, on any Linux
		if fi, err := os.Stat(path); err != nil || fi.Sys().(*syscall.Stat_t).Uid == uint32(os.Geteuid()) {
			t.Skip("no file of another account to ask about; run as root to test")
		}
		if !openableAlone(path) {
			t.Errorf("another account's file is not openable alone")
		}
		return
	}
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} { // nobody may reach and read the file, not lease it
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "scan.pdf")
	if err := os.WriteFile(path, []byte("page 1"), 0o644); err != nil {
		t.Fatal(err)
	}
	writer, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	self := filepath.Join(dir, "app.test") // where nobody may run it
	if err := copyFile(os.Args[0], self); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^TestOpenableAloneNotOwner$", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), leaseChildEnv+"="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the child run as nobody: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "openable alone: true") {
		t.Errorf("as an account that does not own the file, want it openable alone (the settle time decides); the child said:\n%s", out)
	}
}

// copyFile copies the file src to a new file dest that anyone may read and run.
func copyFile(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// TestWatchWaitsForTheWriterToClose: a scan whose size and time have not changed for longer
// than the settle time (a scanner pausing between pages) is not readied while the scanner still
// has it open to write; once it closes it, it is.
func TestWatchWaitsForTheWriterToClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scan.pdf")
	writeFile(t, path, []byte("page 1"))
	writer, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	rig := newWatchRig(t, newQueueRig(t, 1), quickWatch(), dir)
	w := rig.watcher
	start := time.Now()
	w.observe(dir, path, start)
	later := start.Add(time.Hour) // far past the settle time
	w.checkSettling(later)
	if f := w.files[path]; f.state != fileSettling || len(w.ready) != 0 {
		t.Fatalf("open to write: state %v, %d ready; want it still settling", f.state, len(w.ready))
	}
	writer.Close()
	w.checkSettling(later)
	if f := w.files[path]; f.state != fileReady || len(w.ready) != 1 {
		t.Errorf("closed: state %v, %d ready; want it ready", f.state, len(w.ready))
	}
}
