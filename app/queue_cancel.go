package app

import (
	"context"
	"fmt"
)

// Stopping rows (one, a source's, all) and counting the rows waiting or running.

// Cancel stops one row: a waiting one is journaled as cancelled at once, a running one as
// soon as its upload stops. It reports whether the row was waiting or running.
func (q *Queue) Cancel(id int64) bool {
	waiting, running := q.jobs(func(j *job) bool { return j.rec.ID == id }, true)
	q.cancelJobs(waiting, running)
	return len(waiting)+len(running) > 0
}

// CancelAll cancels every waiting and running row and returns how many there were.
func (q *Queue) CancelAll() int {
	waiting, running := q.jobs(anyJob, true)
	q.cancelJobs(waiting, running)
	return len(waiting) + len(running)
}

// StopProfile cancels the waiting and running rows of one profile, as Cancel does each (its
// source is being removed), then waits until the running ones have ended or ctx ends. It
// returns how many rows it cancelled; the error is ctx's when some were still running. Either
// way every one of them ends cancelled: a running row checks for the cancel before it sends.
func (q *Queue) StopProfile(ctx context.Context, profileName string) (int, error) {
	waiting, running := q.jobs(ofProfile(profileName), true)
	q.cancelJobs(waiting, running)
	n := len(waiting) + len(running)
	for _, j := range running {
		select {
		case <-j.done:
		case <-ctx.Done():
			return n, fmt.Errorf("uploads to %q were still stopping: %w", profileName, ctx.Err())
		}
	}
	return n, nil
}

// Pending reports how many rows are waiting or running.
func (q *Queue) Pending() int { return q.count(anyJob) }

// PendingFor reports how many rows of one profile are waiting or running.
func (q *Queue) PendingFor(profileName string) int { return q.count(ofProfile(profileName)) }

func (q *Queue) count(match func(*job) bool) int {
	waiting, running := q.jobs(match, false)
	return len(waiting) + len(running)
}

func anyJob(*job) bool { return true }

func ofProfile(name string) func(*job) bool {
	return func(j *job) bool { return j.profile.Name == name }
}

// jobs returns the waiting and the running jobs that match; with take, the waiting ones are
// removed from their lanes (to be cancelled).
func (q *Queue) jobs(match func(*job) bool, take bool) (waiting, running []*job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, l := range q.lanes {
		kept := l.pending[:0]
		for _, j := range l.pending {
			matched := match(j)
			if matched {
				waiting = append(waiting, j)
			}
			if !take || !matched {
				kept = append(kept, j)
			}
		}
		clear(l.pending[len(kept):])
		l.pending = kept
	}
	for _, j := range q.active {
		if match(j) {
			running = append(running, j)
		}
	}
	return waiting, running
}

// cancelJobs cancels the running jobs, which their workers then journal, and journals the
// waiting ones (taken from their lanes) as cancelled.
func (q *Queue) cancelJobs(waiting, running []*job) {
	for _, j := range running {
		j.cancel()
	}
	for _, j := range waiting {
		j.cancel()
		q.finish(&j.rec, EventCancelled)
	}
}
