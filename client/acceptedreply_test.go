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
	"redoxuploader/client/redoxtest"
)

// TestAcceptedReplyCutShortIsNotRetried: a 201 or 200 whose body stops arriving or is cut off
// means Redox took the file but its URI never came. That is reported once, never retried (a
// retry would leave copies on Redox), with the status kept and a message that warns against
// sending the file again unchecked.
func TestAcceptedReplyCutShortIsNotRetried(t *testing.T) {
	const partial = `{"URI":"https://blob`
	tests := []struct {
		name   string
		status int
		stall  bool   // the reply stops arriving; else the connection is cut after partial
		cause  string // in the detail
	}{
		{"201 that stops arriving", http.StatusCreated, true, "the reply's body was not whole 300ms after its headers"},
		{"200 that stops arriving", http.StatusOK, true, "the reply's body was not whole 300ms after its headers"},
		{"201 cut off", http.StatusCreated, false, "unexpected EOF"},
		{"200 cut off", http.StatusOK, false, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			uploadURL, requests := acceptedServer(t, tt.status, partial, tt.stall)
			c, err := client.New(client.WithUploadURL(uploadURL), client.WithStaticToken(acceptedToken),
				client.WithStallTimeout(300*time.Millisecond), millisecondRetries(4, time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			path := writeFile(t, "scan.pdf", 10<<10)
			res, err := c.Upload(t.Context(), path, client.UploadOptions{})
			e := asError(t, err)
			if e.Kind != client.KindBadResponse || e.Status != tt.status || res.Status != tt.status {
				t.Errorf("kind %v status %d (result %d), want bad-response %d (%s)", e.Kind, e.Status, res.Status, tt.status, e.Detail())
			}
			for _, w := range []string{"Redox accepted the file, but its answer did not arrive whole", "check with IT before sending it again"} {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q lacks %q", e.Message, w)
				}
			}
			if d := e.Detail(); !strings.Contains(d, tt.cause) || !strings.Contains(d, `reply "{\"URI\":\"https://blob"`) {
				t.Errorf("detail %q lacks the cause %q or the reply's start", d, tt.cause)
			}
			if n := requests(); n != 1 || res.Attempts != 1 || e.Attempts != 1 {
				t.Errorf("server saw %d upload requests, client counts %d (error %d): want 1", n, res.Attempts, e.Attempts)
			}
			if res.URI != "" || res.SentSHA256 != sha256File(t, path) {
				t.Errorf("URI %q, SentSHA256 %q: want no URI and the file's hash", res.URI, res.SentSHA256)
			}
		})
	}
}

const acceptedToken = "pasted-token-0123456789abcdef0123456789"

// acceptedServer serves an upload endpoint that answers status with a Content-Length one
// byte longer than partial, sends partial, then holds the reply (stall) or cuts the connection.
// It returns the endpoint and its count of requests.
func acceptedServer(t *testing.T, status int, partial string, stall bool) (string, func() int) {
	t.Helper()
	if stall {
		s := newStand(t, redoxtest.Config{})
		s.AddStaticToken("token-source", acceptedToken, time.Time{})
		s.Script(redoxtest.Fault{StallReply: true, Status: status, Body: partial, ContentType: "application/json", Forever: true})
		return s.UploadURL(), func() int { return s.Stats().UploadRequests }
	}
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(partial)+1))
		w.WriteHeader(status)
		_, _ = io.WriteString(w, partial)
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler) // the connection is cut without the last byte
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/upload", func() int { return int(requests.Load()) }
}
