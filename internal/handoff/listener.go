package handoff

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// A Handler takes the files of one request: it returns nil once they are added (and the
// window raised), ErrClosing when the window is closing (the sender then starts again and
// becomes the window), or ErrNotOnSandbox when the request asks for the sandbox and the
// window is not on it. It may block until the window has finished starting.
type Handler func(Request) error

var (
	// ErrClosing is what a Handler returns when its window is closing.
	ErrClosing = errors.New("the window is closing")
	// ErrNotOnSandbox is what a Handler returns for a request with Sandbox set when the
	// window's chosen source is not the sandbox; Start returns it to the sender.
	ErrNotOnSandbox = errors.New("the open window is not on the sandbox")
)

// maxConnections bounds the requests a Listener reads and holds at once; a sender beyond it
// is turned away and tries again.
const maxConnections = 16

// Listener is the window's end: it holds the place's lock, so that no other process becomes
// the window for that data folder, and answers requests on the place's socket. Requests that
// arrive before Serve wait (up to the StartupWait option) for the window to be ready.
type Listener struct {
	place Place
	lock  *flock.Flock
	ln    net.Listener
	opts  options

	handler   Handler       // set once, before ready is closed
	ready     chan struct{} // closed by Serve
	closing   chan struct{} // closed by Close
	handling  sync.Mutex    // one handler call at a time
	slots     chan struct{} // one per connection being served
	wg        sync.WaitGroup
	serveOnce sync.Once
	closeOnce sync.Once
	closeErr  error
}

// errHeld means another process holds the place's lock: it is the window.
var errHeld = errors.New("another process is the window")

// listen takes the place's lock, without waiting, and listens on its socket. A socket left
// behind by a window that ended without removing it (a crash) is replaced: whoever holds the
// lock owns the socket's name. It returns errHeld when another process holds the lock.
func listen(place Place, o options) (*Listener, error) {
	lock := flock.New(place.Lock, flock.SetPermissions(0o600))
	ok, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", place.Lock, err)
	}
	if !ok {
		return nil, errHeld
	}
	ln, err := listenSocket(place.Socket)
	if err != nil {
		return nil, errors.Join(err, lock.Close())
	}
	l := &Listener{place: place, lock: lock, ln: ln, opts: o, ready: make(chan struct{}), closing: make(chan struct{}),
		slots: make(chan struct{}, maxConnections)}
	l.wg.Add(1)
	go l.accept()
	return l, nil
}

// listenSocket removes a stale socket at path and listens there, readable and writable by
// this user only (its folder is private too: see PlaceFor).
func listenSocket(path string) (net.Listener, error) {
	if err := removeStale(path); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", path, err)
	}
	if runtime.GOOS != "windows" { // Windows: the folder's access list applies
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, errors.Join(fmt.Errorf("making %s private: %w", path, err), ln.Close())
		}
	}
	return ln, nil
}

// removeStale removes what is at path unless it is a folder. (Windows cannot stat a socket
// file, so nothing is asked of it first there.)
func removeStale(path string) error {
	if runtime.GOOS != "windows" {
		if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
			return fmt.Errorf("%s is a folder, not a socket", path)
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the stale socket %s: %w", path, err)
	}
	return nil
}

// Place returns where the listener listens.
func (l *Listener) Place() Place { return l.place }

// Serve hands every request, those waiting included, to h from now on. Only the first call
// counts.
func (l *Listener) Serve(h Handler) {
	l.serveOnce.Do(func() {
		l.handler = h
		close(l.ready)
	})
}

// Close stops listening, tells senders still waiting that the window is closing, waits for
// the handler calls under way, removes the socket and gives up the lock. It may be called
// more than once.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		close(l.closing)
		err := l.ln.Close()
		l.wg.Wait()
		if rmErr := os.Remove(l.place.Socket); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			err = errors.Join(err, rmErr)
		}
		l.closeErr = errors.Join(err, l.lock.Close()) // unlocks
	})
	return l.closeErr
}

func (l *Listener) closed() bool {
	select {
	case <-l.closing:
		return true
	default:
		return false
	}
}

// accept serves each connection on a goroutine of its own, up to maxConnections at once.
func (l *Listener) accept() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			if l.closed() {
				return
			}
			select { // out of file descriptors, say: let them come back
			case <-l.closing:
				return
			case <-time.After(l.opts.retryEvery):
			}
			continue
		}
		select {
		case l.slots <- struct{}{}:
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				defer func() { <-l.slots }()
				l.serve(c)
			}()
		default:
			c.Close() // the sender tries again
		}
	}
}

// serve reads one request from c, has it handled and answers.
func (l *Listener) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(l.opts.ioTimeout))
	var s status
	if req, err := readRequest(c); err != nil {
		s = statusOf(err)
	} else {
		if l.opts.onRequest != nil {
			l.opts.onRequest()
		}
		s = l.handle(req)
	}
	_ = c.SetDeadline(time.Now().Add(l.opts.ioTimeout))
	_, _ = c.Write(encodeReply(s))
	// Closing with unread bytes (a request cut off at MaxRequestSize) would reset the
	// connection and lose the reply: end the reply, then let the sender finish and close.
	if cw, ok := c.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		_, _ = io.CopyN(io.Discard, c, MaxRequestSize)
	}
}

// handle waits until the window is ready (Serve), closing, or has taken too long to start,
// then hands req to the handler.
func (l *Listener) handle(req Request) status {
	timer := time.NewTimer(l.opts.startupWait)
	defer timer.Stop()
	select {
	case <-l.ready:
	case <-l.closing:
		return statusClosing
	case <-timer.C:
		return statusBusy
	}
	l.handling.Lock()
	defer l.handling.Unlock()
	if l.closed() {
		return statusClosing
	}
	switch err := l.handler(req); {
	case err == nil:
		return statusAdded
	case errors.Is(err, ErrClosing):
		return statusClosing
	case errors.Is(err, ErrNotOnSandbox):
		return statusNotSandbox
	default:
		return statusRefused
	}
}
