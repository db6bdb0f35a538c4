package app

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// BenchmarkQueueBatch200: one op is the queue's whole per-file path for a batch of 200 files
// of 100 KiB (scripts/bench.sh case B): Submit, hash, journal every state change in a fresh
// history, send four at a time to the redoxtest stand-in with a static token, until every row
// is final. force skips the duplicate check (the CLI's --force, as case B runs); check does it
// (every file is new to the history, so all are sent). The stand-in runs in the same process
// and shares the CPUs.
func BenchmarkQueueBatch200(b *testing.B) {
	const files, size = 200, 100 << 10
	s := redoxtest.NewServer(redoxtest.Config{})
	defer s.Close()
	demo := s.AddDemoSources()
	dir := b.TempDir()
	paths := make([]string, files)
	for i := range paths {
		paths[i] = writeRandom(b, dir, fmt.Sprintf("page-%03d.pdf", i), size)
	}
	p := NewProfile("Bench")
	p.Auth, p.UploadURL, p.APIBase, p.Parallel = AuthToken, s.UploadURL(), s.APIBase(), 4
	newClient := func(p Profile) (*client.Client, error) {
		return client.New(client.WithUploadURL(p.UploadURL), client.WithAPIBase(p.APIBase),
			client.WithMaxSize(p.MaxSize), client.WithStaticToken(demo.Token))
	}

	for _, force := range []bool{true, false} {
		name := map[bool]string{true: "force", false: "check"}[force]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(files * size)
			cpu0 := cpuTime()
			for b.Loop() {
				b.StopTimer()
				h, err := OpenHistory(filepath.Join(b.TempDir(), "history.db"))
				if err != nil {
					b.Fatal(err)
				}
				q := NewQueue(h, newClient)
				sub := q.Subscribe()
				b.StartTimer()

				res, err := q.Submit(b.Context(), p, paths, SubmitOptions{Force: force})
				if err != nil || len(res.IDs) != files {
					b.Fatalf("Submit: %d rows, %v", len(res.IDs), err)
				}
				for final := 0; final < files; {
					e := <-sub.C
					if !e.Final() {
						continue
					}
					if e.Kind != EventDone {
						b.Fatalf("row %d: %s: %s", e.Record.ID, e.Kind, e.Record.ErrorMessage)
					}
					final++
				}

				b.StopTimer()
				sub.Close()
				if err := q.Close(context.Background()); err != nil {
					b.Fatal(err)
				}
				if err := h.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*files), "µs/file")
			// CPU of the whole process (the stand-in too, and the untimed set-up), less swayed
			// than wall time by other work on a shared machine.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N*files), "cpu-µs/file")
		})
	}
}
