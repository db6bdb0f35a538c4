package redoxtest

import "net/http/httptest"

// Server is a Handler running on a local httptest.Server.
type Server struct {
	*httptest.Server
	*Handler
}

// NewServer starts a plain-HTTP server for a new Handler.
func NewServer(cfg Config) *Server {
	h := NewHandler(cfg)
	return &Server{Server: httptest.NewServer(h), Handler: h}
}

// NewTLSServer starts an HTTPS (HTTP/1.1) server for a new Handler; use
// its Client or Certificate to trust it.
func NewTLSServer(cfg Config) *Server {
	h := NewHandler(cfg)
	return &Server{Server: httptest.NewTLSServer(h), Handler: h}
}

// Close releases hung handlers, then shuts the server down.
func (s *Server) Close() {
	s.Handler.Close()
	s.Server.Close()
}

// UploadURL is the server's upload endpoint.
func (s *Server) UploadURL() string { return s.URL + "/upload" }

// APIBase is the base URL of the authentication endpoints.
func (s *Server) APIBase() string { return s.URL }
