package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// Sandbox is the local Redox stand-in behind the built-in Sandbox profile: it speaks Redox's
// contract on loopback, so nothing sent to it leaves this computer.
type Sandbox struct {
	Handler *redoxtest.Handler
	Demo    redoxtest.Demo // demo credentials for every sign-in method
	server  *http.Server
	addr    string
}

// StartSandbox serves the stand-in on addr ("127.0.0.1:0" picks a free port). The address
// must be loopback: the sandbox speaks plain http and has no business on a network.
func StartSandbox(addr string) (*Sandbox, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%q is not HOST:PORT: %w", addr, err)
	}
	if !client.IsLoopback(host) {
		return nil, fmt.Errorf("the sandbox only listens on this computer (127.0.0.1), not on %q", host)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("the sandbox could not listen on %s: %w", addr, err)
	}
	h := redoxtest.NewHandler(redoxtest.Config{})
	s := &Sandbox{Handler: h, Demo: h.AddDemoSources(), addr: ln.Addr().String(),
		server: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go s.server.Serve(ln)
	return s, nil
}

// APIBase is the base URL of the sandbox's sign-in endpoints.
func (s *Sandbox) APIBase() string { return "http://" + s.addr }

// UploadURL is the sandbox's upload endpoint.
func (s *Sandbox) UploadURL() string { return s.APIBase() + "/upload" }

// Profile is the built-in Sandbox profile pointed at this server.
func (s *Sandbox) Profile() Profile {
	p := SandboxProfile(s.UploadURL(), s.APIBase())
	p.APIKey = s.Demo.APIKey
	return p
}

// ClientOptions sign in with the demo API key; no keychain is involved.
func (s *Sandbox) ClientOptions(p Profile) []client.Option {
	return []client.Option{client.WithUploadURL(s.UploadURL()), client.WithAPIBase(s.APIBase()),
		client.WithMaxSize(p.MaxSize), client.WithLegacyKey(s.Demo.APIKey, s.Demo.Secret)}
}

// Close stops the server and releases any request a fault left hanging.
func (s *Sandbox) Close() error {
	s.Handler.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.server.Shutdown(ctx)
}
