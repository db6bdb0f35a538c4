package smallfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, bytes.Repeat([]byte("k"), size), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sparse := filepath.Join(dir, "huge.pem")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil { // 2 GB, no blocks used
		t.Fatal(err)
	}
	f.Close()
	link := filepath.Join(dir, "link-to-device")
	if err := os.Symlink(os.DevNull, link); err != nil {
		t.Fatal(err)
	}

	const max = 1024
	tests := []struct {
		name     string
		path     string
		wantSize int
		wantErr  error
		wantText string // in the message, after "the test file PATH "
	}{
		{"small", write("small.pem", 10), 10, nil, ""},
		{"exactly the cap", write("at-cap.pem", max), max, nil, ""},
		{"one byte over", write("over.pem", max+1), 0, ErrTooLarge, "is larger than 1 KB, far more than such a file holds"},
		{"2 GB", sparse, 0, ErrTooLarge, "is larger than 1 KB"},
		{"a device", os.DevNull, 0, ErrNotRegular, "is a device, not a file"},
		{"a link to a device", link, 0, ErrNotRegular, "is a device, not a file"},
		{"a folder", dir, 0, ErrNotRegular, "is a folder, not a file"},
		{"missing", filepath.Join(dir, "gone.pem"), 0, fs.ErrNotExist, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Read(tt.path, "the test file", max)
			if tt.wantErr == nil {
				if err != nil || len(data) != tt.wantSize {
					t.Fatalf("Read = %d bytes, %v; want %d bytes", len(data), err, tt.wantSize)
				}
				return
			}
			var fe *Error
			if !errors.Is(err, tt.wantErr) || !errors.As(err, &fe) || data != nil {
				t.Fatalf("Read = %d bytes, %v; want an *Error matching %v", len(data), err, tt.wantErr)
			}
			if want := "the test file " + tt.path + " " + tt.wantText; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message = %q, want it to start %q", err.Error(), want)
			}
		})
	}
}

func TestCapText(t *testing.T) {
	for n, want := range map[int64]string{1: "1 byte", 1000: "1000 bytes", 64 << 10: "64 KB", 4 << 20: "4 MB", 1<<20 + 1<<10: "1025 KB"} {
		if got := capText(n); got != want {
			t.Errorf("capText(%d) = %q, want %q", n, got, want)
		}
	}
}
