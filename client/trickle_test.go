package client_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"redoxuploader/client"
)

// TestTricklingReplyEndsAsAStall: a reply whose body comes a byte at a time, each well within
// the stall timeout, must still be whole within the stall timeout of its headers. An error reply
// that trickles fails as a stall and is retried; a success reply that trickles is Redox's
// accepted file without its URI, reported once.
func TestTricklingReplyEndsAsAStall(t *testing.T) {
	// Each body would take two seconds to trickle out whole, far past the 300 ms stall timeout.
	const size = 100
	uri := `{"URI":"https://blob.redoxengine.com/1"}`
	tests := []struct {
		name     string
		status   int
		body     string
		kind     client.Kind
		requests int
		words    string
	}{
		{"error reply", http.StatusServiceUnavailable, "<html>Service Unavailable</html>", client.KindNetwork, 2,
			"Redox's answer did not arrive in time: it was still incomplete 0.3 seconds after it began. Check the network connection"},
		{"success reply", http.StatusCreated, uri, client.KindBadResponse, 1,
			"Redox accepted the file, but its answer did not arrive whole"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				trickle(w, r, tt.status, tt.body+strings.Repeat(" ", size-len(tt.body)), 20*time.Millisecond)
			}))
			t.Cleanup(srv.Close)
			c, err := client.New(client.WithUploadURL(srv.URL+"/upload"), client.WithStaticToken(acceptedToken),
				client.WithStallTimeout(300*time.Millisecond), millisecondRetries(2, time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Upload(t.Context(), writeFile(t, "scan.pdf", 10<<10), client.UploadOptions{})
			e := asError(t, err)
			if e.Kind != tt.kind || !strings.Contains(e.Message, tt.words) {
				t.Errorf("%v %q, want %v saying %q (%s)", e.Kind, e.Message, tt.kind, tt.words, e.Detail())
			}
			if d := e.Detail(); !strings.Contains(d, "the reply's body was not whole 300ms after its headers") {
				t.Errorf("detail %q lacks the cause", d)
			}
			if n := int(requests.Load()); n != tt.requests || res.Attempts != tt.requests {
				t.Errorf("server saw %d requests, client counts %d: want %d", n, res.Attempts, tt.requests)
			}
		})
	}
}

// trickle answers status with body, sending it a byte every interval until it is all sent or
// the client has gone.
func trickle(w http.ResponseWriter, r *http.Request, status int, body string, interval time.Duration) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	rc := http.NewResponseController(w)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for i := range len(body) {
		_, _ = io.WriteString(w, body[i:i+1])
		if rc.Flush() != nil {
			return
		}
		select {
		case <-tick.C:
		case <-r.Context().Done():
			return
		}
	}
}
