package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHistoryCommitsWaitingWritesTogether: writes that wait while another runs are committed
// together, in one transaction, once it ends; each caller returns only when its write is
// committed (another connection sees it then) and gets its own result, as if it had written
// alone: a row that is not queued any more is refused without holding the others back. When
// one of them fails (an insert pointing at a row that does not exist), or the shared commit
// does (refused by the commit hook, as a full disk would fail it), the writes are run again
// each alone, and each caller gets its own result.
func TestHistoryCommitsWaitingWritesTogether(t *testing.T) {
	for _, tc := range []struct {
		name          string
		failing       bool
		refuseCommits int32
		wantCommits   int64
	}{
		{"together", false, 0, 1},
		{"one fails: each alone", true, 0, 5}, // the five marks (one changes nothing); the insert commits nothing
		{"the shared commit fails: each alone", false, 1, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, commits := watchCommits(t)
			defer h.Close()
			ctx := t.Context()
			var queued []Record
			for i := range 4 {
				queued = append(queued, insertRecord(t, h, Record{Name: fmt.Sprintf("scan-%d.pdf", i), Status: StatusQueued}))
			}
			ended := insertRecord(t, h, Record{Name: "ended.pdf", Status: StatusCancelled})
			reader := rawDB(t, h.path) // its own connections: it sees what is committed, nothing else

			// Each write; marked is the row it marks uploading, if it should.
			type write struct {
				name   string
				marked int64
				run    func() error
			}
			var writes []write
			for i, r := range queued {
				writes = append(writes, write{r.Name, r.ID, func() error {
					return h.markUploadingHashed(ctx, r.ID, time.Now(), strings.Repeat(fmt.Sprint(i), 64), 10)
				}})
			}
			writes = append(writes, write{"ended", 0, func() error { return h.markUploading(ctx, ended.ID, time.Now()) }})
			if tc.failing {
				writes = append(writes, write{"dangling", 0, func() error {
					return h.Insert(ctx, &Record{Name: "resend.pdf", Status: StatusQueued, ResentFrom: 1 << 40})
				}})
			}

			joined := make(chan int, len(writes))
			h.group.joined = func(waiting int) { joined <- waiting }
			if err := h.lockWrites(ctx); err != nil {
				t.Fatal(err)
			}
			type result struct {
				name string
				err  error
				seen Status // the marked row's status as another connection sees it when the write returns
			}
			results := make(chan result, len(writes))
			for _, w := range writes {
				go func() {
					res := result{name: w.name, err: w.run()}
					if w.marked != 0 {
						res.err = errors.Join(res.err, reader.QueryRowContext(ctx, "SELECT status FROM uploads WHERE id = ?",
							w.marked).Scan(&res.seen))
					}
					results <- res
				}()
			}
			for n := 0; n < len(writes); n = <-joined {
			}
			commits.Store(0)
			commits.refuse.Store(tc.refuseCommits)
			h.unlockWrites()

			for range writes {
				res := <-results
				switch res.name {
				case "ended":
					if res.err == nil || !strings.Contains(res.err.Error(), "already cancelled") {
						t.Errorf("marking a cancelled row: %v; want it refused", res.err)
					}
				case "dangling":
					if res.err == nil || !strings.Contains(res.err.Error(), "FOREIGN KEY") {
						t.Errorf("inserting a resend of no row: %v; want the foreign key's error", res.err)
					}
				default:
					if res.err != nil || res.seen != StatusUploading {
						t.Errorf("%s: %v, seen as %q by another connection when it returned; want uploading", res.name, res.err, res.seen)
					}
				}
			}
			if n := commits.Load(); n != tc.wantCommits {
				t.Errorf("%d commits, want %d", n, tc.wantCommits)
			}
			if n, err := h.Count(ctx, Query{Text: "resend"}); err != nil || n != 0 {
				t.Errorf("Count(resend) = %d, %v; want the failed insert to leave nothing", n, err)
			}
		})
	}
}

// TestHistoryWaitingWriteWithdrawnWhenItsContextEnds: a write waiting for its turn whose
// context ends returns at once with the context's error and is not written later; the others
// waiting with it are.
func TestHistoryWaitingWriteWithdrawnWhenItsContextEnds(t *testing.T) {
	h := openTestHistory(t)
	a := insertRecord(t, h, Record{Name: "a.pdf", Status: StatusQueued})
	b := insertRecord(t, h, Record{Name: "b.pdf", Status: StatusQueued})
	joined := make(chan int, 2)
	h.group.joined = func(waiting int) { joined <- waiting }
	if err := h.lockWrites(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	withdrawn := make(chan error)
	go func() { withdrawn <- h.markUploading(ctx, a.ID, time.Now()) }()
	<-joined
	kept := make(chan error)
	go func() { kept <- h.markUploading(t.Context(), b.ID, time.Now()) }()
	<-joined
	cancel()
	if err := <-withdrawn; !errors.Is(err, context.Canceled) {
		t.Errorf("the write whose context ended: %v, want context.Canceled", err)
	}
	h.unlockWrites()
	if err := <-kept; err != nil {
		t.Errorf("the other write: %v", err)
	}
	if got := getRecord(t, h, a.ID); got.Status != StatusQueued {
		t.Errorf("the withdrawn write's row is %s, want still queued", got.Status)
	}
	if got := getRecord(t, h, b.ID); got.Status != StatusUploading {
		t.Errorf("the other row is %s, want uploading", got.Status)
	}
}
