package app

import (
	"os"
	"time"

	"redoxuploader/client"
)

// A worker that has sent a file claims the next file of its lane in the transaction that
// journals the outcome of the one sent (History.finishClaiming): a batch sent one file after
// another costs one journal write per file, not two. Only a file that may be sent without
// hashing first (see sendUnhashed) is claimed so; any other is popped all the same and taken
// through run as usual. The claim still comes before any byte of the file goes out: between
// the two the worker only announces the outcome before it and opens the file.

// aheadClaim is what a job claimed with the outcome before it carries to its run.
type aheadClaim struct {
	before  os.FileInfo    // the file as stat saw it before the claim (see changedFromStamp)
	client  *client.Client // the lane's client, already built
	started time.Time      // as journaled
}

// takeAhead pops the job that follows j in its lane, for j's worker to run next, and returns
// with it the claim to journal with j's outcome; nil claim when the job must be claimed on its
// own (cancelled, hashed when queued, changed since, no client built yet), nil job when the
// lane has none waiting.
func (q *Queue) takeAhead(j *job) (*job, *unhashedClaim) {
	q.mu.Lock()
	l := q.lanes[j.profile.Name]
	if l == nil || len(l.pending) == 0 {
		q.mu.Unlock()
		return nil, nil
	}
	next := q.popLocked(l)
	c, built := q.builtClientLocked(next.profile)
	q.mu.Unlock()
	if !built || next.ctx.Err() != nil || next.hashed != nil {
		return next, nil
	}
	before, err := os.Stat(next.rec.Path)
	if err != nil || before.Size() != next.rec.Size {
		return next, nil // run says why
	}
	next.ahead = &aheadClaim{before: before, client: c, started: q.now()}
	return next, &unhashedClaim{id: next.rec.ID, started: next.ahead.started, source: next.rec.Source,
		size: next.rec.Size, force: next.force}
}

// sendClaimedAhead sends j's file, claimed with the outcome before it (takeAhead), unless j
// was cancelled meanwhile.
func (q *Queue) sendClaimedAhead(j *job, rec *Record) {
	if q.stopped(j, rec) { // before any byte went out: "Nothing reached Redox"
		return
	}
	q.sendClaimed(j, rec, j.ahead.client, j.ahead.before, j.ahead.started)
}
