package redoxtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestFaultReplies(t *testing.T) {
	s := newTestServer(t, Config{})
	s.AddStaticToken("clinic", "tok", time.Time{})
	content := bytes.Repeat([]byte("x"), 300<<10) // over the server's own 256 KiB drain

	tests := []struct {
		name        string
		fault       Fault
		status      int
		contentType string
		body        string // exact, or "" to skip
		retryAfter  string
		location    string
		uploaded    bool
	}{
		{name: "503 HTML", fault: Fault{Status: 503, Body: "<html>Service Unavailable</html>"},
			status: 503, contentType: "text/html", body: "<html>Service Unavailable</html>"},
		{name: "201 with HTML body", fault: Fault{Status: 201, Body: "<html>ok</html>"},
			status: 201, contentType: "text/html", body: "<html>ok</html>"},
		{name: "201 without URI", fault: Fault{Status: 201, Body: "{}", ContentType: "application/json"},
			status: 201, contentType: "application/json", body: "{}"},
		{name: "201 truncated JSON", fault: Fault{Status: 201, Body: `{"URI":"http`, ContentType: "application/json"},
			status: 201, contentType: "application/json", body: `{"URI":"http`},
		{name: "429 Retry-After", fault: Fault{Status: 429, RetryAfter: "7"},
			status: 429, retryAfter: "7"},
		{name: "redirect", fault: Fault{Status: 307, Location: "https://elsewhere.example/upload"},
			status: 307, location: "https://elsewhere.example/upload"},
		{name: "Retry-After on a normal reply", fault: Fault{RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"},
			status: 201, contentType: "application/json", retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", uploaded: true},
		{name: "Delay then normal", fault: Fault{Delay: 20 * time.Millisecond},
			status: 201, contentType: "application/json", uploaded: true},
		{name: "queue empty", status: 201, contentType: "application/json", uploaded: true},
	}
	for _, tt := range tests {
		s.Script(tt.fault)
	}
	uploaded := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got := uploadFile(t, s, "tok", content)
			if elapsed := time.Since(start); elapsed < tt.fault.Delay {
				t.Errorf("answered after %v, want at least %v", elapsed, tt.fault.Delay)
			}
			if got.header.Get("Location") != tt.location {
				t.Errorf("Location %q, want %q", got.header.Get("Location"), tt.location)
			}
			if got.status != tt.status || got.header.Get("Content-Type") != tt.contentType ||
				got.header.Get("Retry-After") != tt.retryAfter || (tt.body != "" && got.body != tt.body) {
				t.Errorf("got %d %q Retry-After %q %.80q, want %d %q Retry-After %q %.80q",
					got.status, got.header.Get("Content-Type"), got.header.Get("Retry-After"), got.body,
					tt.status, tt.contentType, tt.retryAfter, tt.body)
			}
			if tt.uploaded {
				uploaded++
			}
		})
	}
	if st := s.Stats(); st.UploadRequests != len(tests) || st.Uploaded != uploaded {
		t.Errorf("Stats() = %+v, want %d requests, %d uploaded", st, len(tests), uploaded)
	}
}

func TestScriptAuth(t *testing.T) {
	s := newTestServer(t, Config{})
	s.AddLegacySource("clinic", "key", "secret")
	s.ScriptAuth(
		Fault{Status: 502, Body: "Bad Gateway"},
		Fault{Status: 429, RetryAfter: "3", Body: `{"error":"slow_down"}`, ContentType: "application/json"},
	)
	creds := map[string]string{"apiKey": "key", "secret": "secret"}

	if got := postJSON(t, s, "/auth/authenticate", creds); got.status != 502 || got.body != "Bad Gateway" || got.header.Get("Content-Type") != "text/html" {
		t.Errorf("first: %d %q %q, want 502 text/html Bad Gateway", got.status, got.header.Get("Content-Type"), got.body)
	}
	got := postForm(t, s, "application/x-www-form-urlencoded", tokenForm("x"))
	if got.status != 429 || got.header.Get("Retry-After") != "3" || got.body != `{"error":"slow_down"}` {
		t.Errorf("second: %d Retry-After %q %q, want 429 Retry-After 3", got.status, got.header.Get("Retry-After"), got.body)
	}
	decodeLegacy(t, postJSON(t, s, "/auth/authenticate", creds))
	if st := s.Stats(); st.Authenticate != 2 || st.OAuthToken != 1 || st.UploadRequests != 0 {
		t.Errorf("Stats() = %+v, want 2 authenticate, 1 OAuth token", st)
	}
}

func TestResetMidBody(t *testing.T) {
	tests := []struct {
		name string
		tls  bool
		size int
	}{
		{"small body", false, 100},
		{"1 MiB body", false, 1 << 20},
		{"1 MiB body over TLS", true, 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(Config{})
			if tt.tls {
				s = NewTLSServer(Config{})
			}
			t.Cleanup(s.Close)
			s.AddStaticToken("clinic", "tok", time.Time{})
			s.Script(Fault{ResetMidBody: true})

			body, ct := multipartBody(t, filePart{"file", "f.bin", "", make([]byte, tt.size)})
			resp, err := s.Client().Do(uploadRequest(t, s, "tok", bytes.NewReader(body), ct))
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got a %d reply, want a connection error", resp.StatusCode)
			}
			t.Logf("client error: %v", err)
			if got := uploadFile(t, s, "tok", []byte("next")); got.status != http.StatusCreated {
				t.Errorf("next upload: %d %s", got.status, got.body)
			}
			if st := s.Stats(); st.UploadRequests != 2 || st.Uploaded != 1 {
				t.Errorf("Stats() = %+v, want 2 requests, 1 uploaded", st)
			}
		})
	}
}

// signalEOF closes done when its reader reaches EOF.
type signalEOF struct {
	io.Reader
	done chan struct{}
}

func (r *signalEOF) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	if err == io.EOF {
		select {
		case <-r.done:
		default:
			close(r.done)
		}
	}
	return n, err
}

func TestHeldRequestsReleased(t *testing.T) {
	faults := []struct {
		name  string
		fault Fault
	}{
		{"Hang", Fault{Hang: true}},
		{"Delay", Fault{Delay: time.Hour}},
		{"NeverRead", Fault{NeverRead: true}},
	}
	for _, f := range faults {
		t.Run(f.name+" until the client gives up", func(t *testing.T) {
			s := newTestServer(t, Config{})
			s.AddStaticToken("clinic", "tok", time.Time{})
			s.Script(f.fault)
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			body, ct := multipartBody(t, filePart{"file", "f", "", []byte("data")})
			_, err := s.Client().Do(uploadRequest(t, s, "tok", bytes.NewReader(body), ct).WithContext(ctx))
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want a deadline error", err)
			}
		})

		t.Run(f.name+" released by Close", func(t *testing.T) {
			s := newTestServer(t, Config{})
			s.AddStaticToken("clinic", "tok", time.Time{})
			s.Script(f.fault)
			body, ct := multipartBody(t, filePart{"file", "f", "", []byte("data")})
			sent := &signalEOF{Reader: bytes.NewReader(body), done: make(chan struct{})}
			errc := make(chan error, 1)
			go func() {
				resp, err := s.Client().Do(uploadRequest(t, s, "tok", sent, ct))
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			<-sent.done
			s.Handler.Close()
			s.Handler.Close() // idempotent
			if err := <-errc; err == nil {
				t.Error("got a reply, want the connection dropped")
			}
			if got := s.Stats().UploadRequests; got != 1 {
				t.Errorf("Stats().UploadRequests = %d, want 1", got)
			}
		})

		t.Run(f.name+" released by the request context", func(t *testing.T) {
			h := NewHandler(Config{})
			defer h.Close()
			h.Script(f.fault)
			ctx, cancel := context.WithCancel(t.Context())
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/upload", strings.NewReader("body"))
			returned := make(chan struct{})
			go func() {
				defer close(returned)
				h.ServeHTTP(httptest.NewRecorder(), req)
			}()
			cancel()
			select {
			case <-returned:
			case <-time.After(10 * time.Second):
				t.Fatal("handler still held 10s after its request context ended")
			}
		})
	}
}

func TestServerCloseReleasesHang(t *testing.T) {
	s := NewServer(Config{})
	s.AddStaticToken("clinic", "tok", time.Time{})
	s.Script(Fault{Hang: true})

	// With Expect: 100-continue the client sends the body only once the
	// handler reads it, so the end of the body means the handler is in.
	tr := s.Client().Transport.(*http.Transport).Clone()
	tr.ExpectContinueTimeout = time.Minute
	client := &http.Client{Transport: tr}
	body, ct := multipartBody(t, filePart{"file", "f", "", []byte("data")})
	sent := &signalEOF{Reader: bytes.NewReader(body), done: make(chan struct{})}
	req := uploadRequest(t, s, "tok", sent, ct)
	req.Header.Set("Expect", "100-continue")
	errc := make(chan error, 1)
	go func() {
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-sent.done
	s.Close() // would block forever if the hung handler were not released
	if err := <-errc; err == nil {
		t.Error("got a reply, want the connection dropped")
	}
}
