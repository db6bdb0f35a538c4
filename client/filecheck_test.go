package client

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestUnreadableFile: each way opening a file can fail gets its own words and is reported as
// found before sending. Root opens every file whatever its mode, so the open's failure is
// injected where it happens rather than made with permissions: the test runs the same as root.
func TestUnreadableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.pdf")
	if err := os.WriteFile(path, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		err     error
		problem FileProblem
		words   string
	}{
		{"permission denied", syscall.EACCES, FileUnreadable, "could not be opened for reading"},
		{"read error", syscall.EIO, FileUnreadable, "could not be opened for reading"},
		{"link loop", syscall.ELOOP, FileLinkLoop, "leads back to itself"},
		{"link loop on Windows", errCantResolveFilename, FileLinkLoop, "leads back to itself"},
		{"gone since it was looked at", syscall.ENOENT, FileMissing, "could not be found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failOpen := func(name string) (*os.File, error) { return nil, &fs.PathError{Op: "open", Path: name, Err: tt.err} }
			_, err := checkFile(path, 100, failOpen)
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v, want *Error", err, err)
			}
			if e.Kind != KindFile || e.File != tt.problem || !strings.Contains(e.Message, tt.words) {
				t.Errorf("%v/%v %q, want file/%v saying %q", e.Kind, e.File, e.Message, tt.problem, tt.words)
			}
			if d := e.Detail(); !strings.Contains(d, "refused before sending") || !strings.Contains(d, "open: "+tt.err.Error()) ||
				strings.Contains(d, path) {
				t.Errorf("detail %q: want the cause, without the path, and that nothing was sent", d)
			}
		})
	}
}
