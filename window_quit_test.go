//go:build !headless

package main

import (
	"syscall"
	"testing"
	"time"
)

// TestQuitWatch: a window program asked to end (its Quit, or SIGTERM as at sign-out) whose
// window has not closed when the grace is over ends anyway, its journal and socket closed first
// (finish, then exit 0): Fyne 2.7.1 can hang on its way out. A window that closes in time is
// left to end on its own.
func TestQuitWatch(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ask       func(w *quitWatch)
		closes    bool // the window closes before the grace is over
		wantEnded bool
	}{
		{"asked, the window hangs", func(w *quitWatch) { w.ask() }, false, true},
		{"SIGTERM, the window hangs", func(*quitWatch) { syscall.Kill(syscall.Getpid(), syscall.SIGTERM) }, false, true},
		{"asked, the window closes", func(w *quitWatch) { w.ask() }, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			grace := make(chan time.Time)
			var steps []string
			w := watchQuit(time.Minute, func(time.Duration) <-chan time.Time { return grace },
				func() { steps = append(steps, "finish") }, func(code int) { steps = append(steps, "exit", string(rune('0'+code))) })
			tc.ask(w)
			if tc.closes {
				w.windowClosed()
			} else {
				grace <- time.Now() // the grace is over: the watch must be waiting for it
			}
			<-w.ended
			w.windowClosed()
			got := len(steps) > 0
			if got != tc.wantEnded || (got && (len(steps) != 3 || steps[0] != "finish" || steps[2] != "0")) {
				t.Errorf("steps %q; want the program ended (finish, then exit 0): %v", steps, tc.wantEnded)
			}
		})
	}
}
