package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseServiceURL(t *testing.T) {
	tests := []struct {
		raw string
		ok  bool
	}{
		{"https://blob.redoxengine.com/upload", true},
		{"https://api.ca.redoxengine.com", true},
		{"http://localhost:8080/upload", true},
		{"http://127.0.0.1:9/upload", true},
		{"http://127.5.6.7/upload", true},
		{"http://[::1]:9/upload", true},
		{"http://blob.redoxengine.com/upload", false},
		{"http://10.0.0.5/upload", false},
		{"http://localhost.evil.example/upload", false},
		{"ftp://blob.redoxengine.com/upload", false},
		{"https://user:pass@blob.redoxengine.com/upload", false},
		{"blob.redoxengine.com/upload", false},
		{"", false},
		{"https://", false},
	}
	for _, tt := range tests {
		_, err := ParseServiceURL(tt.raw)
		if (err == nil) != tt.ok {
			t.Errorf("ParseServiceURL(%q) error = %v, want ok=%v", tt.raw, err, tt.ok)
		}
	}
	if _, err := New(WithUploadURL("http://blob.redoxengine.com/upload"), WithStaticToken("t")); err == nil ||
		!strings.Contains(err.Error(), "use https") {
		t.Errorf("New with plain http to a remote host: %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		h    string
		want time.Duration
	}{
		{"", 0}, {"5", 5 * time.Second}, {" 120 ", 2 * time.Minute}, {"0", 0}, {"-3", 0}, {"soon", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"99999999999", 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.h, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.h, got, tt.want)
		}
	}
}

func TestHumanSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"}, {1, "1 byte"}, {812, "812 bytes"}, {200 << 10, "200 KB"}, {1536, "1.5 KB"},
		{10 << 20, "10 MB"}, {14_889_779, "14.2 MB"}, {30 << 20, "30 MB"}, {5 << 30, "5 GB"},
	}
	for _, tt := range tests {
		if got := HumanSize(tt.n); got != tt.want {
			t.Errorf("HumanSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestRetryWaitBounds(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: time.Second, MaxDelay: 8 * time.Second, MaxTotalWait: time.Hour}
	for n := 1; n <= 40; n++ {
		full := min(time.Second<<min(n-1, 30), 8*time.Second)
		for range 50 {
			if w := p.wait(n, 0); w < full/2 || w > full {
				t.Fatalf("wait(%d) = %v, want within [%v, %v]", n, w, full/2, full)
			}
		}
	}
	if w := p.wait(1, 20*time.Second); w != 20*time.Second {
		t.Errorf("a Retry-After of 20s gave a wait of %v", w)
	}
}

func TestRetryableStatuses(t *testing.T) {
	for status, want := range map[int]bool{301: false, 302: false, 307: false, 308: false, 400: false, 401: false,
		403: false, 404: false, 408: true, 413: false, 429: true, 500: true, 501: false, 502: true, 503: true, 504: true} {
		if got := retryable(statusError("upload", replyFacts{status: status})); got != want {
			t.Errorf("status %d retryable = %v, want %v", status, got, want)
		}
	}
	if retryable(transportError("upload", context.Canceled)) {
		t.Error("a cancelled upload is retryable")
	}
}

// fakeAuth hands out tokens that live for lifetime and counts how often it was asked.
type fakeAuth struct {
	lifetime time.Duration
	now      func() time.Time
	calls    int
}

func (f *fakeAuth) Authenticate(context.Context, Token) (Token, error) {
	f.calls++
	return Token{AccessToken: "tok", Expires: f.now().Add(f.lifetime)}, nil
}

// TestRenewalMargin: a token is renewed shortly before it expires, not after.
func TestRenewalMargin(t *testing.T) {
	for _, tt := range []struct {
		lifetime, renewAt time.Duration
	}{
		{300 * time.Second, 240 * time.Second}, // OAuth: one minute early
		{24 * time.Hour, 24*time.Hour - time.Minute},
		{8 * time.Second, 6 * time.Second}, // short-lived: a quarter of its life early
	} {
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		start := clock
		now := func() time.Time { return clock }
		auth := &fakeAuth{lifetime: tt.lifetime, now: now}
		tc := newTokenCache(auth, nil, nil)
		tc.now = now
		get := func() {
			if _, _, err := tc.token(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		get()
		clock = start.Add(tt.renewAt - time.Millisecond)
		get()
		if auth.calls != 1 {
			t.Errorf("lifetime %v: renewed before %v", tt.lifetime, tt.renewAt)
		}
		clock = start.Add(tt.renewAt + time.Millisecond)
		get()
		if auth.calls != 2 {
			t.Errorf("lifetime %v: not renewed after %v", tt.lifetime, tt.renewAt)
		}
	}
}

func TestParsePrivateKey(t *testing.T) {
	rsa2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	block := func(typ string, der []byte, _ ...error) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	}
	pkcs8 := func(k any) []byte { der, _ := x509.MarshalPKCS8PrivateKey(k); return der }
	sec1 := func(k *ecdsa.PrivateKey) []byte { der, _ := x509.MarshalECPrivateKey(k); return der }
	cert := block("CERTIFICATE", []byte("not parsed"))

	tests := []struct {
		name string
		pem  []byte
		alg  string // "" means refused
	}{
		{"PKCS#1 RSA", block("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsa2048)), "RS384"},
		{"PKCS#8 RSA", block("PRIVATE KEY", pkcs8(rsa2048)), "RS384"},
		{"PKCS#8 EC", block("PRIVATE KEY", pkcs8(p384)), "ES384"},
		{"SEC1 EC after a certificate", append(cert, block("EC PRIVATE KEY", sec1(p384))...), "ES384"},
		{"RSA 1024", block("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsa1024)), ""},
		{"P-256", block("EC PRIVATE KEY", sec1(p256)), ""},
		{"encrypted", block("ENCRYPTED PRIVATE KEY", []byte("x")), ""},
		{"public key only", block("PUBLIC KEY", []byte("x")), ""},
		{"garbage", []byte("hello"), ""},
		{"corrupt", block("RSA PRIVATE KEY", []byte("x")), ""},
	}
	for _, tt := range tests {
		key, err := ParsePrivateKey(tt.pem)
		if tt.alg == "" {
			if err == nil {
				t.Errorf("%s: accepted", tt.name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if m, _ := signingMethod(key); m.Alg() != tt.alg {
			t.Errorf("%s: signs %s, want %s", tt.name, m.Alg(), tt.alg)
		}
	}
}

func TestWithUserAgent(t *testing.T) {
	for _, tt := range []struct {
		ua string
		ok bool
	}{{"redox-uploader/0.1.0", true}, {"", false}, {"two\r\nX-Injected: yes", false}} {
		c, err := New(WithStaticToken("t"), WithUserAgent(tt.ua))
		if (err == nil) != tt.ok || (err == nil && c.userAgent != tt.ua) {
			t.Errorf("WithUserAgent(%q): %v", tt.ua, err)
		}
	}
}

// TestTokenExpiry: a token's expiry is a wall-clock instant (Go's monotonic reading stops while
// the computer sleeps, and a token expired meanwhile would still look valid), a lifetime that
// would overflow is capped, and a legacy expiry already past by this computer's clock (a clock
// a day ahead) or unreadable gives the fallback lifetime, not a sign-in before every file.
func TestTokenExpiry(t *testing.T) {
	if got := tokenLife(300); got != 5*time.Minute {
		t.Errorf("tokenLife(300) = %v, want 5m", got)
	}
	if got := tokenLife(10_000_000_000); got != maxTokenLife {
		t.Errorf("tokenLife(1e10) = %v, want the cap %v", got, maxTokenLife)
	}
	for _, expires := range []string{"2000-01-01T00:00:00.000Z", "tomorrow", ""} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintf(w, `{"accessToken":"a","expires":%q,"refreshToken":"r"}`, expires)
		}))
		base, _ := url.Parse(srv.URL)
		a := &legacyAuth{ep: endpoints{apiBase: base, http: srv.Client(), timeout: time.Minute, secrets: newSecretSet()},
			key: LegacyKey{APIKey: "k", Secret: "s"}}
		tok, err := a.Authenticate(t.Context(), Token{})
		srv.Close()
		if err != nil {
			t.Fatalf("expires %q: %v", expires, err)
		}
		if life := time.Until(tok.Expires); life < 59*time.Minute || life > legacyFallbackLifetime {
			t.Errorf("expires %q: the token lives %v, want the fallback %v", expires, life, legacyFallbackLifetime)
		}
		if strings.Contains(tok.Expires.String(), "m=") {
			t.Errorf("expires %q: the expiry %v carries a monotonic reading", expires, tok.Expires)
		}
	}
}

// TestParsePrivateKeySaysWhatToDo: a key protected by a passphrase in OpenSSL's older format,
// and a key in OpenSSH's format, are refused saying what to do, not with a parser's words.
func TestParsePrivateKeySaysWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		name string
		pem  []byte
		says string
	}{
		{"PKCS#1 with a passphrase", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
			Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF"},
			Bytes:   []byte("ciphertext")}), "protected by a passphrase"},
		{"OpenSSH", pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: []byte("openssh-key-v1")}), "ssh-keygen -p -m PKCS8"},
	} {
		if _, err := ParsePrivateKey(tc.pem); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want a refusal saying %q", tc.name, err, tc.says)
		}
	}
}
