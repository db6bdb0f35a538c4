package redoxtest

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"redoxuploader/internal/sandbox"
)

// Fault changes the response to one request. Zero fields mean "normal".
// After RetryAfter and Delay, at most one of ResetMidBody, NeverRead, Hang,
// Echo, StallReply and Status acts, in that order of precedence. Every fault
// that holds a request (Delay, NeverRead, Hang, StallReply) lets it go when
// Close is called, so a test that closes its server leaks no handler.
type Fault struct {
	// Status replies with this status and Body instead of processing the
	// request; with 200 or 201 the body is sent as-is. It is also the status
	// of Echo (default 502) and StallReply (default 201).
	Status int
	Body   string
	// ContentType of Body; default text/html when Body is set. For Echo it
	// chooses the form of the echo.
	ContentType string
	// RetryAfter sets the Retry-After header (seconds or HTTP date) on
	// whatever reply is sent.
	RetryAfter string
	// Location sets the Location header on whatever reply is sent: with a
	// 3xx Status, a redirect.
	Location string
	// Delay waits before answering, giving up (and dropping the connection)
	// if Close is called or the request context ends.
	Delay time.Duration
	// ResetMidBody reads about half the request body (at most 64 KiB, at
	// least 1 byte), then resets the connection (SO_LINGER 0).
	ResetMidBody bool
	// NeverRead takes the request and then neither reads its body nor
	// answers: a server that stopped mid-request. A client sending a body
	// larger than the connection's buffers blocks writing it; one with a
	// small body waits for a reply. Only Close ends it: while the body is
	// unread the server cannot see the client give up.
	NeverRead bool
	// Hang reads the whole body and then never answers, until the request
	// context ends or Close is called. On the sign-in endpoints (ScriptAuth)
	// it is a sign-in service that accepts and never answers.
	Hang bool
	// Echo replies with Status (default 502) and a body that repeats the
	// request, as a misconfigured gateway does: its request line, its
	// Authorization and Proxy-Authorization headers, up to 64 KiB of its
	// body, then its other headers, in that order. ContentType chooses how:
	// text/plain (the default) repeats it raw; application/json as an
	// object of JSON strings (escaped); application/x-www-form-urlencoded as
	// a form value (URL-escaped). Echoes returns what was sent.
	Echo bool
	// StallReply answers with Status (default 201), the headers and Body,
	// but promises one byte more than Body (Content-Length) and holds the
	// connection: a reply that stops arriving. It ends when the request
	// context ends or Close is called.
	StallReply bool
	// Forever keeps the fault at the head of its queue: it acts on this
	// request and on every later one of its queue (upload, or sign-in), so
	// that a server can fail the same way for as long as a client tries.
	// Faults queued behind it are never reached.
	Forever bool
	// Entered, when not nil, is sent a value as each request reaches the
	// fault, before it acts: a test can await a held request instead of
	// sleeping. The send gives up when Close is called or the request ends.
	Entered chan<- struct{}
}

// resetAfterMax caps how much of the body ResetMidBody reads.
const resetAfterMax = 64 << 10

// Script queues faults for upload requests; each request takes the next.
func (h *Handler) Script(faults ...Fault) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.uploadFault = append(h.uploadFault, faults...)
}

// ScriptAuth queues faults for the three authentication endpoints; each
// request to any of them takes the next.
func (h *Handler) ScriptAuth(faults ...Fault) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.authFault = append(h.authFault, faults...)
}

// nextFault takes the next fault queued for the request's endpoint (the upload, or any
// sign-in endpoint), or a zero Fault. A Forever fault is returned and left in place.
func (h *Handler) nextFault(r *http.Request) Fault {
	h.mu.Lock()
	defer h.mu.Unlock()
	q := &h.authFault
	if r.URL.Path == "/upload" {
		q = &h.uploadFault
	}
	if len(*q) == 0 {
		return Fault{}
	}
	f := (*q)[0]
	if !f.Forever {
		*q = (*q)[1:]
	}
	return f
}

// applyFault acts out f and reports whether it answered the request (or
// dropped it), in which case the handler must return.
func (h *Handler) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f.Entered != nil {
		select {
		case f.Entered <- struct{}{}:
		case <-h.done:
		case <-r.Context().Done():
		}
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Location != "" {
		w.Header().Set("Location", f.Location)
	}
	if f.Delay > 0 && !h.wait(r.Context(), f.Delay) {
		return true
	}
	switch {
	case f.ResetMidBody:
		resetMidBody(w, r)
		return true
	case f.NeverRead:
		h.wait(r.Context(), -1)
		return true
	case f.Hang:
		_, _ = io.Copy(io.Discard, r.Body)
		h.wait(r.Context(), -1)
		return true
	case f.Echo:
		h.echo(w, r, f)
		return true
	case f.StallReply:
		h.stallReply(w, r, f)
		return true
	case f.Status != 0:
		h.drain(w, r)
		if f.Body != "" {
			ct := f.ContentType
			if ct == "" {
				ct = "text/html"
			}
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
		return true
	}
	return false
}

// stallReply sends the start of a reply that never ends.
func (h *Handler) stallReply(w http.ResponseWriter, r *http.Request, f Fault) {
	h.drain(w, r)
	status := f.Status
	if status == 0 {
		status = http.StatusCreated
	}
	if f.ContentType != "" {
		w.Header().Set("Content-Type", f.ContentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)+1))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, f.Body)
	_ = http.NewResponseController(w).Flush()
	h.wait(r.Context(), -1)
}

// wait waits for d (forever if d < 0) and reports whether it ran its
// course. If Close is called first, the connection is dropped; if the
// request context ends first, wait returns false.
func (h *Handler) wait(ctx context.Context, d time.Duration) bool {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-ctx.Done():
		return false
	case <-h.done:
		panic(http.ErrAbortHandler) // the server drops the connection, unlogged
	}
}

// drain reads what is left of the request body, up to the upload limit,
// so the client sees the reply rather than a write error.
func (h *Handler) drain(w http.ResponseWriter, r *http.Request) {
	limit := h.MaxUploadSize() + sandbox.MultipartSlack
	n, _ := io.Copy(io.Discard, io.LimitReader(r.Body, limit))
	if n == limit {
		w.Header().Set("Connection", "close")
	}
}

// resetMidBody reads part of the body, then closes the connection with
// SO_LINGER 0 so the client sees a reset instead of a reply.
func resetMidBody(w http.ResponseWriter, r *http.Request) {
	n := int64(resetAfterMax)
	if r.ContentLength >= 0 {
		n = min(r.ContentLength/2, n)
	}
	n = max(n, 1)
	_, _ = io.CopyN(io.Discard, r.Body, n)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok { // TLS
		conn = tc.NetConn()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
