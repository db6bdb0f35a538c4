package redoxtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestNeverRead: the body of a held request is not read, so a client sending more than the
// connection buffers cannot finish sending; Close lets the handler go.
func TestNeverRead(t *testing.T) {
	s := newTestServer(t, Config{})
	s.AddStaticToken("clinic", "tok", time.Time{})
	entered := make(chan struct{}, 1)
	s.Script(Fault{NeverRead: true, Entered: entered})

	const size = 64 << 20 // far more than loopback socket buffers hold
	body := &countingReader{r: io.LimitReader(zeros{}, size)}
	req := uploadRequest(t, s, "tok", body, "application/octet-stream")
	req.ContentLength = size
	errc := make(chan error, 1)
	go func() {
		resp, err := s.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-entered
	s.Handler.Close()
	if err := <-errc; err == nil {
		t.Error("got a reply, want the connection dropped")
	}
	if n := body.n.Load(); n >= size {
		t.Errorf("the client sent all %d bytes; the server must not have read them", n)
	}
}

// TestStallReply: the reply's headers and Body arrive, the promised last byte never does, and
// Close ends the wait with an error on the client's read.
func TestStallReply(t *testing.T) {
	s := newTestServer(t, Config{})
	s.AddStaticToken("clinic", "tok", time.Time{})
	s.Script(Fault{StallReply: true, Body: `{"URI":"https://blob`, ContentType: "application/json"})
	body, ct := multipartBody(t, filePart{"file", "f", "", []byte("data")})
	resp, err := s.Client().Do(uploadRequest(t, s, "tok", bytes.NewReader(body), ct))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.ContentLength != int64(len(`{"URI":"https://blob`))+1 {
		t.Errorf("status %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	start := make([]byte, len(`{"URI":"https://blob`))
	if _, err := io.ReadFull(resp.Body, start); err != nil || string(start) != `{"URI":"https://blob` {
		t.Fatalf("read %q, %v", start, err)
	}
	s.Handler.Close()
	if n, err := resp.Body.Read(make([]byte, 1)); err == nil || errors.Is(err, io.EOF) && n == 1 {
		t.Errorf("read %d bytes, %v: want the reply cut short", n, err)
	}
}

// TestEcho: an Echo fault repeats the request, credentials included, in each form a gateway
// may use, and records what it sent.
func TestEcho(t *testing.T) {
	const (
		token  = `tok-with/slash+plus"quote<angle>`
		marker = "innocuous-marker-0042"
	)
	tests := []struct {
		contentType string
		wantType    string
		decode      func(string) string // undoes the form's escaping
	}{
		{"", "text/plain; charset=utf-8", func(s string) string { return s }},
		{"application/json", "application/json", func(s string) string {
			var v struct {
				Echo echoedRequest `json:"echo"`
			}
			if err := json.Unmarshal([]byte(s), &v); err != nil {
				return "undecodable: " + err.Error()
			}
			return v.Echo.Authorization + "\n" + v.Echo.Body
		}},
		{"application/x-www-form-urlencoded", "application/x-www-form-urlencoded", func(s string) string {
			v, err := url.ParseQuery(s)
			if err != nil {
				return "undecodable: " + err.Error()
			}
			return v.Get("request")
		}},
	}
	s := newTestServer(t, Config{})
	for _, tt := range tests {
		s.Script(Fault{Echo: true, ContentType: tt.contentType})
	}
	for i, tt := range tests {
		req := uploadRequest(t, s, token, strings.NewReader("body with "+marker), "text/plain")
		got := do(t, s.Client(), req)
		if got.status != http.StatusBadGateway || got.header.Get("Content-Type") != tt.wantType {
			t.Errorf("%q: %d %q, want 502 %q", tt.contentType, got.status, got.header.Get("Content-Type"), tt.wantType)
		}
		plain := tt.decode(got.body)
		if !strings.Contains(plain, "Bearer "+token) || !strings.Contains(plain, marker) {
			t.Errorf("%q: the echo %q does not carry the token and the body", tt.contentType, got.body)
		}
		if tt.contentType != "" && strings.Contains(got.body, token) {
			t.Errorf("%q: the echo %q carries the token unescaped", tt.contentType, got.body)
		}
		if echoes := s.Echoes(); len(echoes) != i+1 || echoes[i] != got.body {
			t.Errorf("Echoes() = %q, want the %d replies sent", echoes, i+1)
		}
	}
}

// TestForever: a Forever fault acts on every request of its queue, and only of its queue.
func TestForever(t *testing.T) {
	s := newTestServer(t, Config{})
	s.AddStaticToken("clinic", "tok", time.Time{})
	s.AddLegacySource("clinic", "key", "secret")
	s.Script(Fault{Status: 503, Forever: true}, Fault{Status: 400})
	s.ScriptAuth(Fault{Status: 502, Forever: true})
	for range 3 {
		if got := uploadFile(t, s, "tok", []byte("x")); got.status != 503 {
			t.Errorf("upload: %d, want 503 every time", got.status)
		}
		if got := postJSON(t, s, "/auth/authenticate", map[string]string{"apiKey": "key", "secret": "secret"}); got.status != 502 {
			t.Errorf("sign-in: %d, want 502 every time", got.status)
		}
	}
}

// TestServerCloseReleasesHeldHandlers: Close returns although every holding fault has a
// request in hand; httptest waits for its handlers, so a handler that were not let go would
// hold Close (and the test) for ever, and a test that closes its server leaks none.
func TestServerCloseReleasesHeldHandlers(t *testing.T) {
	for _, f := range []Fault{{Hang: true}, {NeverRead: true}, {StallReply: true, Body: "{"}, {Delay: time.Hour}} {
		entered := make(chan struct{}, 1)
		f.Entered = entered
		s := NewServer(Config{})
		s.AddStaticToken("clinic", "tok", time.Time{})
		s.Script(f)
		body, ct := multipartBody(t, filePart{"file", "f", "", []byte("data")})
		errc := make(chan error, 1)
		go func() {
			resp, err := s.Client().Do(uploadRequest(t, s, "tok", bytes.NewReader(body), ct))
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			errc <- err
		}()
		<-entered
		s.Close()
		if err := <-errc; err == nil {
			t.Errorf("%+v: the client got a whole reply, want the connection dropped", f)
		}
	}
}
