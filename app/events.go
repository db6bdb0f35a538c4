package app

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// EventKind says what happened to a row.
type EventKind string

// The events the queue emits. Every row change has one; Progress is the only kind that may be
// coalesced for a slow subscriber.
const (
	EventQueued    EventKind = "queued"    // a row was journaled (its status may already be final: a file that failed its checks)
	EventStarted   EventKind = "started"   // the row is uploading
	EventProgress  EventKind = "progress"  // bytes sent (at most ten a second per file)
	EventRetrying  EventKind = "retrying"  // a transient failure; the next attempt follows after Wait
	EventDone      EventKind = "done"      // uploaded; Record.URI holds the URI
	EventDuplicate EventKind = "duplicate" // already uploaded to this source; Record.URI is the earlier URI
	EventFailed    EventKind = "failed"    // Record.ErrorMessage says why in plain words
	EventCancelled EventKind = "cancelled"
	// EventUnknown: the upload was stopped (cancelled, or the app closing) after the whole file
	// had gone out and before Redox answered: Redox may have it, as after a crash (StatusUnknown).
	EventUnknown EventKind = "unknown"
	// EventSaved: a row whose final event said the history could not save it (Record.NotSaved)
	// is now recorded; Record is the row as stored (NotSaved empty). It follows that final event.
	EventSaved EventKind = "saved"
)

// Event is one change to one row. Record is the row as journaled after the change.
type Event struct {
	Kind        EventKind
	Record      Record
	Sent, Total int64         // with EventProgress
	Attempt     int           // with EventRetrying: the attempt about to be made
	MaxAttempts int           // with EventRetrying
	Wait        time.Duration // with EventRetrying
	Message     string        // with EventRetrying: why, in plain words
}

// RetryReason words why an EventRetrying's upload is tried again, for people: the first
// sentence of Message without its full stop ("Redox did not answer in time"). The rest of the
// message advises trying again, which is what is being done.
func (e Event) RetryReason() string {
	why, _, _ := strings.Cut(e.Message, ". ")
	why = strings.TrimSuffix(strings.TrimSpace(why), ".")
	if why == "" {
		return "The upload failed for a reason that usually passes"
	}
	return why
}

// RetryPlan words when an EventRetrying's upload is tried again: "Trying again in 4 s
// (attempt 2 of 4)".
func (e Event) RetryPlan() string {
	return fmt.Sprintf("Trying again in %s (attempt %d of %d)", WaitText(e.Wait), e.Attempt, e.MaxAttempts)
}

// WaitText words a wait for people: whole seconds (at least 1) up to 90 s, then minutes.
func WaitText(d time.Duration) string {
	if d > 90*time.Second {
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%d s", max(1, int(d.Round(time.Second)/time.Second)))
}

// Final reports whether the row will not change again.
func (e Event) Final() bool { return e.Record.Status.Final() }

// OutcomeOrRetry keeps, for Queue.SubscribeTo, the events of a reader that reports each
// file's outcome: the retries, and the events that end a row.
func OutcomeOrRetry(e Event) bool { return e.Final() || e.Kind == EventRetrying }

// Subscription delivers events in the order they happened, none dropped; a subscriber that
// falls behind sees only the latest progress of each row. Close it when done.
type Subscription struct {
	C <-chan Event

	keep func(Event) bool // the events delivered; nil: all

	out     chan Event
	mu      sync.Mutex
	pending []Event
	wake    chan struct{}
	done    chan struct{}
	once    sync.Once
	leave   func()
}

// Close stops delivery and releases the subscription.
func (s *Subscription) Close() {
	s.once.Do(func() {
		close(s.done)
		s.leave()
	})
}

func (s *Subscription) push(e Event) {
	s.mu.Lock()
	coalesced := false
	if e.Kind == EventProgress {
		for i := len(s.pending) - 1; i >= 0; i-- {
			p := &s.pending[i]
			if p.Record.ID != e.Record.ID {
				continue
			}
			if p.Kind == EventProgress {
				*p = e
				coalesced = true
			}
			break
		}
	}
	if !coalesced {
		s.pending = append(s.pending, e)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// pump hands pending events to the channel one by one.
func (s *Subscription) pump() {
	defer close(s.out)
	for {
		s.mu.Lock()
		if len(s.pending) == 0 {
			s.mu.Unlock()
			select {
			case <-s.wake:
				continue
			case <-s.done:
				return
			}
		}
		e := s.pending[0]
		s.pending = s.pending[1:]
		s.mu.Unlock()
		select {
		case s.out <- e:
		case <-s.done:
			return
		}
	}
}

// broadcaster fans events out to every subscription.
type broadcaster struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

func (b *broadcaster) subscribe(keep func(Event) bool) *Subscription {
	out := make(chan Event)
	s := &Subscription{C: out, out: out, keep: keep, wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.leave = func() {
		b.mu.Lock()
		delete(b.subs, s)
		b.mu.Unlock()
	}
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[*Subscription]struct{}{}
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go s.pump()
	return s
}

func (b *broadcaster) publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		if s.keep == nil || s.keep(e) {
			s.push(e)
		}
	}
}
