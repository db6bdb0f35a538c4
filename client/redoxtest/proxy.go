package redoxtest

import (
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// ProxyConfig shapes a ForwardProxy. The zero value carries everything.
type ProxyConfig struct {
	User, Password string // when set, a request without this Proxy-Authorization gets 407
	ConnectStatus  int    // when set, every CONNECT is answered with it
	// Target, when set, is the host:port every request goes to, whatever host it names: the
	// program under test can then use a made-up host name that only the proxy can reach.
	Target string
}

// ForwardProxy is an HTTP forward proxy on loopback, as a hospital's would be: CONNECT
// tunnels for https and plain forwarding for http. It records what it was asked to carry.
type ForwardProxy struct {
	*httptest.Server
	cfg     ProxyConfig
	forward *httputil.ReverseProxy

	mu      sync.Mutex
	seen    []string // "CONNECT host:port", or "POST http://host:port/path" for plain http
	tunnels []net.Conn
}

// NewForwardProxy starts a proxy; Close stops it and every tunnel it holds open.
func NewForwardProxy(cfg ProxyConfig) *ForwardProxy {
	p := &ForwardProxy{cfg: cfg}
	p.forward = &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.Out.Host = pr.In.Host }, // Out.URL is already absolute
		Transport: &http.Transport{Proxy: nil, DialContext: p.dial},
	}
	p.Server = httptest.NewServer(p)
	return p
}

// Close stops the proxy and its tunnels.
func (p *ForwardProxy) Close() {
	p.Server.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.tunnels {
		c.Close()
	}
}

// URLWith returns the proxy's address with credentials in it.
func (p *ForwardProxy) URLWith(user, password string) string {
	u, _ := url.Parse(p.URL)
	u.User = url.UserPassword(user, password)
	return u.String()
}

// Seen returns what the proxy was asked to carry, in order.
func (p *ForwardProxy) Seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.seen)
}

// Count returns how many of the requests seen start with prefix.
func (p *ForwardProxy) Count(prefix string) int {
	n := 0
	for _, s := range p.Seen() {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func (p *ForwardProxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if p.cfg.Target != "" {
		addr = p.cfg.Target
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

func (p *ForwardProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	if r.Method == http.MethodConnect {
		p.seen = append(p.seen, "CONNECT "+r.Host)
	} else {
		p.seen = append(p.seen, r.Method+" "+r.URL.String())
	}
	p.mu.Unlock()

	if p.cfg.User != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.cfg.User+":"+p.cfg.Password))
		if r.Header.Get("Proxy-Authorization") != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="hospital"`)
			http.Error(w, "Proxy Authentication Required", http.StatusProxyAuthRequired)
			return
		}
	}
	if r.Method != http.MethodConnect {
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		p.forward.ServeHTTP(w, r)
		return
	}
	if p.cfg.ConnectStatus != 0 {
		http.Error(w, "blocked by policy", p.cfg.ConnectStatus)
		return
	}
	dst, err := p.dial(r.Context(), "tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, brw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		dst.Close()
		return
	}
	p.mu.Lock()
	p.tunnels = append(p.tunnels, conn, dst)
	p.mu.Unlock()
	io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	go splice(dst, brw.Reader, conn) // brw may hold bytes sent right after CONNECT
	go splice(conn, dst, dst)
}

// splice copies src to dst, then closes both ends of the tunnel.
func splice(dst io.WriteCloser, src io.Reader, other io.Closer) {
	io.Copy(dst, src)
	dst.Close()
	other.Close()
}
