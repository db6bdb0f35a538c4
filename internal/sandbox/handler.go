// Package sandbox is a local stand-in for the Redox file-upload and sign-in API: the server
// behind the app's built-in Sandbox source, where nothing sent leaves this computer.
//
// A [Handler] speaks the legacy API-key login (/auth/authenticate, /auth/refreshToken), the
// OAuth 2.0 signed-JWT login (/v2/auth/token) and the streaming upload (/upload), and records
// what it received; [Listen] serves one with demo credentials on a loopback address. Tests
// reach it through client/redoxtest, which adds httptest servers and scripted faults; no test
// code is part of this package.
package sandbox

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Config sets the limits and clock of a Handler. Zero fields take defaults.
type Config struct {
	MaxUploadSize       int64            // default 10 << 20
	LegacyTokenLifetime time.Duration    // default 24h
	OAuthTokenLifetime  time.Duration    // default 300s
	URIBase             string           // default "http(s)://<request host>/blob/"
	Audience            string           // optional override of the expected JWT aud
	Now                 func() time.Time // default time.Now
	// Intercept, when set, is offered each request to an endpoint after it is counted in
	// Stats and before it is answered; when it returns true it has answered (or dropped) the
	// request itself. client/redoxtest scripts its faults with it; the sandbox sets none.
	Intercept func(w http.ResponseWriter, r *http.Request) bool
}

// withDefaults fills in the zero fields of c.
func (c Config) withDefaults() Config {
	if c.MaxUploadSize <= 0 {
		c.MaxUploadSize = 10 << 20
	}
	if c.LegacyTokenLifetime <= 0 {
		c.LegacyTokenLifetime = 24 * time.Hour
	}
	if c.OAuthTokenLifetime <= 0 {
		c.OAuthTokenLifetime = 300 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Stats counts POST requests per endpoint, whatever their outcome (faults
// included); Uploaded counts successful uploads only.
type Stats struct {
	Authenticate, Refresh, OAuthToken, UploadRequests, Uploaded int
}

// Handler is the Redox stand-in as an http.Handler. It is safe for
// concurrent use.
type Handler struct {
	cfg Config
	mux *http.ServeMux

	mu        sync.Mutex
	legacy    map[string]legacySource // by API key
	oauth     map[string]oauthClient  // by key ID
	tokens    map[string]*token       // access and refresh tokens
	seenJTI   map[string]time.Time    // client ID + jti → assertion expiry
	lastPrune time.Time
	uploads   []Upload
	stats     Stats
}

// legacySource is an API key registered with AddLegacySource.
type legacySource struct {
	source, secret string
}

// oauthClient is a signing key registered with AddOAuthSource.
type oauthClient struct {
	source, clientID string
	alg              string // RS384 or ES384, from the key type
	key              crypto.PublicKey
}

// NewHandler returns a Handler with nothing registered.
func NewHandler(cfg Config) *Handler {
	h := &Handler{
		cfg:     cfg.withDefaults(),
		mux:     http.NewServeMux(),
		legacy:  make(map[string]legacySource),
		oauth:   make(map[string]oauthClient),
		tokens:  make(map[string]*token),
		seenJTI: make(map[string]time.Time),
	}
	h.mux.HandleFunc("POST /auth/authenticate", h.serveAuthenticate)
	h.mux.HandleFunc("POST /auth/refreshToken", h.serveRefresh)
	h.mux.HandleFunc("POST /v2/auth/token", h.serveOAuthToken)
	h.mux.HandleFunc("POST /upload", h.serveUpload)
	return h
}

// ServeHTTP routes a request to its endpoint; a wrong method gets 405.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// AddLegacySource registers an API key and secret for source.
func (h *Handler) AddLegacySource(source, apiKey, secret string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.legacy[apiKey] = legacySource{source: source, secret: secret}
}

// AddOAuthSource registers a public key under keyID for clientID of source.
// pub must be an *rsa.PublicKey (RS384) or a P-384 *ecdsa.PublicKey (ES384);
// any other key panics.
func (h *Handler) AddOAuthSource(source, clientID, keyID string, pub crypto.PublicKey) {
	var alg string
	switch k := pub.(type) {
	case *rsa.PublicKey:
		alg = "RS384"
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P384() {
			panic("sandbox: AddOAuthSource needs a P-384 ECDSA key")
		}
		alg = "ES384"
	default:
		panic(fmt.Sprintf("sandbox: AddOAuthSource: unsupported key type %T", pub))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.oauth[keyID] = oauthClient{source: source, clientID: clientID, alg: alg, key: pub}
}

// AddStaticToken registers a bearer token for source; a zero expires never
// expires (until ExpireTokens or RevokeToken).
func (h *Handler) AddStaticToken(source, token string, expires time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.addToken(token, accessToken, source, "", expires)
}

// Uploads returns a copy of the successful uploads, in arrival order.
func (h *Handler) Uploads() []Upload {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Upload, len(h.uploads))
	for i, u := range h.uploads {
		u.PartHeader = cloneHeader(u.PartHeader)
		u.TransferEncoding = slices.Clone(u.TransferEncoding)
		out[i] = u
	}
	return out
}

// Stats returns the request counts so far.
func (h *Handler) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}

// MaxUploadSize is the largest file part the handler accepts, in bytes.
func (h *Handler) MaxUploadSize() int64 { return h.cfg.MaxUploadSize }

// arrived counts a request to an endpoint in its Stats counter, then offers it to
// Config.Intercept, and reports whether that answered it: the order Config.Intercept promises.
func (h *Handler) arrived(w http.ResponseWriter, r *http.Request, counter *int) bool {
	h.mu.Lock()
	*counter++
	h.mu.Unlock()
	return h.cfg.Intercept != nil && h.cfg.Intercept(w, r)
}

// now is the configured clock.
func (h *Handler) now() time.Time { return h.cfg.Now() }

// invalidRequest is Redox's reply to bad credentials and tokens.
func invalidRequest(w http.ResponseWriter, status int) {
	writeText(w, status, "Invalid request")
}

// writeText replies with a text/html body.
func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// writeJSON replies with v as compact JSON, HTML characters unescaped.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
