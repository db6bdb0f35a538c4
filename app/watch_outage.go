package app

import (
	"time"

	"redoxuploader/client"
)

// While a source keeps failing for a reason that is not the file's (no network, Redox's side
// in trouble, its sign-in refused), every file of the folder would fail alike. The watcher then
// hands no file to the queue until a wait has passed, and then one file at a time, the wait
// doubling from RetryWait up to maxWatchRetryWait at each failed try, until one is sent. Each
// waiting file tried on a clock of its own instead added a failed row to the history at every
// try (a night's outage with 200 scans waiting came to about 15,000 rows) and kept asking
// Redox on their behalf.

// sourceOutage is a watcher's wait for its source; the zero value while the source answers.
type sourceOutage struct {
	wait  time.Duration // the last wait, doubled at each failed try after one
	until time.Time     // no file is handed to the queue before this
}

// sourceTrouble says whether rec failed for a reason every other file of its source would meet
// too: the network, Redox's side, Redox busy, the source's sign-in or its secret.
func sourceTrouble(rec Record) bool {
	switch rec.ErrorKind {
	case client.KindNetwork.String(), client.KindServer.String(), client.KindRateLimited.String(),
		client.KindCredentials.String(), client.KindForbidden.String(), ErrorKindKeychain:
		return true
	}
	return false
}

// sourceFailed notes a failure of the source (sourceTrouble) and returns when a file is tried
// next. The wait starts, or doubles when the failed file was tried after the last wait had
// passed; files already under way when the trouble began end within the wait and leave it.
func (w *Watcher) sourceFailed() time.Time {
	now := w.now()
	if now.Before(w.outage.until) {
		return w.outage.until
	}
	w.outage.wait = w.nextWait(w.outage.wait)
	w.outage.until = now.Add(w.outage.wait)
	return w.outage.until
}

// sourceAnswered ends the wait: a file was sent.
func (w *Watcher) sourceAnswered() { w.outage = sourceOutage{} }

// places is how many files may be under way at once now: the source's Parallel while it
// answers; none during a wait for it; one, to try it, once the wait has passed.
func (w *Watcher) places() int {
	switch {
	case w.outage.wait == 0:
		return max(w.profile.Parallel, 1)
	case w.now().Before(w.outage.until):
		return 0
	}
	return 1
}
