package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// probeOp names a connection check in an *Error's Op.
const probeOp = "connection check"

// Reached is a server's answer to Probe.
type Reached struct {
	URL     *url.URL
	Proxy   *url.URL // the proxy the request went through, without credentials; nil when direct
	Status  int      // the server's HTTP status, whatever it is
	Elapsed time.Duration
}

// Probe checks that the server of rawURL can be reached the way a client built with opts would
// reach it (WithProxy, WithExtraRootCAs, WithUserAgent): it sends one HEAD request without
// credentials, nor anything else the options hold. Any HTTP reply proves the network path and
// the certificate, even 401 or 404; a proxy's 407 does not. A failure is an *Error of
// KindNetwork with the same words an upload would get. WithHTTPClient cannot be given.
func Probe(ctx context.Context, rawURL string, opts ...Option) (Reached, error) {
	u, err := ParseServiceURL(rawURL)
	if err != nil {
		return Reached{}, err
	}
	c := &Client{userAgent: DefaultUserAgent}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return Reached{}, err
		}
	}
	if c.callerHTTP {
		return Reached{}, errors.New("client: Probe checks the client's own transport; WithHTTPClient cannot be given")
	}
	t, err := c.ownTransport()
	if err != nil {
		return Reached{}, err
	}
	t.DisableKeepAlives = true
	defer t.CloseIdleConnections()
	var proxy atomic.Pointer[url.URL]
	if choose := t.Proxy; choose != nil {
		t.Proxy = func(req *http.Request) (*url.URL, error) {
			p, err := choose(req)
			if p != nil {
				shown := *p
				shown.User = nil
				proxy.Store(&shown)
			}
			return p, err
		}
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String(), nil)
	if err != nil {
		return Reached{}, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	start := time.Now()
	resp, err := (&http.Client{Transport: t, CheckRedirect: refuseRedirects}).Do(req)
	r := Reached{URL: u, Proxy: proxy.Load(), Elapsed: time.Since(start)}
	if err != nil {
		e := transportError(probeOp, err)
		c.knownSecrets().scrubError(e)
		return r, e
	}
	resp.Body.Close()
	r.Status = resp.StatusCode
	if resp.StatusCode == http.StatusProxyAuthRequired { // a plain-http request's proxy answered, not the server
		return r, statusError(probeOp, replyFacts{status: resp.StatusCode})
	}
	return r, nil
}
