package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// LegacyKey signs in with a Redox API key and secret (/auth/authenticate) and renews through
// the refresh token (/auth/refreshToken). Redox has deprecated it, but sources still use it.
type LegacyKey struct {
	APIKey string
	Secret string
}

// WithLegacyKey signs in with an API key and secret.
func WithLegacyKey(apiKey, secret string) Option {
	return WithCredentials(LegacyKey{APIKey: apiKey, Secret: secret})
}

func (k LegacyKey) secrets() []string { return []string{k.Secret} }

func (k LegacyKey) authenticator(ep endpoints) (Authenticator, error) {
	if k.APIKey == "" || k.Secret == "" {
		return nil, errors.New("client: the legacy API key and secret are both required")
	}
	return &legacyAuth{ep: ep, key: k}, nil
}

type legacyAuth struct {
	ep  endpoints
	key LegacyKey
}

// legacyFallbackLifetime is assumed when a reply carries no readable expiry, or one already past
// by this computer's clock (a clock a day ahead): shorter than the documented 24 hours, so a
// misread costs a sign-in, not a failed upload, and never one sign-in per file.
const legacyFallbackLifetime = time.Hour

// Authenticate refreshes when it holds a refresh token and falls back to a full sign-in when
// Redox refused the refresh or failed at it. A refresh that got no answer at all (no
// connection, no reply in time) is not followed by a sign-in to the same silent server: the
// try fails at once and the retry policy decides what comes next.
func (a *legacyAuth) Authenticate(ctx context.Context, prev Token) (Token, error) {
	if prev.RefreshToken != "" {
		t, err := a.post(ctx, "/auth/refreshToken", map[string]string{"apiKey": a.key.APIKey, "refreshToken": prev.RefreshToken})
		if err == nil || ctx.Err() != nil || KindOf(err) == KindNetwork || KindOf(err) == KindCancelled {
			return t, err
		}
	}
	return a.post(ctx, "/auth/authenticate", map[string]string{"apiKey": a.key.APIKey, "secret": a.key.Secret})
}

func (a *legacyAuth) post(ctx context.Context, path string, payload map[string]string) (Token, error) {
	body, _ := json.Marshal(payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.ep.url(path), bytes.NewReader(body))
	if err != nil {
		return Token{}, prepareError(opSignIn, err)
	}
	req.Header.Set("Content-Type", "application/json")
	reply, err := a.ep.signIn(req)
	if err != nil {
		return Token{}, err
	}
	var r struct {
		AccessToken  string `json:"accessToken"`
		Expires      string `json:"expires"`
		RefreshToken string `json:"refreshToken"`
	}
	if err := json.Unmarshal(reply, &r); err != nil || r.AccessToken == "" {
		return Token{}, a.ep.signInReplyError(reply, err)
	}
	now := time.Now().Round(0) // a wall-clock instant, as the expiry is: see tokenLife
	expires, err := time.Parse(time.RFC3339, r.Expires)
	if err != nil || !expires.After(now) {
		expires = now.Add(legacyFallbackLifetime)
	}
	return Token{AccessToken: r.AccessToken, Expires: expires, RefreshToken: r.RefreshToken}, nil
}
