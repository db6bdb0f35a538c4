package client

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// TestMessagesNameNoPlace: no message tells the user where to click (the command line has no
// window); each one that asks IT to check a setting says which in Fix.
func TestMessagesNameNoPlace(t *testing.T) {
	tests := []struct {
		name string
		e    *Error
		fix  Fix
	}{
		{"401", statusError(opUpload, replyFacts{status: 401}), FixCredentials},
		{"403", statusError(opUpload, replyFacts{status: 403}), FixCredentials},
		{"407", statusError(opUpload, replyFacts{status: 407}), FixProxy},
		{"redirect", statusError(opUpload, replyFacts{status: 307, location: "https://x.example/up"}), FixSourceAddress},
		{"413", statusError(opUpload, replyFacts{status: 413, size: 5, setLimit: 10}), FixNone},
		{"500", statusError(opUpload, replyFacts{status: 500}), FixNone},
		{"unknown authority", transportError(opUpload, x509.UnknownAuthorityError{}), FixCertificates},
		{"wrong host", transportError(opUpload, x509.HostnameError{Certificate: &x509.Certificate{}, Host: "h"}), FixSourceAddress},
		{"proxy 407", transportError(opUpload, &ProxyError{Status: 407}), FixProxy},
		{"proxy 403", transportError(opUpload, &ProxyError{Status: 403}), FixProxy},
		{"proxy unreachable", transportError(opUpload, &net.OpError{Op: "proxyconnect", Err: errors.New("refused")}), FixProxy},
		{"name not found", transportError(opUpload, &net.DNSError{Err: "no such host", Name: "x"}), FixSourceAddress},
		{"timeout", transportError(opUpload, context.DeadlineExceeded), FixNone},
		{"static token refused", func() *Error {
			_, err := StaticToken("tok").Authenticate(context.Background(), Token{AccessToken: "tok"})
			return err.(*Error)
		}(), FixCredentials},
		{"stall", stallFailure(&stallError{phase: stallWaiting, limit: DefaultStallTimeout}), FixStallTimeout},
		{"reply late", stallFailure(&stallError{phase: stallReading, limit: DefaultStallTimeout}), FixStallTimeout},
		{"success cut short", cutReplyError(201, `{"URI":"https://blob`, errors.New("unexpected EOF")), FixNone},
	}
	for p, msg := range fileMessages {
		tests = append(tests, struct {
			name string
			e    *Error
			fix  Fix
		}{"file problem " + msg[:20], fileError(opUpload, "p", p, 0, nil), FixNone})
	}
	for _, tt := range tests {
		if strings.Contains(tt.e.Message, "Settings") || strings.Contains(tt.e.Message, "→") {
			t.Errorf("%s: %q names a place in the window", tt.name, tt.e.Message)
		}
		if tt.e.Fix != tt.fix {
			t.Errorf("%s: fix %v, want %v", tt.name, tt.e.Fix, tt.fix)
		}
		if tt.e.Message == "" || !strings.HasSuffix(tt.e.Message, ".") {
			t.Errorf("%s: message %q is not a finished sentence", tt.name, tt.e.Message)
		}
	}
	for f := FixNone; f <= FixStallTimeout; f++ {
		if s := f.String(); strings.HasPrefix(s, "fix(") {
			t.Errorf("Fix %d has no name", f)
		}
	}
}

// TestDistinctSizes: two sizes that one sentence compares never read as the same figure.
func TestDistinctSizes(t *testing.T) {
	tests := []struct {
		a, b         int64
		wantA, wantB string
	}{
		{14_889_779, 10 << 20, "14.2 MB", "10 MB"},
		{10<<20 + 1, 10 << 20, "10,485,761 bytes", "10,485,760 bytes"},
		{1025, 1024, "1,025 bytes", "1,024 bytes"},
		{10 << 20, 10 << 20, "10 MB", "10 MB"},
		{999, 1000, "999 bytes", "1000 bytes"},
	}
	for _, tt := range tests {
		if a, b := distinctSizes(tt.a, tt.b); a != tt.wantA || b != tt.wantB {
			t.Errorf("distinctSizes(%d, %d) = %q, %q; want %q, %q", tt.a, tt.b, a, b, tt.wantA, tt.wantB)
		}
	}
}

// TestRateLimitSaysHowLongRedoxAsked: a 429 whose Retry-After is long says how long, not
// "wait a few minutes"; a short one or none keeps the usual words.
func TestRateLimitSaysHowLongRedoxAsked(t *testing.T) {
	for _, tt := range []struct {
		after time.Duration
		want  string
	}{
		{0, "Wait a few minutes"},
		{2 * time.Minute, "Wait a few minutes"},
		{40 * time.Minute, "asked to wait 40 minutes"},
		{24 * time.Hour, "asked to wait about 24 hours"},
	} {
		if got := statusError(opUpload, replyFacts{status: 429, retryAfter: tt.after}).Message; !strings.Contains(got, tt.want) {
			t.Errorf("Retry-After %v: %q, want %q in it", tt.after, got, tt.want)
		}
	}
}
