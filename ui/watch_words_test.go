package ui

import (
	"testing"

	"redoxuploader/app"
)

// TestWatchOutcomeWords: the status line and the tray say where a watched file went only when
// it went there: a file that failed but could not be moved into Failed (or had left the
// folder) is not said to be in Failed, and a move made after a wait is said as a move.
func TestWatchOutcomeWords(t *testing.T) {
	for _, tt := range []struct {
		e    app.WatchEvent
		want string
	}{
		{app.WatchEvent{Outcome: app.WatchFailed, MovedTo: "/scans/Failed/x.pdf"}, "could not be sent (moved to Failed)"},
		{app.WatchEvent{Outcome: app.WatchFailed}, "could not be sent"},
		{app.WatchEvent{Outcome: app.WatchMoved, MovedTo: "/scans/Uploaded/2026-11-30/x.pdf"}, "moved out of the folder"},
		{app.WatchEvent{Outcome: app.WatchUploaded}, "uploaded"},
	} {
		if got := outcomeWords(tt.e); got != tt.want {
			t.Errorf("%s (moved to %q): %q, want %q", tt.e.Outcome, tt.e.MovedTo, got, tt.want)
		}
	}
}
