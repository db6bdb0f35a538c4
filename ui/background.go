package ui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// closeWait is how long closing the window waits for its background work to end before the
// core is closed. Work that listens to its context ends at once; only a keychain call waiting
// for a person (app.DefaultKeychainTimeout) can take longer.
const closeWait = 5 * time.Second

// background is the window's work off the Fyne goroutine. Every goroutine the ui package
// starts runs through Go, with a context that ends when the window closes; after that no new
// work starts, and wait tells when what was running has ended. The only others are a native
// dialog's (ask) and wait's own, and neither touches the core. (The history's timers only
// hand work to the Fyne goroutine, which starts it through Go.)
type background struct {
	ctx     context.Context // ends when the window closes; from then on Go starts nothing
	cancel  context.CancelFunc
	mu      sync.Mutex // held while Go starts work and while stop ends ctx, so that none starts after wait began
	wg      sync.WaitGroup
	running atomic.Int64 // the goroutines under way, for tests and the log
}

func newBackground() *background {
	ctx, cancel := context.WithCancel(context.Background())
	return &background{ctx: ctx, cancel: cancel}
}

// Go runs fn on a goroutine of its own with the window's context, unless the window has
// closed; it reports whether fn was started. fn should end soon after the context does, and
// touch the core no more once it has.
func (b *background) Go(fn func(ctx context.Context)) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done() {
		return false
	}
	b.running.Add(1)
	b.wg.Go(func() {
		defer b.running.Add(-1)
		fn(b.ctx)
	})
	return true
}

// stop ends the context and refuses new work; calling it again does nothing.
func (b *background) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cancel()
}

// done reports whether the window has closed.
func (b *background) done() bool { return b.ctx.Err() != nil }

// wait stops the work and waits up to timeout for it to end; it reports whether it all did.
func (b *background) wait(timeout time.Duration) bool {
	b.stop()
	ended := make(chan struct{})
	go func() { // left behind when the time is up; it ends with the last of the work
		b.wg.Wait()
		close(ended)
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-ended:
		return true
	case <-timer.C:
		return false
	}
}

// dialogAnswer is what a native file dialog returned.
type dialogAnswer struct {
	path string
	err  error
}

// ask runs a native file dialog (which blocks until a person answers) on a goroutine of its
// own, and returns its answer, or "" as if the person had cancelled when ctx ends first. That
// goroutine is the one ui leaves untracked: it may wait for a person after the window has
// closed, so it touches nothing but the dialog, and its late answer is dropped.
func ask(ctx context.Context, dialog func() (string, error)) (string, error) {
	answer := make(chan dialogAnswer, 1)
	go func() {
		path, err := dialog()
		answer <- dialogAnswer{path, err}
	}()
	select {
	case a := <-answer:
		if ctx.Err() != nil {
			return "", nil
		}
		return a.path, a.err
	case <-ctx.Done():
		return "", nil
	}
}
