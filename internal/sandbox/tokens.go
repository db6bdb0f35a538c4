package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// tokenKind tells access tokens from refresh tokens.
type tokenKind int

const (
	accessToken tokenKind = iota
	refreshToken
)

// token is an issued or registered token.
type token struct {
	kind    tokenKind
	source  string
	apiKey  string    // legacy tokens only: the key a refresh must name
	expires time.Time // zero: never
}

// randomToken returns 32 random bytes as URL-safe base64 (43 characters).
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomID returns a random version-4 UUID.
func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// addToken records a token. h.mu must be held.
func (h *Handler) addToken(value string, kind tokenKind, source, apiKey string, expires time.Time) {
	h.tokens[value] = &token{kind: kind, source: source, apiKey: apiKey, expires: expires}
}

// issueLegacy issues a new access and refresh token pair for source.
func (h *Handler) issueLegacy(source, apiKey string) (access, refresh string, expires time.Time) {
	access, refresh = randomToken(), randomToken()
	expires = h.now().Add(h.cfg.LegacyTokenLifetime)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.addToken(access, accessToken, source, apiKey, expires)
	h.addToken(refresh, refreshToken, source, apiKey, time.Time{})
	return access, refresh, expires
}

// issueOAuth issues a new access token for source.
func (h *Handler) issueOAuth(source string) string {
	access := randomToken()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.addToken(access, accessToken, source, "", h.now().Add(h.cfg.OAuthTokenLifetime))
	return access
}

// bearerSource returns the source of the request's valid bearer token.
func (h *Handler) bearerSource(r *http.Request) (string, bool) {
	scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	value = strings.TrimSpace(value)
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.tokens[value]
	if !ok || t.kind != accessToken || (!t.expires.IsZero() && !now.Before(t.expires)) {
		return "", false
	}
	return t.source, true
}

// ExpireTokens makes every access token expired now, static ones included.
// Refresh tokens keep working.
func (h *Handler) ExpireTokens() {
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range h.tokens {
		if t.kind == accessToken {
			t.expires = now
		}
	}
}

// RevokeToken makes an access or refresh token stop working.
func (h *Handler) RevokeToken(token string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.tokens, token)
}
