package sandbox

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// tokenPath is the OAuth token endpoint, also the default JWT audience.
	tokenPath = "/v2/auth/token"
	// maxAssertionAge bounds how far iat may be from now and exp from iat.
	maxAssertionAge = 5 * time.Minute
	// clockSkew is the slack allowed on top of maxAssertionAge for exp.
	clockSkew = 30 * time.Second
	// jwtBearer is the only accepted client_assertion_type.
	jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
)

// oauthError is an OAuth error reply: 400 invalid_request for a malformed
// request or assertion, 401 invalid_client for one that fails verification.
type oauthError struct {
	status      int
	code        string
	description string
}

func (e *oauthError) Error() string { return e.code + ": " + e.description }

// malformed returns a 400 invalid_request error.
func malformed(format string, args ...any) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_request", fmt.Sprintf(format, args...)}
}

// unauthorized returns a 401 invalid_client error.
func unauthorized(format string, args ...any) *oauthError {
	return &oauthError{http.StatusUnauthorized, "invalid_client", fmt.Sprintf(format, args...)}
}

// oauthReply is the body of a successful token request.
type oauthReply struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

// serveOAuthToken answers POST /v2/auth/token (client credentials with a
// signed JWT client assertion).
func (h *Handler) serveOAuthToken(w http.ResponseWriter, r *http.Request) {
	if h.arrived(w, r, &h.stats.OAuthToken) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	client, err := h.authenticateClient(w, r)
	if err != nil {
		writeJSON(w, err.status, map[string]string{
			"error":             err.code,
			"error_description": err.description,
		})
		return
	}
	writeJSON(w, http.StatusOK, oauthReply{
		AccessToken: h.issueOAuth(client.source),
		ExpiresIn:   int(h.cfg.OAuthTokenLifetime / time.Second),
		TokenType:   "bearer",
	})
}

// authenticateClient checks the form and its client assertion.
func (h *Handler) authenticateClient(w http.ResponseWriter, r *http.Request) (oauthClient, *oauthError) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return oauthClient{}, malformed("Content-Type must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAuthBody)
	if err := r.ParseForm(); err != nil {
		return oauthClient{}, malformed("cannot read the form: %v", err)
	}
	switch {
	case r.PostForm.Get("grant_type") != "client_credentials":
		return oauthClient{}, malformed("grant_type must be client_credentials")
	case r.PostForm.Get("client_assertion_type") != jwtBearer:
		return oauthClient{}, malformed("client_assertion_type must be %s", jwtBearer)
	case r.PostForm.Get("client_assertion") == "":
		return oauthClient{}, malformed("client_assertion is missing")
	}
	return h.verifyAssertion(r.PostForm.Get("client_assertion"), h.audience(r))
}

// audience is the aud a client assertion must carry: the token URL as this
// request reached the server, unless Config.Audience overrides it.
func (h *Handler) audience(r *http.Request) string {
	if h.cfg.Audience != "" {
		return h.cfg.Audience
	}
	return schemeOf(r) + "://" + r.Host + tokenPath
}

// schemeOf is "https" for a TLS request, else "http".
func schemeOf(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// verifyAssertion verifies a client assertion's signature and claims and
// records its jti, returning the client it authenticates.
func (h *Handler) verifyAssertion(assertion, aud string) (oauthClient, *oauthError) {
	var client oauthClient
	keyFunc := func(t *jwt.Token) (any, error) {
		if typ, _ := t.Header["typ"].(string); !strings.EqualFold(typ, "JWT") {
			return nil, malformed("header typ must be JWT")
		}
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, malformed("header kid is missing")
		}
		h.mu.Lock()
		c, ok := h.oauth[kid]
		h.mu.Unlock()
		if !ok {
			return nil, unauthorized("unknown kid %q", kid)
		}
		if alg := t.Method.Alg(); alg != c.alg {
			return nil, unauthorized("alg %s does not match the key registered for kid %q", alg, kid)
		}
		client = c
		return c.key, nil
	}
	var claims jwt.RegisteredClaims
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{"RS384", "ES384"}),
		jwt.WithTimeFunc(h.now),
		jwt.WithExpirationRequired(),
		jwt.WithAudience(aud),
	)
	if _, err := parser.ParseWithClaims(assertion, &claims, keyFunc); err != nil {
		return oauthClient{}, classifyJWTError(err)
	}
	if claims.Issuer != client.clientID || claims.Subject != client.clientID {
		return oauthClient{}, unauthorized("iss and sub must both be the client ID registered for this kid")
	}
	if claims.IssuedAt == nil {
		return oauthClient{}, malformed("claim iat is missing")
	}
	if claims.ID == "" {
		return oauthClient{}, malformed("claim jti is missing")
	}
	now, iat, exp := h.now(), claims.IssuedAt.Time, claims.ExpiresAt.Time
	if d := now.Sub(iat); d > maxAssertionAge || d < -maxAssertionAge {
		return oauthClient{}, unauthorized("iat is more than 5 minutes from now")
	}
	if exp.Sub(iat) > maxAssertionAge+clockSkew {
		return oauthClient{}, unauthorized("exp is more than 5 minutes after iat")
	}
	if !h.claimJTI(client.clientID+"\x00"+claims.ID, exp, now) {
		return oauthClient{}, unauthorized("jti has already been used")
	}
	return client, nil
}

// classifyJWTError turns a jwt parse error into an OAuth error.
func classifyJWTError(err error) *oauthError {
	var oe *oauthError
	switch {
	case errors.As(err, &oe):
		return oe
	case errors.Is(err, jwt.ErrTokenMalformed):
		return malformed("client_assertion is not a well-formed JWT: %v", err)
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return malformed("client_assertion lacks a required claim: %v", err)
	default:
		return unauthorized("client_assertion rejected: %v", err)
	}
}

// claimJTI records a client's jti until exp and reports whether it was new.
func (h *Handler) claimJTI(key string, exp, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if now.Sub(h.lastPrune) > time.Minute {
		for k, until := range h.seenJTI {
			if now.After(until.Add(clockSkew)) {
				delete(h.seenJTI, k)
			}
		}
		h.lastPrune = now
	}
	if _, seen := h.seenJTI[key]; seen {
		return false
	}
	h.seenJTI[key] = exp
	return true
}
