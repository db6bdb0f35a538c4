//go:build unix

package smallfile

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// A pipe is refused without opening it: opening a pipe for reading waits for a writer, so
// this test would hang if Read opened it.
func TestReadRefusesAPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "key.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Read(fifo, "the private key file", 64<<10)
	if !errors.Is(err, ErrNotRegular) || err.Error() != "the private key file "+fifo+" is a pipe, not a file" {
		t.Fatalf("Read(a pipe) = %v", err)
	}
}

func TestReadRefusesDevZero(t *testing.T) {
	_, err := Read("/dev/zero", "the certificate file", 4<<20)
	if !errors.Is(err, ErrNotRegular) {
		t.Fatalf("Read(/dev/zero) = %v, want ErrNotRegular", err)
	}
}
