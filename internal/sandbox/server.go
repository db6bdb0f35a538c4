package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is a Handler with the demo sources, served over plain HTTP on one address.
type Server struct {
	Handler *Handler
	Demo    Demo // demo credentials for every sign-in method
	server  *http.Server
	addr    string
	wait    time.Duration // how long Close lets requests under way finish
}

// shutdownWait bounds how long Close lets requests under way finish.
const shutdownWait = 2 * time.Second

// Listen serves a new Handler with demo sources on addr ("127.0.0.1:0" picks a free port).
// It serves plain HTTP: the caller chooses a loopback address.
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("the sandbox could not listen on %s: %w", addr, err)
	}
	h := NewHandler(Config{})
	s := &Server{Handler: h, Demo: h.AddDemoSources(), addr: ln.Addr().String(), wait: shutdownWait,
		server: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go s.server.Serve(ln)
	return s, nil
}

// APIBase is the base URL of the sign-in endpoints.
func (s *Server) APIBase() string { return "http://" + s.addr }

// UploadURL is the upload endpoint.
func (s *Server) UploadURL() string { return s.APIBase() + "/upload" }

// Close stops the server, letting requests under way finish for a moment, then closing what
// is still open: requests that outlast the wait, and connections a client opened but never
// sent a request on (net/http waits for those as if they were busy), are dropped. Every
// upload answered before is recorded, so nothing is lost.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.wait)
	defer cancel()
	err := s.server.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		_ = s.server.Close() // its listener is closed already; what it says of that does not matter
		return nil
	}
	return err
}
