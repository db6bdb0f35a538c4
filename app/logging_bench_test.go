package app

import (
	"io"
	"log/slog"
	"testing"
)

// BenchmarkRedactingHandler logs the line the queue writes for every file sent, "upload
// finished" with its ten attributes: "alone" through the redacting handler into a handler that
// keeps nothing, "json" through the whole logger NewLogger makes.
func BenchmarkRedactingHandler(b *testing.B) {
	for _, bench := range []struct {
		name string
		log  *slog.Logger
	}{
		{"alone", slog.New(NewRedactingHandler(logHook(func(slog.Record) {})))}, // into a handler that keeps nothing
		{"json", NewLogger(io.Discard, false)},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bench.log.Info("upload finished", "row", int64(48213), "file", "discharge-summary.pdf",
					"profile", "Radiology Night Desk", "status", "done", "duration", "412ms",
					"attempts", 1, "http_status", 201, "error_kind", "",
					"message", "", "detail", "")
			}
		})
	}
}
