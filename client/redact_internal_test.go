package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"
)

// TestScrubForms: a secret is found raw, escaped for JSON (once or twice), for a URL or for
// HTML, cut short, and a private key whatever its wrapping, even when the client holds only
// the parsed key.
func TestScrubForms(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	b64 := base64.StdEncoding.EncodeToString(der)
	rewrapped := ""
	for i := 0; i < len(b64); i += 76 {
		rewrapped += b64[i:min(i+76, len(b64))] + "\r\n"
	}
	const secret = `s3cr"et/with<html>&+plus=and ümlaut-0123456789`
	lines := strings.Split(strings.TrimSpace(pemText), "\n")

	tests := []struct {
		name   string
		known  []string // what the set is given
		text   string
		hidden []string // must be gone
	}{
		{"raw", []string{secret}, "x " + secret + " y", []string{secret}},
		{"JSON-escaped", []string{secret}, `{"e":"` + jsonEscape(secret, true) + `"}`, []string{jsonEscape(secret, true)}},
		{"JSON-escaped twice", []string{secret}, jsonEscape(`{"secret":"`+jsonEscape(secret, true)+`"}`, true),
			[]string{jsonEscape(jsonEscape(secret, true), true)}},
		{"form-escaped", []string{secret}, "secret=" + url.QueryEscape(secret), []string{url.QueryEscape(secret)}},
		{"form-escaped JSON", []string{secret}, url.QueryEscape(`{"secret":"` + jsonEscape(secret, true) + `"}`),
			[]string{url.QueryEscape(jsonEscape(secret, true))}},
		{"HTML-escaped", []string{secret}, "<pre>" + html.EscapeString(secret) + "</pre>", []string{html.EscapeString(secret)}},
		{"cut short", []string{secret}, "ends with " + secret[:20], []string{secret[:20]}},
		{"PEM, given as text", []string{pemText}, "key: " + pemText, lines[1 : len(lines)-1]},
		{"PEM, JSON-escaped", []string{pemText}, `{"key":"` + jsonEscape(pemText, true) + `"}`, lines[1 : len(lines)-1]},
		{"key only, PEM rewrapped at 76", keySecrets(key), rewrapped, strings.Fields(rewrapped)},
		{"key only, a PEM line URL-escaped", keySecrets(key), "k=" + url.QueryEscape(lines[2]), []string{url.QueryEscape(lines[2])}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSecretSet()
			s.add(tt.known...)
			got := s.scrub(tt.text)
			for _, h := range tt.hidden {
				if len(h) >= gramLen && strings.Contains(got, h) || len(h) >= 16 && strings.Contains(got, h[:16]) {
					t.Errorf("scrub left %q in %q", h, got)
				}
			}
			if !strings.Contains(got, redactedMark) {
				t.Errorf("scrub(%q) = %q: nothing redacted", tt.text, got)
			}
		})
	}
}

// TestScrubBeforeExcerpt: a token that straddles the excerpt's cut is found whole before the
// body is cut, so not even its first characters show.
func TestScrubBeforeExcerpt(t *testing.T) {
	const token = "tok_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA"
	body := []byte(strings.Repeat("a", excerptRunes-5) + token + " and more")
	if naive := Excerpt(body); !strings.Contains(naive, token[:5]) {
		t.Fatalf("the naive excerpt %q does not show the token's start: the test proves nothing", naive)
	}
	s := newSecretSet()
	s.remember(token)
	if got := s.excerpt(body); strings.Contains(got, token[:5]) {
		t.Errorf("excerpt %q shows the start of the token", got)
	}
}

// TestScrubPatterns: credentials the client never knew are still hidden by their shape; text
// too short to be a secret is left alone.
func TestScrubPatterns(t *testing.T) {
	unknownPEM := "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1L7VLPHCgcBIjM\n-----END RSA PRIVATE KEY-----"
	tests := []struct{ text, gone, kept string }{
		{"Authorization: Bearer abcdefgh12345678", "abcdefgh12345678", "Authorization: Bearer "},
		{`{"Authorization":"Basic dXNlcjpwYXNzd29yZA=="}`, "dXNlcjpwYXNzd29yZA", `"Authorization":"Basic `},
		{"token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here", "eyJhbGciOiJIUzI1NiJ9", "token "},
		{"key " + unknownPEM + " end", "MIIEowIBAAKCAQEA", " end"},
		{"WWW-Authenticate: Bearer realm=x error=invalid_token", "", "Bearer realm=x error=invalid_token"},
	}
	s := newSecretSet()
	s.add("short") // under minSecretLen: not hunted
	for _, tt := range tests {
		got := s.scrub(tt.text)
		if tt.gone != "" && strings.Contains(got, tt.gone) || !strings.Contains(got, tt.kept) {
			t.Errorf("scrub(%q) = %q; want %q gone and %q kept", tt.text, got, tt.gone, tt.kept)
		}
	}
	if got := s.scrub("a short reply"); got != "a short reply" {
		t.Errorf("a five-letter secret was hunted: %q", got)
	}
}

// TestScrubError: every text of an *Error is scrubbed, and a scrubbed cause still answers
// errors.Is.
func TestScrubError(t *testing.T) {
	const token = "access-token-0123456789abcdef"
	s := newSecretSet()
	s.remember(token)
	e := &Error{Message: "m " + token, Excerpt: "x " + token, Location: "https://h/" + token,
		Err: fmt.Errorf("proxy said %s: %w", token, context.Canceled)}
	s.scrubError(e)
	for _, text := range []string{e.Message, e.Excerpt, e.Location, e.Err.Error(), e.Detail()} {
		if strings.Contains(text, token[:12]) {
			t.Errorf("%q shows the token", text)
		}
	}
	if !errors.Is(e, context.Canceled) {
		t.Error("the scrubbed cause no longer answers errors.Is(context.Canceled)")
	}
}

// TestRememberIsBounded: a long-running client keeps only its newest tokens.
func TestRememberIsBounded(t *testing.T) {
	s := newSecretSet()
	for i := range 3 * maxRecentSecrets {
		s.remember(fmt.Sprintf("token-number-%04d", i))
	}
	if len(s.recent) != maxRecentSecrets || s.recent[len(s.recent)-1] != fmt.Sprintf("token-number-%04d", 3*maxRecentSecrets-1) {
		t.Errorf("%d remembered, newest %q", len(s.recent), s.recent[len(s.recent)-1])
	}
}
