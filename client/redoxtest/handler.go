// Package redoxtest is the test double of Redox: the sandbox's stand-in (internal/sandbox) on
// an httptest server, with faults a test scripts, and a forward proxy. Only tests import it.
//
// A [Handler] is the stand-in with [Fault]s; [NewServer] and [NewTLSServer] serve one on
// loopback. Config, Stats, Upload and Demo are the stand-in's own types.
package redoxtest

import (
	"net/http"
	"sync"

	"redoxuploader/internal/sandbox"
)

// The stand-in's types, under the names tests use.
type (
	Config = sandbox.Config
	Stats  = sandbox.Stats
	Upload = sandbox.Upload
	Demo   = sandbox.Demo
)

// Handler is the stand-in as an http.Handler, with faults scripted for its upload and sign-in
// endpoints. It is safe for concurrent use.
type Handler struct {
	*sandbox.Handler
	done chan struct{} // closed by Close
	once sync.Once

	mu          sync.Mutex
	uploadFault []Fault
	authFault   []Fault
	echoes      []string // replies sent by Echo faults
}

// NewHandler returns a Handler with nothing registered and no fault scripted. It sets
// cfg.Intercept to act out the faults.
func NewHandler(cfg Config) *Handler {
	h := &Handler{done: make(chan struct{})}
	cfg.Intercept = h.intercept
	h.Handler = sandbox.NewHandler(cfg)
	return h
}

// intercept acts out the next fault of the request's endpoint and reports whether it
// answered the request.
func (h *Handler) intercept(w http.ResponseWriter, r *http.Request) bool {
	return h.applyFault(w, r, h.nextFault(r))
}

// Close releases handlers held by Delay, NeverRead, Hang or StallReply faults, now and later:
// they panic with http.ErrAbortHandler, which net/http turns into a dropped connection without
// a reply. It is idempotent.
func (h *Handler) Close() {
	h.once.Do(func() { close(h.done) })
}
