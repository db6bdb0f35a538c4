package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Token is an access token from Redox. Its String and LogValue never show the secret parts, so
// a Token that slips into a log line or an error message leaks nothing.
type Token struct {
	AccessToken  string
	Expires      time.Time // zero: never expires (a static token)
	RefreshToken string    // legacy API keys only
}

// String describes the token without revealing it.
func (t Token) String() string {
	if t.AccessToken == "" {
		return "Token(none)"
	}
	if t.Expires.IsZero() {
		return "Token(redacted, no expiry)"
	}
	return "Token(redacted, expires " + t.Expires.UTC().Format(time.RFC3339) + ")"
}

// GoString keeps %#v from printing the token.
func (t Token) GoString() string { return t.String() }

// LogValue keeps log/slog from printing the token.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Authenticator obtains a new access token from Redox. prev is the token the cache held last
// (zero at first); an authenticator may use its refresh token.
type Authenticator interface {
	Authenticate(ctx context.Context, prev Token) (Token, error)
}

// TokenStore keeps a token across processes (app/ backs it with the OS keychain). LoadToken
// returns a zero Token and no error when it holds none.
type TokenStore interface {
	LoadToken() (Token, error)
	SaveToken(Token) error
}

// Credentials are one of the three ways a Redox source signs in. The client turns them into an
// Authenticator bound to its API base and HTTP client.
type Credentials interface {
	authenticator(ep endpoints) (Authenticator, error)
	// secrets returns the texts to scrub from whatever a server says.
	secrets() []string
}

// endpoints is what an authenticator needs from the client it belongs to.
type endpoints struct {
	apiBase   *url.URL
	http      *http.Client
	userAgent string
	timeout   time.Duration // for each sign-in request as a whole
	secrets   *secretSet    // to scrub replies with, and to learn assertions into
}

func (c *Client) endpoints() endpoints {
	return endpoints{apiBase: c.apiBase, http: c.http, userAgent: c.userAgent,
		timeout: min(maxSignInWait, c.stall), secrets: c.secrets}
}

func (ep endpoints) url(path string) string {
	u := *ep.apiBase
	u.Path += path
	return u.String()
}

// WithCredentials sets how the client signs in.
func WithCredentials(cr Credentials) Option {
	return func(c *Client) error {
		if cr == nil {
			return errors.New("client: nil credentials")
		}
		c.credentials = cr
		return nil
	}
}

// Authenticate fetches a fresh token now, whatever the cache holds, and keeps it for uploads:
// the "Test connection" button. Show its expiry, never the token. A failure is an *Error.
func (c *Client) Authenticate(ctx context.Context) (Token, error) {
	c.tokens.invalidateAll()
	t, _, err := c.tokens.token(ctx)
	if err != nil {
		e := signInFailure(err)
		c.secrets.scrubError(e)
		return Token{}, e
	}
	return t, nil
}

// tokenCache hands out one token to every concurrent upload, renews it a safety margin before
// it expires, and lets only one fetch run at a time.
type tokenCache struct {
	auth    Authenticator
	store   TokenStore
	secrets *secretSet // learns every token the cache meets
	now     func() time.Time

	mu       sync.Mutex
	loaded   bool
	cur      Token
	stale    bool // Redox refused cur.AccessToken; cur is kept as the fetch's prev
	margin   time.Duration
	inflight *tokenFetch
}

type tokenFetch struct {
	done chan struct{}
	tok  Token
	err  error
}

// tokenFetchTimeout bounds a whole fetch, which runs on after the caller that started it gave
// up; each of its requests has a shorter bound of its own (endpoints.timeout).
const tokenFetchTimeout = 2 * time.Minute

func newTokenCache(auth Authenticator, store TokenStore, secrets *secretSet) *tokenCache {
	return &tokenCache{auth: auth, store: store, secrets: secrets, now: time.Now}
}

// renewalMargin is how long before expiry a token stops being handed out: a minute, or a
// quarter of its remaining life when that is shorter.
func renewalMargin(remaining time.Duration) time.Duration {
	return min(time.Minute, remaining/4)
}

func (tc *tokenCache) usable() bool {
	t := tc.cur
	return !tc.stale && t.AccessToken != "" && (t.Expires.IsZero() || tc.now().Add(tc.margin).Before(t.Expires))
}

func (tc *tokenCache) set(t Token) {
	tc.secrets.remember(t.AccessToken, t.RefreshToken)
	tc.cur = t
	tc.stale = false
	tc.margin = 0
	if !t.Expires.IsZero() {
		tc.margin = renewalMargin(t.Expires.Sub(tc.now()))
	}
}

// token returns a usable token, fetching one if needed; fetched reports whether it waited for
// a fetch (its own or another caller's), which is when a sign-in request may have gone out.
// Waiting callers return as soon as their context ends; the fetch itself carries on for the
// others.
func (tc *tokenCache) token(ctx context.Context) (t Token, fetched bool, err error) {
	tc.mu.Lock()
	if !tc.loaded {
		tc.loaded = true
		if tc.store != nil {
			t, err := tc.store.LoadToken()
			if err != nil {
				tc.mu.Unlock()
				return Token{}, false, fmt.Errorf("loading the saved token: %w", err)
			}
			tc.set(t)
		}
	}
	if tc.usable() {
		t := tc.cur
		tc.mu.Unlock()
		return t, false, nil
	}
	f := tc.inflight
	if f == nil {
		f = &tokenFetch{done: make(chan struct{})}
		tc.inflight = f
		go tc.fetch(context.WithoutCancel(ctx), f, tc.cur)
	}
	tc.mu.Unlock()

	select {
	case <-f.done:
		return f.tok, true, f.err
	case <-ctx.Done():
		return Token{}, true, ctx.Err()
	}
}

func (tc *tokenCache) fetch(ctx context.Context, f *tokenFetch, prev Token) {
	ctx, cancel := context.WithTimeout(ctx, tokenFetchTimeout)
	defer cancel()
	t, err := tc.auth.Authenticate(ctx, prev)
	tc.secrets.remember(t.AccessToken, t.RefreshToken)
	if err == nil && t.AccessToken == "" {
		err = errors.New("authenticator returned an empty token")
	}
	if err == nil && tc.store != nil {
		if serr := tc.store.SaveToken(t); serr != nil {
			err = fmt.Errorf("saving the new token: %w", serr)
		}
	}
	tc.mu.Lock()
	if err == nil {
		tc.set(t)
	}
	tc.inflight = nil
	tc.mu.Unlock()
	f.tok, f.err = t, err
	close(f.done)
}

// invalidate drops the cached access token if it is still the one Redox refused, keeping the
// refresh token. A refusal of an older token does nothing, so concurrent 401s cause one fetch.
func (tc *tokenCache) invalidate(refused string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.cur.AccessToken == refused {
		tc.stale = true
	}
}

func (tc *tokenCache) invalidateAll() {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.loaded = true
	tc.cur = Token{}
}
