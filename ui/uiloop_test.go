package ui

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The tests' Fyne goroutine. Fyne's test driver runs fyne.Do and fyne.DoAndWait callbacks on
// whichever goroutine calls them, so the views' background work would change widgets while the
// test reads them, and `go test -race` would report overlaps the app cannot have. newTestApp
// wraps the test app so that those callbacks run in order on this one goroutine instead, as
// they do on the real driver; tests touch widgets only inside fyne.DoAndWait.
var uiLoop = startLoop()

// loop runs functions in the order they were queued, on one goroutine at a time.
type loop struct {
	mu   sync.Mutex
	jobs []func()      // guarded by mu
	wake chan struct{} // has a value when jobs may be waiting
	id   atomic.Uint64 // the goroutine running the jobs
}

func startLoop() *loop {
	l := &loop{wake: make(chan struct{}, 1)}
	go l.run()
	return l
}

// run takes jobs until the process ends. A job that stops its goroutine (t.FailNow inside
// fyne.DoAndWait) hands the queue on to a new one.
func (l *loop) run() {
	defer func() { go l.run() }()
	l.id.Store(goroutineID())
	for range l.wake {
		for {
			l.mu.Lock()
			if len(l.jobs) == 0 {
				l.mu.Unlock()
				break
			}
			fn := l.jobs[0]
			l.jobs = l.jobs[1:]
			l.mu.Unlock()
			fn()
		}
	}
}

// do queues fn and returns at once, as fyne.Do does.
func (l *loop) do(fn func()) {
	l.mu.Lock()
	l.jobs = append(l.jobs, fn)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// doAndWait runs fn on the loop after what is queued already and returns when it has run, as
// fyne.DoAndWait does. Called from the loop itself (a nested DoAndWait), it runs fn at once. If
// fn stops its goroutine (t.FailNow), the caller stops too, as if it had run fn itself.
func (l *loop) doAndWait(fn func()) {
	if goroutineID() == l.id.Load() {
		fn()
		return
	}
	done := make(chan struct{})
	returned := false
	l.do(func() {
		defer close(done)
		fn()
		returned = true
	})
	<-done
	if !returned {
		runtime.Goexit()
	}
}

// goroutineID is the number in the first line of the calling goroutine's stack trace.
func goroutineID() uint64 {
	var buf [32]byte
	n := runtime.Stack(buf[:], false)
	var id uint64
	for _, c := range buf[len("goroutine "):n] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}

// loopApp is Fyne's test app whose driver hands fyne.Do and fyne.DoAndWait to uiLoop.
type loopApp struct {
	fyne.App
	driver loopDriver
}

func (a *loopApp) Driver() fyne.Driver { return a.driver }

type loopDriver struct{ fyne.Driver }

func (loopDriver) DoFromGoroutine(fn func(), wait bool) {
	if wait {
		uiLoop.doAndWait(fn)
	} else {
		uiLoop.do(fn)
	}
}

// newTestApp is test.NewTempApp with fyne.Do and fyne.DoAndWait running on uiLoop. Fyne's
// caches are shared by every app, and callbacks of an earlier test's goroutines may still be
// running, so the app is made, and replaced when the test ends, on uiLoop too; the app after
// the test is wrapped the same way, for goroutines that outlive it.
func newTestApp(t testing.TB) fyne.App {
	var a fyne.App
	uiLoop.doAndWait(func() { a = onLoop(test.NewApp()) })
	fyne.SetCurrentApp(a)
	t.Cleanup(func() { uiLoop.doAndWait(func() { fyne.SetCurrentApp(onLoop(test.NewApp())) }) })
	return a
}

func onLoop(a fyne.App) fyne.App {
	return &loopApp{App: a, driver: loopDriver{a.Driver()}}
}

// flushUI returns once the callbacks queued with fyne.Do so far have run.
func flushUI() { fyne.DoAndWait(func() {}) }
