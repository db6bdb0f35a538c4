package client_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// TestStalledTransfersFailAndAreRetried: a try that stops moving, whether the server does not
// take the body, does not answer once it has it, or stops sending an error answer, fails after
// the stall timeout as a network failure in plain words, and is retried per the policy. (A
// success answer that stops is never retried: TestAcceptedReplyCutShortIsNotRetried.)
func TestStalledTransfersFailAndAreRetried(t *testing.T) {
	tests := []struct {
		name  string
		fault redoxtest.Fault
		size  int
		words string // in the message
		cause string // in the detail
	}{
		{"server never reads the body", redoxtest.Fault{NeverRead: true, Forever: true}, 12 << 20,
			"Redox took nothing more of the file for 0.3 seconds", "no progress for 300ms while sending the file"},
		{"no reply after the body", redoxtest.Fault{Hang: true, Forever: true}, 10 << 10,
			"The file was sent, but Redox did not answer for 0.3 seconds", "no progress for 300ms waiting for the reply after the file was sent"},
		{"error reply stops mid-body", redoxtest.Fault{StallReply: true, Status: 503, Body: "<html>Service Unavail", Forever: true}, 10 << 10,
			"Redox's answer did not arrive in time: it was still incomplete 0.3 seconds after it began", "the reply's body was not whole 300ms after its headers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStand(t, redoxtest.Config{})
			s.Script(tt.fault)
			c := s.legacyClient(t, client.WithStallTimeout(300*time.Millisecond), client.WithMaxSize(32<<20),
				millisecondRetries(2, time.Minute))
			var causes []*client.Error
			res, err := c.Upload(t.Context(), writeFile(t, "scan.pdf", tt.size), client.UploadOptions{
				OnRetry: func(_ int, _ time.Duration, cause *client.Error) { causes = append(causes, cause) },
			})
			e := asError(t, err)
			if e.Kind != client.KindNetwork || !strings.Contains(e.Message, tt.words) || !strings.Contains(e.Message, "Check the network connection") {
				t.Errorf("%v %q, want network saying %q", e.Kind, e.Message, tt.words)
			}
			if d := e.Detail(); !strings.Contains(d, tt.cause) || !strings.Contains(d, "during upload") {
				t.Errorf("detail %q lacks the stall", d)
			}
			if res.Attempts != 2 || e.Attempts != 2 || len(causes) != 1 || causes[0].Message != e.Message {
				t.Errorf("%d tries (error says %d), OnRetry causes %v: want 2 tries and one retry for the stall", res.Attempts, e.Attempts, causes)
			}
			if st := s.Stats(); st.UploadRequests != 2 || st.Uploaded != 0 {
				t.Errorf("stats %+v: want two upload requests", st)
			}
		})
	}
}

// TestSilentSignInGivesUp: a sign-in service that takes the request and never answers fails
// each try within the sign-in bound. Every try counts, OnRetry tells of each coming one with
// its cause, and a refresh that got no answer is not followed by a full sign-in to the same
// silent server.
func TestSilentSignInGivesUp(t *testing.T) {
	keys := testKeys()
	expired := client.Token{AccessToken: "expired-access-token", RefreshToken: "saved-refresh-token", Expires: time.Now().Add(-time.Hour)}
	tests := []struct {
		name string
		opts func(s *stand) []client.Option
		want redoxtest.Stats
	}{
		{"legacy", func(s *stand) []client.Option {
			return []client.Option{client.WithLegacyKey(s.demo.APIKey, s.demo.Secret)}
		}, redoxtest.Stats{Authenticate: 3}},
		{"legacy with a saved token to refresh", func(s *stand) []client.Option {
			return []client.Option{client.WithLegacyKey(s.demo.APIKey, s.demo.Secret), client.WithTokenStore(&memoryStore{saved: []client.Token{expired}})}
		}, redoxtest.Stats{Refresh: 3}},
		{"oauth", func(s *stand) []client.Option {
			return []client.Option{client.WithOAuth("ec-client", "ec-kid", keys.ecPEM)}
		}, redoxtest.Stats{OAuthToken: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStand(t, redoxtest.Config{})
			s.AddOAuthSource("ec", "ec-client", "ec-kid", &keys.ec.PublicKey)
			s.ScriptAuth(redoxtest.Fault{Hang: true, Forever: true})
			c := s.client(t, append(tt.opts(s), client.WithStallTimeout(200*time.Millisecond),
				millisecondRetries(3, time.Minute))...)
			var retries []string
			res, err := c.Upload(t.Context(), writeFile(t, "a.pdf", 1000), client.UploadOptions{
				OnRetry: func(next int, _ time.Duration, cause *client.Error) {
					retries = append(retries, fmt.Sprintf("%d %s %v", next, cause.Op, cause.Kind))
				},
			})
			e := asError(t, err)
			if e.Kind != client.KindNetwork || e.Op != "sign in" || !strings.Contains(e.Message, "sign-in service did not answer within 0.2 seconds") {
				t.Errorf("%v %q %q", e.Kind, e.Op, e.Message)
			}
			if res.Attempts != 3 || e.Attempts != 3 {
				t.Errorf("%d tries (error says %d), want 3: a failed sign-in is a try", res.Attempts, e.Attempts)
			}
			if want := []string{"2 sign in network", "3 sign in network"}; !slices.Equal(retries, want) {
				t.Errorf("OnRetry calls %q, want %q", retries, want)
			}
			if st := s.Stats(); st != tt.want {
				t.Errorf("stats %+v, want %+v", st, tt.want)
			}
		})
	}
}

// TestRetryBudgetCountsFailedTries: the policy's budget counts the time tries spent failing,
// not only the waits between them. Each try here takes the whole sign-in bound (0.1 s), so a
// budget of 0.5 s allows at most six; counting only the millisecond waits would allow all 50.
func TestRetryBudgetCountsFailedTries(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	s.ScriptAuth(redoxtest.Fault{Hang: true, Forever: true})
	c := s.legacyClient(t, client.WithStallTimeout(100*time.Millisecond),
		millisecondRetries(50, 500*time.Millisecond))
	res, err := c.Upload(t.Context(), writeFile(t, "a.pdf", 1000), client.UploadOptions{})
	if e := asError(t, err); e.Kind != client.KindNetwork || e.Op != "sign in" {
		t.Errorf("%v %q %q", e.Kind, e.Op, e.Message)
	}
	if res.Attempts < 1 || res.Attempts > 6 {
		t.Errorf("%d tries; a 0.5 s budget of 0.1 s tries allows at most 6", res.Attempts)
	}
}

// TestSlowLinkIsNeverCutOff: a transfer that keeps moving, however long it takes, is not cut
// off by the stall timeout, and time spent moving the file does not use up the retry budget.
func TestSlowLinkIsNeverCutOff(t *testing.T) {
	tests := []struct {
		name     string
		faults   []redoxtest.Fault
		attempts int
	}{
		{"keeps moving", nil, 1},
		{"retried after a slow try that failed", []redoxtest.Fault{{Status: 503}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := redoxtest.NewHandler(redoxtest.Config{MaxUploadSize: 32 << 20})
			demo := h.AddDemoSources()
			h.Script(tt.faults...)
			srv := httptest.NewUnstartedServer(slowLink{next: h, step: 32 << 10, every: 5 * time.Millisecond})
			srv.Listener = smallReceiveBuffers{srv.Listener}
			srv.Start()
			t.Cleanup(func() { h.Close(); srv.Close() })
			// 16 MiB at 32 KiB per 5 ms takes over 2.6 s a try: more than six stall timeouts,
			// and more than the whole retry budget. What the connection holds unseen once the
			// last byte is handed over (its send buffer, capped at 512 KiB) drains in well
			// under one; an autotuned buffer of megabytes would not.
			c, err := client.New(client.WithUploadURL(srv.URL+"/upload"), client.WithAPIBase(srv.URL),
				client.WithLegacyKey(demo.APIKey, demo.Secret), client.WithStallTimeout(400*time.Millisecond), client.WithMaxSize(32<<20),
				millisecondRetries(3, 400*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			path := writeFile(t, "scan.pdf", 16<<20)
			res, err := c.Upload(t.Context(), path, client.UploadOptions{})
			if err != nil {
				t.Fatalf("Upload: %v (%s)", err, client.Detail(err))
			}
			if res.Attempts != tt.attempts || res.SentSHA256 != sha256File(t, path) {
				t.Errorf("%d tries, sent hash %s; want %d tries and the file's hash", res.Attempts, res.SentSHA256, tt.attempts)
			}
		})
	}
}

// smallReceiveBuffers gives every accepted connection a small receive buffer, as a slow link
// has, so that what the connection holds unread stays small.
type smallReceiveBuffers struct{ net.Listener }

func (l smallReceiveBuffers) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if tcp, ok := conn.(*net.TCPConn); ok {
		if err := tcp.SetReadBuffer(64 << 10); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return conn, err
}

// slowLink hands a stand-in request bodies at a slow, steady pace, as a slow link delivers them.
type slowLink struct {
	next  http.Handler
	step  int           // bytes per step
	every time.Duration // time per step
}

func (l slowLink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = &pacedBody{ReadCloser: r.Body, step: l.step, every: l.every}
	l.next.ServeHTTP(w, r)
}

// pacedBody lets step bytes through every so often. The sleep is the pace of the link, not a
// wait for something.
type pacedBody struct {
	io.ReadCloser
	step, left int
	every      time.Duration
}

func (p *pacedBody) Read(b []byte) (int, error) {
	if p.left == 0 {
		time.Sleep(p.every)
		p.left = p.step
	}
	n, err := p.ReadCloser.Read(b[:min(len(b), p.left)])
	p.left -= n
	return n, err
}
