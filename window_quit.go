//go:build !headless

package main

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// windowQuitGrace is how long the window may take to close once asked to (Quit, closing it,
// SIGTERM as at sign-out, Ctrl+C) before the program ends without it.
const windowQuitGrace = 5 * time.Second

// quitWatch ends the window program when the window has not closed within its grace of being
// asked to: Fyne 2.7.1 can hang on its way out, its main loop stopped while an event still
// waits to run on it (seen under load: a window that took SIGTERM and stayed for minutes, the
// session's sign-out waiting on it). The program's own ending (finish: the journal and the
// hand-over socket closed) runs first, as after a normal close.
type quitWatch struct {
	asked    chan struct{} // closed by ask
	closed   chan struct{} // closed by windowClosed
	ended    chan struct{} // closed when the watch is over (tests wait for it)
	askOnce  sync.Once
	shutOnce sync.Once
	signals  chan os.Signal
}

// watchQuit starts watching; after grace from the first request to quit (after: the clock,
// time.After), unless the window closed by then, it runs finish and then exit(exitOK).
func watchQuit(grace time.Duration, after func(time.Duration) <-chan time.Time, finish func(), exit func(int)) *quitWatch {
	w := &quitWatch{asked: make(chan struct{}), closed: make(chan struct{}), ended: make(chan struct{}),
		signals: make(chan os.Signal, 1)}
	signal.Notify(w.signals, syscall.SIGTERM, os.Interrupt) // beside Fyne's own, which asks the window to close
	go func() {
		defer close(w.ended)
		select {
		case <-w.signals:
		case <-w.asked:
		case <-w.closed:
			return
		}
		select {
		case <-w.closed:
		case <-after(grace):
			finish()
			exit(exitOK)
		}
	}()
	return w
}

// ask notes that the app was asked to end (ui.Options.OnQuit).
func (w *quitWatch) ask() { w.askOnce.Do(func() { close(w.asked) }) }

// windowClosed notes that the window closed as it should: the program ends on its own.
func (w *quitWatch) windowClosed() {
	w.shutOnce.Do(func() {
		signal.Stop(w.signals)
		close(w.closed)
	})
}
