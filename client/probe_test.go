package client_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

func TestProbeThroughManualProxy(t *testing.T) {
	s := newTLSStand(t)
	proxy := newForwardProxy(t, redoxtest.ProxyConfig{User: "nurse", Password: "s3cret pass"})

	r, err := client.Probe(t.Context(), s.UploadURL(),
		client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: proxy.URLWith("nurse", "s3cret pass")}),
		client.WithExtraRootCAs(standCA(s)),
		client.WithLegacyKey(s.demo.APIKey, s.demo.Secret))
	if err != nil {
		t.Fatalf("Probe through the proxy: %v (%s)", err, client.Detail(err))
	}
	host := strings.TrimPrefix(s.URL, "https://")
	if proxy.Count("CONNECT "+host) != 1 {
		t.Errorf("the proxy saw %q; want one CONNECT to %s", proxy.Seen(), host)
	}
	if r.Proxy == nil || r.Proxy.Host != strings.TrimPrefix(proxy.URL, "http://") || r.Proxy.User != nil {
		t.Errorf("Reached.Proxy = %v, want the proxy's address without its user", r.Proxy)
	}
	if r.URL.Host != host || r.Status != http.StatusMethodNotAllowed {
		t.Errorf("Reached %s with %d; want %s answering 405 to HEAD /upload", r.URL.Host, r.Status, host)
	}
	if st := s.Stats(); st != (redoxtest.Stats{}) {
		t.Errorf("the stand-in was asked to sign in or upload: %+v", st)
	}
}

// TestProbeSendsNothing: one HEAD request, no body, no Authorization, whatever credentials the
// options hold; a 401 still proves the path.
func TestProbeSendsNothing(t *testing.T) {
	var mu sync.Mutex
	var seen []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r)
		mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)

	r, err := client.Probe(t.Context(), srv.URL+"/upload", client.WithStaticToken("static-token-never-sent"),
		client.WithProxy(client.ProxyConfig{Mode: client.ProxyNone}), client.WithUserAgent("checker/1"))
	if err != nil || r.Status != http.StatusUnauthorized || r.Proxy != nil {
		t.Fatalf("Probe = %+v, %v; want the 401 reached without a proxy", r, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 {
		t.Fatalf("the server got %d requests, want 1", len(seen))
	}
	req := seen[0]
	if req.Method != http.MethodHead || req.ContentLength != 0 || req.Header.Get("Authorization") != "" || req.UserAgent() != "checker/1" {
		t.Errorf("request %s, length %d, Authorization %q, User-Agent %q; want a bare HEAD from checker/1",
			req.Method, req.ContentLength, req.Header.Get("Authorization"), req.UserAgent())
	}
}

func TestProbeFailures(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := "http://" + closed.Addr().String()
	closed.Close()
	hanging := newHangingServer(t)

	tests := []struct {
		name, target, proxy string
		timeout             time.Duration
		want                string
	}{
		{"no proxy listening", "https://blob.redoxengine.com/upload", nobody, 0, "Could not reach the network's proxy"},
		{"no answer in time", hanging.URL, "", 50 * time.Millisecond, "did not answer in time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := client.ProxyConfig{Mode: client.ProxyNone}
			if tt.proxy != "" {
				pc = client.ProxyConfig{Mode: client.ProxyManual, URL: tt.proxy}
			}
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			_, err := client.Probe(ctx, tt.target, client.WithProxy(pc))
			e := asError(t, err)
			if e.Kind != client.KindNetwork || !strings.Contains(e.Message, tt.want) {
				t.Errorf("Probe error = %s %q, want network and %q", e.Kind, e.Message, tt.want)
			}
		})
	}
}

func TestProbeUnknownAuthorityThenExtraCA(t *testing.T) {
	s := newTLSStand(t)
	none := client.WithProxy(client.ProxyConfig{Mode: client.ProxyNone})
	_, err := client.Probe(t.Context(), s.APIBase(), none)
	wantNetworkError(t, err, "extra trusted certificates", client.FixCertificates, "")
	if _, err := client.Probe(t.Context(), s.APIBase(), none, client.WithExtraRootCAs(standCA(s))); err != nil {
		t.Errorf("Probe with the extra CA: %v (%s)", err, client.Detail(err))
	}
}

func TestProbeRefuses(t *testing.T) {
	for _, tt := range []struct {
		name, target string
		opts         []client.Option
		want         string
	}{
		{"plain http to another computer", "http://blob.redoxengine.com/upload", nil, "https"},
		{"a caller's HTTP client", client.DefaultUploadURL, []client.Option{client.WithHTTPClient(http.DefaultClient)}, "WithHTTPClient"},
		{"an invalid option", client.DefaultUploadURL, []client.Option{client.WithExtraRootCAs([]byte("x"))}, "no certificate found"},
	} {
		if _, err := client.Probe(t.Context(), tt.target, tt.opts...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Probe error = %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
}

// TestProbeCancelled: a check stopped by its caller (Settings closed) says so, not "upload".
func TestProbeCancelled(t *testing.T) {
	hanging := newHangingServer(t)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := client.Probe(ctx, hanging.URL, client.WithProxy(client.ProxyConfig{Mode: client.ProxyNone}))
	if e := asError(t, err); e.Kind != client.KindCancelled || e.Message != "The connection check was stopped." {
		t.Errorf("Probe after cancel = %s %q", e.Kind, e.Message)
	}
}

// newHangingServer starts a server that never answers, until the request is given up or the
// test ends.
func newHangingServer(t *testing.T) *httptest.Server {
	t.Helper()
	hang := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(hang); s.Close() })
	return s
}
