// Package handoff keeps one window per data folder: the first start of the window program
// becomes the window and listens; a later start hands its files to that window (which adds
// them and comes to the front) and ends, instead of opening a second window.
//
// It speaks over a Unix domain socket (AF_UNIX, which Windows 10 and later have too) in a
// folder only the user can use, next to a lock file that the window holds while it is open:
// whoever holds the lock is the window, so two starts at once cannot both become it, and a
// socket left behind by a crash is simply replaced by the next window. Requests are small
// versioned JSON, bounded in size and checked on receipt; a request is only ever a list of
// files to add (and whether the sender wanted the sandbox). The package knows nothing of the
// window itself: the window's side is a Handler.
package handoff

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// Errors Start returns besides those of a request (ErrInvalid, ErrTooLarge, ErrVersion) and
// ErrNotOnSandbox.
var (
	// ErrNoAnswer: another process is the window but did not answer in time.
	ErrNoAnswer = errors.New("the open window did not answer")
	// ErrBusy: the window took too long to start to take the files.
	ErrBusy = errors.New("the open window is still starting")
	// ErrRefused: the window could not take the files for a reason of its own.
	ErrRefused = errors.New("the open window refused the files")
)

// Start makes this process the window for place, or hands req to the process that is.
//
// It returns a Listener when this process is now the window: it holds the place until
// Close, and answers requests once given a Handler (Serve); those that come before wait. It
// returns handed == true when the window that was already open took req. Otherwise it
// returns an error: ErrNotOnSandbox when req asked for the sandbox and the window is not on
// it; anything else means the files could not be handed over (the caller may then open a
// window of its own, without a Listener).
func Start(ctx context.Context, place Place, req Request, opts ...Option) (l *Listener, handed bool, err error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	msg, err := encodeRequest(req)
	if err != nil {
		return nil, false, err
	}
	giveUp := time.Now().Add(o.ownerWait)
	wait := o.retryEvery
	for {
		l, err := listen(place, o)
		if !errors.Is(err, errHeld) {
			return l, false, err // the window now, or a failure to listen
		}
		if o.beforeSend != nil {
			o.beforeSend()
		}
		err = send(ctx, place.Socket, msg, o)
		if err == nil {
			return nil, true, nil
		}
		var again *tryAgainError
		if !errors.As(err, &again) {
			return nil, false, err
		}
		if time.Now().After(giveUp) {
			return nil, false, fmt.Errorf("%w in %s: %w", ErrNoAnswer, o.ownerWait, again.err)
		}
		// The window is between taking the lock and listening, or closing: try again soon.
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*o.retryEvery)
	}
}

// tryAgainError is a failure to reach the window that holds the lock that a moment may mend:
// it has not listened yet, or it is closing.
type tryAgainError struct{ err error }

func (e *tryAgainError) Error() string { return e.err.Error() }
func (e *tryAgainError) Unwrap() error { return e.err }

// send hands msg to the window listening at socket and reads its answer.
func send(ctx context.Context, socket string, msg []byte, o options) error {
	d := net.Dialer{Timeout: o.ioTimeout}
	c, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return &tryAgainError{err}
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })
	defer stop()
	_ = c.SetWriteDeadline(time.Now().Add(o.ioTimeout))
	if _, err := c.Write(msg); err != nil {
		return &tryAgainError{fmt.Errorf("writing to %s: %w", socket, err)}
	}
	// The window answers once it has started: up to its StartupWait, and a little more.
	_ = c.SetReadDeadline(time.Now().Add(o.startupWait + 2*o.ioTimeout))
	s, err := readReply(c)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("%w: no reply from %s: %w", ErrNoAnswer, socket, err)
	case errors.Is(err, ErrInvalid):
		return err
	case err != nil: // the connection ended without a reply: the window went away
		return &tryAgainError{fmt.Errorf("reading the reply from %s: %w", socket, err)}
	}
	switch s {
	case statusAdded:
		return nil
	case statusClosing:
		return &tryAgainError{ErrClosing}
	case statusBusy:
		return ErrBusy
	case statusNotSandbox:
		return ErrNotOnSandbox
	case statusVersion:
		return ErrVersion
	case statusTooLarge:
		return ErrTooLarge
	case statusInvalid:
		return ErrInvalid
	default:
		return fmt.Errorf("%w (%q)", ErrRefused, s)
	}
}

// An Option adjusts Start's waits; tests shorten them.
type Option func(*options)

type options struct {
	ioTimeout   time.Duration // to connect, and to read or write one message
	startupWait time.Duration // how long a request waits for the window to be ready
	ownerWait   time.Duration // how long a window may hold the lock without answering
	retryEvery  time.Duration // the first pause before trying again
	beforeSend  func()        // WithBeforeSend
	onRequest   func()        // tests: called when the Listener has read a valid request
}

func defaultOptions() options {
	return options{ioTimeout: 5 * time.Second, startupWait: 20 * time.Second, ownerWait: 10 * time.Second,
		retryEvery: 20 * time.Millisecond}
}

// WithStartupWait is how long a request waits for a window that is still starting before
// the window turns it away (ErrBusy); the sender waits that long for its answer, and a little
// more. It applies to the Listener when this process becomes the window.
func WithStartupWait(d time.Duration) Option { return func(o *options) { o.startupWait = d } }

// WithOwnerWait is how long Start keeps trying while another process holds the lock but
// cannot be reached (it is about to listen, or closing) before it returns ErrNoAnswer.
func WithOwnerWait(d time.Duration) Option { return func(o *options) { o.ownerWait = d } }

// WithIOTimeout bounds connecting and reading or writing one message.
func WithIOTimeout(d time.Duration) Option { return func(o *options) { o.ioTimeout = d } }

// WithBeforeSend runs fn each time Start is about to hand the request to an open window (on
// Windows, to let that window come to the front: see AllowSetForegroundWindow).
func WithBeforeSend(fn func()) Option { return func(o *options) { o.beforeSend = fn } }
