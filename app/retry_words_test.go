package app

import (
	"testing"
	"time"
)

// TestWaitText: waits read as whole seconds, never "0 s", and minutes past a minute and a half.
func TestWaitText(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Millisecond: "1 s", 1400 * time.Millisecond: "1 s",
		4 * time.Second: "4 s", 90 * time.Second: "90 s", 2 * time.Minute: "2 min"} {
		if got := WaitText(d); got != want {
			t.Errorf("WaitText(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestRetryWords: a retry says why in the first sentence of the failure, without the advice
// to try again that follows it, and when and which attempt comes next.
func TestRetryWords(t *testing.T) {
	e := Event{Kind: EventRetrying, Attempt: 2, MaxAttempts: 4, Wait: 4 * time.Second,
		Message: "Redox did not answer in time. Check the network connection, then try again."}
	if got, want := e.RetryReason(), "Redox did not answer in time"; got != want {
		t.Errorf("RetryReason = %q, want %q", got, want)
	}
	if got, want := e.RetryPlan(), "Trying again in 4 s (attempt 2 of 4)"; got != want {
		t.Errorf("RetryPlan = %q, want %q", got, want)
	}
	if got := (Event{Kind: EventRetrying}).RetryReason(); got == "" {
		t.Error("a retry without a message has no reason")
	}
}
