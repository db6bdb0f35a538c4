package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/mattn/go-ieproxy"
)

// ProxyMode says how the client finds the proxy between this computer and Redox.
type ProxyMode int

// The proxy modes. The zero value, ProxyEnvironment, is what a client uses without WithProxy,
// as net/http does. An application on people's computers is better served by ProxySystem (the
// Redox Uploader's settings default to it): on Windows go-ieproxy uses HTTPS_PROXY and
// HTTP_PROXY when they are set, else the Windows (Internet Options) proxy settings, PAC script
// included, else a direct connection, so it does all that ProxyEnvironment does and more; on
// macOS it reads the system settings; elsewhere it is exactly ProxyEnvironment.
const (
	ProxyEnvironment ProxyMode = iota // HTTPS_PROXY, HTTP_PROXY and NO_PROXY (never for loopback hosts)
	ProxySystem                       // the operating system's settings (Windows, macOS); the environment elsewhere
	ProxyNone                         // connect directly, whatever the environment says
	ProxyManual                       // the one proxy in ProxyConfig.URL, for every request
)

var proxyModeNames = [...]string{"environment", "system", "none", "manual"}

// String returns the mode's settings-file name: "environment", "system", "none" or "manual".
func (m ProxyMode) String() string {
	if m < 0 || int(m) >= len(proxyModeNames) {
		return fmt.Sprintf("proxy-mode(%d)", int(m))
	}
	return proxyModeNames[m]
}

// ParseProxyMode reads a mode name as String writes it, in any case. An empty name is an
// error: which mode an unset setting means is the caller's choice.
func ParseProxyMode(s string) (ProxyMode, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, name := range proxyModeNames {
		if s == name {
			return ProxyMode(i), nil
		}
	}
	return 0, fmt.Errorf("proxy mode must be environment, system, none or manual, not %q", s)
}

// ProxyConfig chooses the proxy. URL is used with ProxyManual only.
type ProxyConfig struct {
	Mode ProxyMode
	URL  string // http://host:port or https://host:port, optionally with user:password@
}

// String describes the configuration for diagnostics, without any credentials.
func (p ProxyConfig) String() string {
	if p.Mode != ProxyManual {
		return p.Mode.String()
	}
	u, err := ParseProxyURL(p.URL)
	if err != nil {
		return "manual (invalid URL)"
	}
	return "manual (" + RedactProxyURL(u) + ")"
}

// ProxyFunc returns the function a Transport calls to pick the proxy of each request.
func (p ProxyConfig) ProxyFunc() (func(*http.Request) (*url.URL, error), error) {
	switch p.Mode {
	case ProxyEnvironment:
		return http.ProxyFromEnvironment, nil
	case ProxySystem:
		system := ieproxy.GetProxyFunc()
		return func(req *http.Request) (*url.URL, error) {
			u, err := system(req)
			if u != nil && u.Scheme == "" { // a PAC script answers "host:port"
				u.Scheme = "http"
			}
			return u, err
		}, nil
	case ProxyNone:
		return nil, nil
	case ProxyManual:
		u, err := ParseProxyURL(p.URL)
		if err != nil {
			return nil, err
		}
		return http.ProxyURL(u), nil
	}
	return nil, fmt.Errorf("unknown proxy mode %d", int(p.Mode))
}

// ParseProxyURL checks a manual proxy address: http:// or https://, a host, an optional port
// and optional credentials, nothing else. Errors never repeat a password.
func ParseProxyURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("the proxy address is empty; enter it as http://host:port")
	}
	if !strings.Contains(raw, "://") {
		return nil, errors.New("the proxy address must start with http:// or https:// (for example http://proxy.example.org:8080)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("the proxy address is not a valid URL; enter it as http://host:port")
	}
	shown := RedactProxyURL(u)
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("the proxy address %s must start with http:// or https://", shown)
	case u.Hostname() == "":
		return nil, fmt.Errorf("the proxy address %s has no host name", shown)
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		return nil, fmt.Errorf("the proxy address %s must be only scheme, host and port, with no path", shown)
	}
	if port := u.Port(); port != "" {
		var n int
		if _, err := fmt.Sscan(port, &n); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("the proxy address %s has an invalid port", shown)
		}
	}
	u.Path = ""
	return u, nil
}

// RedactProxyURL returns u as text without its user name and password.
func RedactProxyURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	return c.String()
}

// WithProxy chooses the proxy of the client's own transport, for sign-in and upload alike
// (default ProxyEnvironment). It cannot be combined with WithHTTPClient.
func WithProxy(p ProxyConfig) Option {
	return func(c *Client) error {
		if _, err := p.ProxyFunc(); err != nil {
			return fmt.Errorf("client: proxy: %w", err)
		}
		c.proxy = &p
		return nil
	}
}

// WithExtraRootCAs trusts the certificates in pemData (PEM, or DER as Windows exports .cer
// files) in addition to the system's, for this client only: the fix for networks whose firewall
// re-signs TLS traffic with its own authority. It may be given more than once. Certificate
// verification itself is never turned off. It cannot be combined with WithHTTPClient.
func WithExtraRootCAs(pemData []byte) Option {
	return func(c *Client) error {
		certs, err := ParseCertificates(pemData)
		if err != nil {
			return fmt.Errorf("client: extra trusted certificates: %w", err)
		}
		c.extraRoots = append(c.extraRoots, certs...)
		return nil
	}
}

// ParseCertificates reads the certificates of a PEM text (every CERTIFICATE block), or of DER
// data. It refuses input with no certificate, a damaged one, or a block that is not a
// certificate (a pasted private key, say).
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("found a %q block: only certificates (-----BEGIN CERTIFICATE-----) belong here", block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d is damaged: %v", len(certs)+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) > 0 {
		return certs, nil
	}
	if der, err := x509.ParseCertificates(data); err == nil && len(der) > 0 {
		return der, nil
	}
	return nil, errors.New("no certificate found: paste or choose a PEM file that starts with -----BEGIN CERTIFICATE-----")
}

// ownTransport builds the client's transport from NewTransport with its proxy and roots.
func (c *Client) ownTransport() (*http.Transport, error) {
	t := NewTransport()
	if c.proxy != nil {
		fn, err := c.proxy.ProxyFunc()
		if err != nil {
			return nil, fmt.Errorf("client: proxy: %w", err)
		}
		t.Proxy = fn
	}
	if len(c.extraRoots) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		for _, cert := range c.extraRoots {
			pool.AddCert(cert)
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return t, nil
}

// ProxyError is a proxy's refusal of a CONNECT (the tunnel to an https:// address): the
// Status it answered, such as 407 (it wants a sign-in) or 403 (not allowed).
type ProxyError struct {
	Proxy  string // the proxy's address, without credentials
	Target string // host:port the tunnel was for
	Status int
	Reply  string // the status line's text
}

func (e *ProxyError) Error() string {
	return fmt.Sprintf("proxy %s answered CONNECT %s with %d %s", e.Proxy, e.Target, e.Status, e.Reply)
}

// onProxyConnectResponse turns a CONNECT refusal into a *ProxyError, which transportError
// recognises; net/http would otherwise return only the status text.
func onProxyConnectResponse(_ context.Context, proxyURL *url.URL, req *http.Request, resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	_, text, _ := strings.Cut(resp.Status, " ")
	return &ProxyError{Proxy: RedactProxyURL(proxyURL), Target: req.Host, Status: resp.StatusCode, Reply: text}
}
