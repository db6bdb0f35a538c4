package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkKeepIfSent: what mustReadToKeep and keepIfSent cost the watcher's goroutine for one 4 MiB file of a
// read-only folder: a new file of a size nothing of the source was sent with (only asked
// about, not read), and one of a size sent before with other content (read and hashed).
func BenchmarkKeepIfSent(b *testing.B) {
	const size = 4 << 20
	for _, tc := range []struct {
		name     string
		sentSize int64
	}{
		{"new size", size + 1},
		{"sent size", size},
	} {
		b.Run(tc.name, func(b *testing.B) {
			dir := b.TempDir()
			h, err := OpenHistory(filepath.Join(b.TempDir(), "history.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { h.Close() })
			path := filepath.Join(dir, "scan.pdf")
			if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
				b.Fatal(err)
			}
			w := &Watcher{queue: &Queue{history: h, hashFile: hashFile}, now: time.Now,
				folders: []*watchedFolder{{path: dir, readOnly: true}}}
			rec := Record{Source: w.profile.SourceID(), Size: tc.sentSize, SHA256: strings.Repeat("e", 64), Status: StatusDone}
			if err := h.Insert(context.Background(), &rec); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			for b.Loop() {
				if keepAsSubmitReadyDoes(context.Background(), w, &watchedFile{path: path, folder: dir, size: size, state: fileReady}) {
					b.Fatal("kept a file never sent")
				}
			}
		})
	}
}
