package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// TestSentHashWhateverTheOutcome: Result.SentSHA256 says, after any outcome, whether a try
// handed the whole file to its request, and the hash of those bytes: set after a failure reply
// that came once the file was sent, after a cancel while Redox held its reply, and on success;
// kept from an earlier try when a later one was cut off; "" when the only try was cut off
// mid-file.
func TestSentHashWhateverTheOutcome(t *testing.T) {
	tests := []struct {
		name     string
		faults   []redoxtest.Fault
		tries    int
		size     int
		cancel   bool        // cancel the upload once the file was handed over and Redox holds the request
		kind     client.Kind // KindUnknown: success expected
		wantHash bool
	}{
		{"500 after the whole body", []redoxtest.Fault{{Status: 500, Forever: true}}, 1, 200 << 10, false, client.KindServer, true},
		{"cancelled while Redox holds the reply", []redoxtest.Fault{{Hang: true}}, 1, 200 << 10, true, client.KindCancelled, true},
		// 32 MiB is more than loopback's socket buffers hold, so the reset comes mid-file.
		{"reset mid-body", []redoxtest.Fault{{ResetMidBody: true, Forever: true}}, 1, 32 << 20, false, client.KindNetwork, false},
		{"a whole try, then one reset mid-body", []redoxtest.Fault{{Status: 503}, {ResetMidBody: true, Forever: true}}, 2, 32 << 20, false, client.KindNetwork, true},
		{"success", nil, 1, 200 << 10, false, client.KindUnknown, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStand(t, redoxtest.Config{MaxUploadSize: 64 << 20})
			entered := make(chan struct{}, 1)
			if tt.cancel {
				tt.faults[0].Entered = entered
			}
			s.Script(tt.faults...)
			c := s.legacyClient(t, client.WithMaxSize(64<<20), millisecondRetries(tt.tries, time.Minute))
			path := writeFile(t, "scan.pdf", tt.size)

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			handedOver, done := make(chan struct{}), make(chan struct{})
			var once sync.Once
			if tt.cancel {
				go cancelOnceHeld(cancel, entered, handedOver, done)
			}
			res, err := c.Upload(ctx, path, client.UploadOptions{Progress: func(sent, total int64) {
				if sent == total {
					once.Do(func() { close(handedOver) })
				}
			}})
			close(done)

			if tt.kind == client.KindUnknown {
				if err != nil {
					t.Fatalf("Upload: %v (%s)", err, client.Detail(err))
				}
			} else if e := asError(t, err); e.Kind != tt.kind {
				t.Fatalf("error kind %v, want %v (%s)", e.Kind, tt.kind, e.Detail())
			}
			want := ""
			if tt.wantHash {
				want = sha256File(t, path)
			}
			if res.SentSHA256 != want {
				t.Errorf("SentSHA256 = %q, want %q", res.SentSHA256, want)
			}
			if st := s.Stats(); st.UploadRequests != tt.tries {
				t.Errorf("server saw %d upload requests, want %d", st.UploadRequests, tt.tries)
			}
		})
	}
}

// cancelOnceHeld cancels once the server holds the request and the whole file was handed to
// it, unless done comes first.
func cancelOnceHeld(cancel context.CancelFunc, entered, handedOver, done <-chan struct{}) {
	for _, ch := range []<-chan struct{}{entered, handedOver} {
		select {
		case <-ch:
		case <-done:
			return
		}
	}
	cancel()
}

// TestSentHashAskedDuringAnEarlyReply: a reply that comes before Redox read the file leaves the
// transport still reading the body when the upload looks at it; under -race, asking for the
// hash then must not race with the transport. The file is larger than the connection's buffers,
// so it is never handed over whole.
func TestSentHashAskedDuringAnEarlyReply(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.WithUploadURL(srv.URL+"/upload"), client.WithStaticToken("pasted-token-0123456789abcdef0123456789"),
		client.WithMaxSize(64<<20), millisecondRetries(1, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "scan.pdf", 32<<20)
	for range 3 {
		res, err := c.Upload(t.Context(), path, client.UploadOptions{})
		if e := asError(t, err); e.Kind != client.KindTooLarge || res.SentSHA256 != "" {
			t.Errorf("kind %v, SentSHA256 %q: want too-large and no hash (%s)", e.Kind, res.SentSHA256, e.Detail())
		}
	}
}
