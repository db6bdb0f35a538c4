package client_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// newForwardProxy starts a redoxtest forward proxy that stops with the test.
func newForwardProxy(t *testing.T, cfg redoxtest.ProxyConfig) *redoxtest.ForwardProxy {
	t.Helper()
	p := redoxtest.NewForwardProxy(cfg)
	t.Cleanup(p.Close)
	return p
}

func newTLSStand(t *testing.T) *stand {
	t.Helper()
	s := redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	return &stand{Server: s, demo: s.AddDemoSources()}
}

// standCA is the PEM of the certificate a TLS stand-in serves (httptest signs it itself).
func standCA(s *stand) []byte { return pemBlock("CERTIFICATE", s.Certificate().Raw) }

func TestUploadThroughManualProxy(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	proxy := newForwardProxy(t, redoxtest.ProxyConfig{})
	path := writeFile(t, "scan.pdf", 200<<10)

	c := s.legacyClient(t, client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: proxy.URL}))
	res, err := c.Upload(t.Context(), path, client.UploadOptions{})
	if err != nil {
		t.Fatalf("Upload through the proxy: %v (%s)", err, client.Detail(err))
	}
	if ups := s.Uploads(); len(ups) != 1 || ups[0].URI != res.URI {
		t.Fatalf("the stand-in received %d uploads; want the one with URI %q", len(ups), res.URI)
	}
	if seen := proxy.Seen(); proxy.Count("POST "+s.URL+"/auth/") != 1 || proxy.Count("POST "+s.URL+"/upload") != 1 {
		t.Errorf("the proxy saw %q; want the sign-in and the upload", seen)
	}
}

func TestUploadThroughProxyTunnelWithExtraCA(t *testing.T) {
	s := newTLSStand(t)
	proxy := newForwardProxy(t, redoxtest.ProxyConfig{User: "nurse", Password: "s3cret pass"})
	path := writeFile(t, "scan.pdf", 64<<10)

	c := s.legacyClient(t,
		client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: proxy.URLWith("nurse", "s3cret pass")}),
		client.WithExtraRootCAs(standCA(s)))
	if _, err := c.Upload(t.Context(), path, client.UploadOptions{}); err != nil {
		t.Fatalf("Upload through the tunnel: %v (%s)", err, client.Detail(err))
	}
	host := strings.TrimPrefix(s.URL, "https://")
	if n := proxy.Count("CONNECT " + host); n < 1 {
		t.Errorf("the proxy saw %q; want a CONNECT to %s", proxy.Seen(), host)
	}
	if len(s.Uploads()) != 1 {
		t.Errorf("the stand-in received %d uploads, want 1", len(s.Uploads()))
	}
}

func TestProxyFailures(t *testing.T) {
	tests := []struct {
		name     string
		tls      bool
		proxy    redoxtest.ProxyConfig
		want     string
		requests int // what the proxy sees: one when the refusal is final, the retry policy's bound when not
	}{
		{"407 on plain http", false, redoxtest.ProxyConfig{User: "u", Password: "p"}, "asked for a sign-in", 1},
		{"407 on CONNECT", true, redoxtest.ProxyConfig{User: "u", Password: "p"}, "asked for a sign-in", 1},
		{"CONNECT refused with 403", true, redoxtest.ProxyConfig{ConnectStatus: http.StatusForbidden}, "refused the connection to Redox", 1},
		{"CONNECT refused with 502", true, redoxtest.ProxyConfig{ConnectStatus: http.StatusBadGateway}, "refused the connection to Redox", fastRetry.MaxAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *stand
			if tt.tls {
				s = newTLSStand(t)
			} else {
				s = newStand(t, redoxtest.Config{})
			}
			proxy := newForwardProxy(t, tt.proxy)
			// Wrong credentials in the URL: they must reach the proxy yet never the message.
			opts := []client.Option{client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: proxy.URLWith("u", "wrong-pw")}),
				client.WithExtraRootCAs(standCAOrNil(s, tt.tls))}
			_, err := s.legacyClient(t, opts...).Upload(t.Context(), writeFile(t, "a.pdf", 1024), client.UploadOptions{})
			e := wantNetworkError(t, err, tt.want, client.FixProxy, "wrong-pw")
			if n := len(proxy.Seen()); n != tt.requests {
				t.Errorf("the proxy was asked %d times (%q), want %d", n, proxy.Seen(), tt.requests)
			}
			if len(s.Uploads()) != 0 {
				t.Errorf("an upload got through a refusing proxy")
			}

			// A connection check through the same proxy asks once and says the same.
			_, err = client.Probe(t.Context(), s.UploadURL(), opts...)
			if p := wantNetworkError(t, err, tt.want, client.FixProxy, "wrong-pw"); p.Message != e.Message {
				t.Errorf("Probe says %q, Upload %q", p.Message, e.Message)
			}
			if n := len(proxy.Seen()); n != tt.requests+1 {
				t.Errorf("after Probe the proxy was asked %d times (%q), want %d", n, proxy.Seen(), tt.requests+1)
			}
		})
	}
}

// wantNetworkError asserts that err is a network *client.Error whose message says want, names
// no place in the window (the command line has none), and whose Fix is fix; and that neither
// message nor detail shows secret.
func wantNetworkError(t *testing.T, err error, want string, fix client.Fix, secret string) *client.Error {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want a *client.Error", err)
	}
	if e.Kind != client.KindNetwork || !strings.Contains(e.Message, want) || e.Fix != fix {
		t.Errorf("error = %s %q fix %v, want network, %q and fix %v", e.Kind, e.Message, e.Fix, want, fix)
	}
	if strings.Contains(e.Message, "Settings") {
		t.Errorf("message %q names a place in the window", e.Message)
	}
	if text := e.Message + e.Detail(); secret != "" && strings.Contains(text, secret) {
		t.Errorf("the proxy password leaked into %q", text)
	}
	return e
}

// standCAOrNil trusts the TLS stand-in, so that the proxy's answer is what fails.
func standCAOrNil(s *stand, tls bool) []byte {
	if !tls {
		return standCAFallback
	}
	return standCA(s)
}

// standCAFallback is any valid certificate, for clients of plain-http stand-ins.
var standCAFallback = func() []byte {
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS()
	defer srv.Close()
	return pemBlock("CERTIFICATE", srv.Certificate().Raw)
}()

func TestUnknownAuthorityThenExtraCA(t *testing.T) {
	s := newTLSStand(t)
	path := writeFile(t, "scan.pdf", 4096)

	_, err := s.legacyClient(t).Upload(t.Context(), path, client.UploadOptions{})
	e := wantNetworkError(t, err, "could not be verified", client.FixCertificates, "")
	for _, want := range []string{"TLS-inspecting firewall", "extra trusted certificates"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("message %q lacks %q", e.Message, want)
		}
	}
	if len(s.Uploads()) != 0 {
		t.Errorf("%d uploads; want none", len(s.Uploads()))
	}

	c := s.legacyClient(t, client.WithExtraRootCAs(standCA(s)))
	if _, err := c.Upload(t.Context(), path, client.UploadOptions{}); err != nil {
		t.Fatalf("Upload with the extra CA: %v (%s)", err, client.Detail(err))
	}
	if len(s.Uploads()) != 1 {
		t.Errorf("the stand-in received %d uploads, want 1", len(s.Uploads()))
	}
}

func TestNetworkOptionsValidate(t *testing.T) {
	good := standCAFallback
	tests := []struct {
		name string
		opt  client.Option
		want string // "" when New must succeed
	}{
		{"manual http", client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: "http://proxy.example.org:3128"}), ""},
		{"manual https with credentials", client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: "https://u:p@proxy.example.org"}), ""},
		{"manual empty", client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual}), "empty"},
		{"manual no scheme", client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: "proxy:3128"}), "http://"},
		{"manual socks", client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: "socks5://proxy:1080"}), "http://"},
		{"manual with path", client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: "http://proxy:3128/x"}), "no path"},
		{"manual bad port", client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: "http://proxy:99999"}), "port"},
		{"unknown mode", client.WithProxy(client.ProxyConfig{Mode: 42}), "unknown proxy mode"},
		{"system", client.WithProxy(client.ProxyConfig{Mode: client.ProxySystem}), ""},
		{"none", client.WithProxy(client.ProxyConfig{Mode: client.ProxyNone}), ""},
		{"one CA", client.WithExtraRootCAs(good), ""},
		{"two CAs and text", client.WithExtraRootCAs(append(append([]byte("IT bundle\n"), good...), good...)), ""},
		{"no PEM", client.WithExtraRootCAs([]byte("hello")), "no certificate found"},
		{"a private key", client.WithExtraRootCAs(pemBlock("PRIVATE KEY", []byte{1, 2})), "only certificates"},
		{"damaged", client.WithExtraRootCAs(pemBlock("CERTIFICATE", []byte{1, 2, 3})), "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.New(client.WithStaticToken("t"), tt.opt)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("New: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("New error = %v, want one mentioning %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), ":p@") {
				t.Errorf("error %q shows proxy credentials", err)
			}
		})
	}
	if _, err := client.New(client.WithStaticToken("t"), client.WithHTTPClient(http.DefaultClient), client.WithExtraRootCAs(good)); err == nil {
		t.Error("WithHTTPClient and WithExtraRootCAs together were accepted")
	}
}

func TestProxyFunc(t *testing.T) {
	same := func(a, b any) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }
	env, err := client.ProxyConfig{}.ProxyFunc()
	if err != nil || !same(env, http.ProxyFromEnvironment) {
		t.Errorf("the default mode is not http.ProxyFromEnvironment (err %v)", err)
	}
	if none, err := (client.ProxyConfig{Mode: client.ProxyNone}).ProxyFunc(); err != nil || none != nil {
		t.Errorf("ProxyNone gave a proxy func (err %v)", err)
	}
	sys, err := client.ProxyConfig{Mode: client.ProxySystem}.ProxyFunc()
	if err != nil || sys == nil {
		t.Fatalf("ProxySystem: %v", err)
	}
	req := httptest.NewRequest(http.MethodPost, "https://blob.redoxengine.com/upload", nil)
	if _, err := sys(req); err != nil {
		t.Errorf("ProxySystem func: %v", err)
	}
	manual, err := client.ProxyConfig{Mode: client.ProxyManual, URL: "http://u:pw@proxy.example.org:3128"}.ProxyFunc()
	if err != nil {
		t.Fatal(err)
	}
	if u, err := manual(req); err != nil || u.Host != "proxy.example.org:3128" || u.User.Username() != "u" {
		t.Errorf("manual proxy for %s = %v, %v", req.URL, u, err)
	}
	for _, m := range []client.ProxyMode{client.ProxyEnvironment, client.ProxySystem, client.ProxyNone, client.ProxyManual} {
		if got, err := client.ParseProxyMode(m.String()); err != nil || got != m {
			t.Errorf("ParseProxyMode(%q) = %v, %v", m, got, err)
		}
	}
	if _, err := client.ParseProxyMode(" "); err == nil {
		t.Error("ParseProxyMode accepted an empty mode; which mode that means is the caller's choice")
	}
	if got, err := client.ParseProxyMode(" System "); err != nil || got != client.ProxySystem {
		t.Errorf("ParseProxyMode(%q) = %v, %v", " System ", got, err)
	}
	if got := (client.ProxyConfig{Mode: client.ProxyManual, URL: "http://u:pw@proxy:3128"}).String(); got != "manual (http://proxy:3128)" {
		t.Errorf("String = %q", got)
	}
}
