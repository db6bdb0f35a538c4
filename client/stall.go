package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultStallTimeout is how long an upload try may go without progress before it fails.
const DefaultStallTimeout = 60 * time.Second

// maxSignInWait bounds each sign-in request as a whole: its body is tiny, so a sign-in that
// takes longer is not coming.
const maxSignInWait = 30 * time.Second

// WithStallTimeout sets how long an upload try may go without any progress before it fails
// (default DefaultStallTimeout): no byte of the file taken by the server, or no reply once the
// whole file was sent. The reply's body, which is small, must then arrive whole within d of its
// headers, so one that trickles in a byte at a time fails too. The failure is a KindNetwork
// *Error, retried per the retry policy (but see Upload for a success reply cut short). A file
// that keeps moving, however slowly, is never cut off; raise the limit for links that pause for
// long, not for slow ones. Each sign-in request, whose body is tiny, is bounded as a whole by
// the shorter of d and 30 seconds. d must be positive.
func WithStallTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("client: stall timeout must be positive, got %v", d)
		}
		c.stall = d
		return nil
	}
}

// StallTimeout reports how long an upload try may go without progress (WithStallTimeout).
func (c *Client) StallTimeout() time.Duration { return c.stall }

// stallPhase is what an upload try was doing when it stopped moving.
type stallPhase int32

const (
	stallSending stallPhase = iota // the server was taking the file
	stallWaiting                   // the file was sent; no reply yet
	stallReading                   // the reply's headers came; its body was not whole in time
)

// stallError is the cause of a try that the watch ended.
type stallError struct {
	phase stallPhase
	limit time.Duration
}

func (e *stallError) Error() string {
	doing := "while sending the file"
	switch e.phase {
	case stallSending:
	case stallWaiting:
		doing = "waiting for the reply after the file was sent"
	default:
		return "the reply's body was not whole " + e.limit.String() + " after its headers"
	}
	return "no progress for " + e.limit.String() + " " + doing
}

// Timeout marks a stall as a timeout for code that asks.
func (e *stallError) Timeout() bool { return true }

// stallWatch ends an upload try that stops moving: it cancels the try's context, with a
// *stallError as the cause, once nothing has been sent or received for limit, or once the
// reply's body is not whole limit after its headers came. It also measures how long the file
// was moving, for the retry budget.
type stallWatch struct {
	limit  time.Duration
	start  time.Time
	cancel context.CancelCauseFunc

	last      atomic.Int64 // time since start of the last progress, either way
	firstSent atomic.Int64 // time since start of the first and last reads of the body; -1: none
	lastSent  atomic.Int64
	phase     atomic.Int32

	mu      sync.Mutex
	timer   *time.Timer
	bound   *time.Timer // the reply body's deadline, once the reply came
	stopped bool
}

// watchStalls returns a context for one try and the watch that cancels it.
func watchStalls(ctx context.Context, limit time.Duration) (context.Context, *stallWatch) {
	ctx, cancel := context.WithCancelCause(ctx)
	w := &stallWatch{limit: limit, start: time.Now(), cancel: cancel}
	w.firstSent.Store(-1)
	w.timer = time.AfterFunc(limit, w.check)
	return ctx, w
}

func (w *stallWatch) now() int64 { return int64(time.Since(w.start)) }

// moved notes progress.
func (w *stallWatch) moved() { w.last.Store(w.now()) }

// sent notes that the transport took bytes of the request body.
func (w *stallWatch) sent() {
	now := w.now()
	w.firstSent.CompareAndSwap(-1, now)
	w.lastSent.Store(now)
	w.last.Store(now)
	w.setPhase(stallSending)
}

// enter notes that the try moved on to phase, which is progress too.
func (w *stallWatch) enter(p stallPhase) {
	w.setPhase(p)
	w.moved()
}

// setPhase records what the try is doing, unless it is already reading the reply: the
// transport may read the request body's end after the reply has come, and that must not send
// the phase back.
func (w *stallWatch) setPhase(p stallPhase) {
	for {
		cur := w.phase.Load()
		if stallPhase(cur) == stallReading || w.phase.CompareAndSwap(cur, int32(p)) {
			return
		}
	}
}

// check runs when the timer fires: it ends the try if nothing moved for the limit, else sets
// the timer for when that would be.
func (w *stallWatch) check() {
	idle := time.Duration(w.now() - w.last.Load())
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped || stallPhase(w.phase.Load()) == stallReading { // the reply's deadline rules now
		return
	}
	if idle >= w.limit {
		w.stopped = true
		w.cancel(&stallError{phase: stallPhase(w.phase.Load()), limit: w.limit})
		return
	}
	w.timer.Reset(w.limit - idle)
}

// replyArrived notes that the reply's headers came: from now on its body must be whole within
// the limit, a fixed deadline in place of the watch for progress, which a reply trickling in a
// byte at a time would keep from ever firing.
func (w *stallWatch) replyArrived() {
	w.enter(stallReading)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.timer.Stop()
		w.bound = time.AfterFunc(w.limit, w.replyLate)
	}
}

// replyLate ends a try whose reply body was not whole within the limit.
func (w *stallWatch) replyLate() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	w.stopped = true
	w.cancel(&stallError{phase: stallReading, limit: w.limit})
}

// stop ends the watch and releases the try's context.
func (w *stallWatch) stop() {
	w.mu.Lock()
	w.stopped = true
	w.timer.Stop()
	if w.bound != nil {
		w.bound.Stop()
	}
	w.mu.Unlock()
	w.cancel(nil)
}

// sendingTime is how long the file was moving: from the first to the last read of the body.
func (w *stallWatch) sendingTime() time.Duration {
	first := w.firstSent.Load()
	if first < 0 {
		return 0
	}
	return time.Duration(w.lastSent.Load() - first)
}

// stallEnded returns the *Error of a try whose context is tryCtx when the stall watch ended
// it, or nil: also when the caller's ctx ended, which is a cancellation, not a stall.
func stallEnded(ctx, tryCtx context.Context) *Error {
	var se *stallError
	if ctx.Err() == nil && errors.As(context.Cause(tryCtx), &se) {
		return stallFailure(se)
	}
	return nil
}

// stallFailure is the *Error of a try the watch ended.
func stallFailure(se *stallError) *Error {
	wait := plainDuration(se.limit)
	var msg string
	switch se.phase {
	case stallSending:
		msg = "The upload stopped moving: Redox took nothing more of the file for " + wait + "."
	case stallWaiting:
		msg = "The file was sent, but Redox did not answer for " + wait + "."
	default:
		msg = "Redox's answer did not arrive in time: it was still incomplete " + wait + " after it began."
	}
	return &Error{Kind: KindNetwork, Op: opUpload, Err: se, Fix: FixStallTimeout,
		Message: msg + " Check the network connection, then try again."}
}

// plainDuration says a duration in words: "60 seconds", "2 minutes", "0.2 seconds".
func plainDuration(d time.Duration) string {
	switch {
	case d >= 2*time.Minute && d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + " minutes"
	case d >= time.Second:
		n := int(d.Round(time.Second) / time.Second)
		if n == 1 {
			return "1 second"
		}
		return strconv.Itoa(n) + " seconds"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " seconds"
}

// watchedBody passes a request body through, telling the watch of every read and of its end.
type watchedBody struct {
	r io.Reader
	w *stallWatch
}

func (b watchedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		b.w.sent()
	}
	if err == io.EOF {
		b.w.enter(stallWaiting)
	}
	return n, err
}
