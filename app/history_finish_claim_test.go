package app

import (
	"strings"
	"testing"
	"time"
)

// TestFinishClaiming: an outcome and the claim of the next row ride in one commit; a claim
// that cannot be made (another row has the size, the row is no longer queued) leaves the
// outcome written alone; and a claim made with an outcome whose row was already final is
// reported made, so that its row is sent and not claimed a second time.
func TestFinishClaiming(t *testing.T) {
	for _, tc := range []struct {
		name        string
		prepare     func(t *testing.T, h *History, sent, next *Record)
		wantErr     string // in the outcome's error; "" for none
		wantClaimed bool
		sentStatus  Status // the sent row's status afterwards
		nextStatus  Status
	}{
		{name: "both in one commit", wantClaimed: true, sentStatus: StatusDone, nextStatus: StatusUploading},
		{name: "another row of the size", prepare: func(t *testing.T, h *History, _, next *Record) {
			twin := Record{Profile: "p", Source: "s", Name: "twin.pdf", Size: next.Size, Status: StatusQueued}
			if err := h.Insert(t.Context(), &twin); err != nil {
				t.Fatal(err)
			}
		}, sentStatus: StatusDone, nextStatus: StatusQueued},
		{name: "next no longer queued", prepare: func(t *testing.T, h *History, _, next *Record) {
			c := *next
			c.Status, c.ErrorMessage = StatusCancelled, "Cancelled before it was sent. Nothing reached Redox."
			if err := h.Finish(t.Context(), &c); err != nil {
				t.Fatal(err)
			}
		}, sentStatus: StatusDone, nextStatus: StatusCancelled},
		{name: "sent row already final", prepare: func(t *testing.T, h *History, sent, _ *Record) {
			c := *sent
			c.Status = StatusCancelled
			if err := h.Finish(t.Context(), &c); err != nil {
				t.Fatal(err)
			}
		}, wantErr: "already cancelled", wantClaimed: true, sentStatus: StatusCancelled, nextStatus: StatusUploading},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, commits := watchCommits(t)
			defer h.Close()
			ctx := t.Context()
			sent := Record{Profile: "p", Source: "s", Name: "sent.pdf", Size: 100, Status: StatusQueued}
			next := Record{Profile: "p", Source: "s", Name: "next.pdf", Size: 200, Status: StatusQueued}
			if err := h.InsertBatch(ctx, []*Record{&sent, &next}); err != nil {
				t.Fatal(err)
			}
			if err := h.markUploading(ctx, sent.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			if tc.prepare != nil {
				tc.prepare(t, h, &sent, &next)
			}
			commits.Store(0)
			sent.Status, sent.URI, sent.SHA256 = StatusDone, "https://blob.example/1", strings.Repeat("a", 64)
			claimed, err := h.finishClaiming(ctx, &sent, &unhashedClaim{id: next.ID, source: next.Source, size: next.Size})
			switch {
			case tc.wantErr == "" && err != nil, tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("outcome: %v, want an error saying %q", err, tc.wantErr)
			case claimed != tc.wantClaimed:
				t.Errorf("claimed %v, want %v", claimed, tc.wantClaimed)
			}
			if n := commits.Load(); n != 1 {
				t.Errorf("%d commits, want the outcome and the claim in one", n)
			}
			for _, want := range []struct {
				id     int64
				status Status
			}{{sent.ID, tc.sentStatus}, {next.ID, tc.nextStatus}} {
				got, err := h.Get(ctx, want.id)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != want.status {
					t.Errorf("row %d (%s) is %s, want %s", got.ID, got.Name, got.Status, want.status)
				}
				var owner string
				if err := h.queryRow(ctx, "SELECT owner FROM uploads WHERE id = ?", want.id).Scan(&owner); err != nil {
					t.Fatal(err)
				}
				if want.status == StatusUploading && (got.Started.IsZero() || owner != h.ownerID()) {
					t.Errorf("row %d claimed without its start or this History as owner (%q): %+v", got.ID, owner, got)
				}
			}
		})
	}
}
