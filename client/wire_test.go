package client_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// TestHeaderInjection: names that try to add header lines arrive as one clean filename, and
// the part carries exactly its two headers.
func TestHeaderInjection(t *testing.T) {
	tests := []struct{ name, want string }{
		{"evil\r\nX-Injected: yes\r\n\r\n.pdf", "evilX-Injected: yes.pdf"},
		{"line\nbreak.pdf", "linebreak.pdf"},
		{`say "hi".pdf`, `say "hi".pdf`},
		{`back\slash.pdf`, `back\slash.pdf`},
		{"tab\there.pdf", "tabhere.pdf"},
		{"bell\x07\x1b[31m.pdf", "bell[31m.pdf"},
		{"Überweisung 名前.pdf", "Überweisung 名前.pdf"},
	}
	s := newStand(t, redoxtest.Config{})
	c := s.legacyClient(t)
	dir := t.TempDir()
	for i, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte("content"), 0o600); err != nil {
			t.Fatalf("%q: %v", tt.name, err)
		}
		if _, err := c.Upload(t.Context(), path, client.UploadOptions{}); err != nil {
			t.Fatalf("%q: %v", tt.name, err)
		}
		got := s.Uploads()[i]
		if got.FileName != tt.want {
			t.Errorf("sent %q, server read %q, want %q", tt.name, got.FileName, tt.want)
		}
		if len(got.PartHeader) != 2 || got.PartHeader.Get("Content-Disposition") == "" || got.PartHeader.Get("Content-Type") == "" {
			t.Errorf("%q: part headers %q", tt.name, got.PartHeader)
		}
	}
}

func TestNameOverrideAndPathStripped(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	path := writeFile(t, "tmp123.bin", 10)
	res, err := s.legacyClient(t).Upload(t.Context(), path, client.UploadOptions{Name: "../../Lab Result.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Uploads()[0]; got.FileName != "Lab Result.pdf" || got.ContentType != "application/pdf" || res.FileName != got.FileName {
		t.Errorf("server read %q (%s), result says %q", got.FileName, got.ContentType, res.FileName)
	}
}

func TestProgressReachesTotal(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	const size = 3<<20 + 17
	var calls []int64
	_, err := s.legacyClient(t).Upload(t.Context(), writeFile(t, "a.pdf", size), client.UploadOptions{
		Progress: func(sent, total int64) {
			if total != size {
				t.Errorf("total %d, want %d", total, size)
			}
			calls = append(calls, sent)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i] <= calls[i-1] {
			t.Fatalf("progress went from %d to %d", calls[i-1], calls[i])
		}
	}
	if len(calls) < 2 || calls[len(calls)-1] != size {
		t.Errorf("progress calls %d, last %v", len(calls), calls[len(calls)-1:])
	}
}

// TestFileChangedWhileSending: a file still being written (it grows or shrinks during the
// upload) is reported as changed, not sent as a torn copy.
func TestFileChangedWhileSending(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(path string) error
	}{
		{"grows", func(path string) error {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			_, err = f.Write(make([]byte, 1000))
			return errors.Join(err, f.Close())
		}},
		{"shrinks", func(path string) error { return os.Truncate(path, 1000) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newStand(t, redoxtest.Config{})
			path := writeFile(t, "recording.wav", 2<<20)
			changed := false
			_, err := s.legacyClient(t).Upload(t.Context(), path, client.UploadOptions{
				Progress: func(sent, total int64) {
					if !changed {
						changed = true
						if err := tt.change(path); err != nil {
							t.Errorf("changing the file during the upload: %v", err) // the test proves nothing then
						}
					}
				},
			})
			if e := asError(t, err); e.Kind != client.KindFile || e.File != client.FileChanged {
				t.Errorf("kind %v problem %v (%s)", e.Kind, e.File, e.Detail())
			}
			if n := len(s.Uploads()); n != 0 {
				t.Errorf("server stored %d uploads of a torn file", n)
			}
		})
	}
}

// BenchmarkUpload10MiB streams a 10 MiB file to the local stand-in. Its metric alloc-B/sent-B
// is the memory allocated, by the client and the stand-in together, per byte of file sent: an
// upload that held the file in memory would allocate at least the file, 1 or more. The goal,
// ≤ 0.10, is checked by scripts/bench.sh (make bench), which fails when it is missed.
func BenchmarkUpload10MiB(b *testing.B) {
	const size = 10 << 20
	s := newStand(b, redoxtest.Config{})
	c := s.legacyClient(b)
	path := writeFile(b, "scan.pdf", size)
	if _, err := c.Upload(b.Context(), path, client.UploadOptions{}); err != nil { // sign in and warm up
		b.Fatal(err)
	}
	runtime.GC()
	b.SetBytes(size)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if _, err := c.Upload(b.Context(), path, client.UploadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/size, "alloc-B/sent-B")
}
