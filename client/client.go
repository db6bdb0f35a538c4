// Package client speaks Redox's file-upload and authentication API: it streams a file to the
// upload endpoint with a bearer token it obtains and renews itself, retries what is transient,
// and turns every other outcome into a typed *Error with a plain-words message.
//
// It knows nothing of keychains, databases or windows: callers hand it credentials and, if they
// want tokens to outlive the process, a TokenStore.
package client

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults for a Client built without the matching option.
const (
	DefaultUploadURL = "https://blob.redoxengine.com/upload"
	DefaultAPIBase   = "https://api.redoxengine.com"
	DefaultMaxSize   = 10 << 20 // 10 MiB, the limit Redox's upload documentation states
	DefaultUserAgent = "redox-uploader"
)

// Client uploads files to one Redox source. It is safe for concurrent use; concurrent uploads
// share one access token and one token fetch.
type Client struct {
	uploadURL *url.URL
	apiBase   *url.URL
	maxSize   int64
	retry     RetryPolicy
	stall     time.Duration // WithStallTimeout
	http      *http.Client
	userAgent string

	proxy      *ProxyConfig        // WithProxy; nil: ProxyEnvironment
	extraRoots []*x509.Certificate // WithExtraRootCAs
	callerHTTP bool                // WithHTTPClient was given

	credentials Credentials
	store       TokenStore
	tokens      *tokenCache
	secrets     *secretSet // every secret and token the client knows, to scrub server text of
}

// Option configures a Client; New reports the first option that is invalid.
type Option func(*Client) error

// New returns a Client. Credentials are required: WithLegacyKey, WithOAuth, WithStaticToken
// or WithCredentials. Everything else has a default.
func New(opts ...Option) (*Client, error) {
	c := &Client{maxSize: DefaultMaxSize, retry: DefaultRetryPolicy(), stall: DefaultStallTimeout,
		userAgent: DefaultUserAgent}
	for _, opt := range []Option{WithUploadURL(DefaultUploadURL), WithAPIBase(DefaultAPIBase)} {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.credentials == nil {
		return nil, errors.New("client: no credentials: use WithLegacyKey, WithOAuth, WithStaticToken or WithCredentials")
	}
	if c.callerHTTP && (c.proxy != nil || len(c.extraRoots) > 0) {
		return nil, errors.New("client: WithProxy and WithExtraRootCAs configure the client's own transport; " +
			"configure the HTTP client given to WithHTTPClient instead")
	}
	if c.http == nil {
		t, err := c.ownTransport()
		if err != nil {
			return nil, err
		}
		// The stall watch bounds the wait for a reply; the transport's own bound must not be
		// the shorter one.
		t.ResponseHeaderTimeout = max(t.ResponseHeaderTimeout, c.stall)
		c.http = &http.Client{Transport: t, CheckRedirect: refuseRedirects}
	}
	c.secrets = c.knownSecrets()
	c.secrets.add(c.credentials.secrets()...)
	auth, err := c.credentials.authenticator(c.endpoints())
	if err != nil {
		return nil, err
	}
	c.tokens = newTokenCache(auth, c.store, c.secrets)
	return c, nil
}

// knownSecrets starts the set of secrets to scrub server text of with the proxy's password.
func (c *Client) knownSecrets() *secretSet {
	s := newSecretSet()
	switch {
	case c.proxy != nil && c.proxy.Mode == ProxyManual:
		s.add(proxySecrets(c.proxy.URL)...)
	case c.proxy == nil || c.proxy.Mode != ProxyNone:
		s.add(environmentProxySecrets()...)
	}
	return s
}

// WithUploadURL sets the upload endpoint (default DefaultUploadURL).
func WithUploadURL(raw string) Option {
	return func(c *Client) error {
		u, err := ParseServiceURL(raw)
		if err != nil {
			return fmt.Errorf("client: upload URL: %w", err)
		}
		c.uploadURL = u
		return nil
	}
}

// WithAPIBase sets the base of the authentication endpoints (default DefaultAPIBase; Canada uses
// https://api.ca.redoxengine.com).
func WithAPIBase(raw string) Option {
	return func(c *Client) error {
		u, err := ParseServiceURL(raw)
		if err != nil {
			return fmt.Errorf("client: API base: %w", err)
		}
		u.Path = strings.TrimRight(u.Path, "/")
		c.apiBase = u
		return nil
	}
}

// WithMaxSize sets the largest file the client will send, in bytes (default DefaultMaxSize).
func WithMaxSize(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return fmt.Errorf("client: size limit must be positive, got %d", n)
		}
		c.maxSize = n
		return nil
	}
}

// WithRetryPolicy replaces the default retry policy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if err := p.validate(); err != nil {
			return fmt.Errorf("client: retry policy: %w", err)
		}
		c.retry = p
		return nil
	}
}

// WithHTTPClient makes the client send every request through hc instead of its own tuned
// transport. Redirects are still refused.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("client: nil HTTP client")
		}
		own := *hc
		own.CheckRedirect = refuseRedirects
		c.http = &own
		c.callerHTTP = true
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if strings.ContainsAny(ua, "\r\n") || ua == "" {
			return errors.New("client: user agent must be one non-empty line")
		}
		c.userAgent = ua
		return nil
	}
}

// WithTokenStore lets tokens outlive the process: the cache loads from it before the first
// fetch and saves every new token to it.
func WithTokenStore(s TokenStore) Option {
	return func(c *Client) error {
		c.store = s
		return nil
	}
}

// MaxSize reports the size limit in bytes.
func (c *Client) MaxSize() int64 { return c.maxSize }

// UploadURL reports the upload endpoint.
func (c *Client) UploadURL() string { return c.uploadURL.String() }

// ParseServiceURL parses an absolute endpoint URL and applies the transport rule: https
// anywhere, plain http only to a loopback host.
func ParseServiceURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid URL: %w", raw, err)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%q is not an absolute URL with a host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%q carries a user name or password; put credentials in the source's sign-in settings instead", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("%q uses plain http to a host that is not this computer; use https", raw)
		}
	default:
		return nil, fmt.Errorf("%q must start with https://", raw)
	}
	return u, nil
}

// IsLoopback reports whether host names this computer: localhost, 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// maxSendBuffer caps the kernel's send buffer of each connection. What the kernel holds goes out
// unseen: once the file's last byte is handed over, the stall watch waits for a reply while the
// buffer drains, and an autotuned buffer of several megabytes draining over a slow link would
// look like a silent server. Half a megabyte drains in seconds on slow links and still fills
// 40 Mbit/s at 100 ms of round trip.
const maxSendBuffer = 512 << 10

// NewTransport returns the HTTP transport the client uses by default: proxy from the
// environment (WithProxy changes it), a proxy's CONNECT refusal reported as a *ProxyError;
// bounded dial, TLS-handshake and response-header waits; a send buffer of at most 512 KiB a
// connection; no limit on how long a body may take to send, so large files on slow links
// finish (the client's stall watch ends transfers that stop moving).
func NewTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dialer.DialContext(ctx, network, addr)
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetWriteBuffer(maxSendBuffer) // best effort: a refusal leaves the system's buffer
		}
		return conn, err
	}
	return &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            dial,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    20 * time.Second,
		ResponseHeaderTimeout:  2 * time.Minute,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           32,
		MaxIdleConnsPerHost:    16,
		WriteBufferSize:        64 << 10,
		ReadBufferSize:         16 << 10,
		OnProxyConnectResponse: onProxyConnectResponse,
	}
}

// refuseRedirects stops the HTTP client from following redirects: Redox does not send them, and
// following one could carry a file or a token somewhere unintended.
func refuseRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
