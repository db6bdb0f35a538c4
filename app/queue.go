package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"redoxuploader/client"
)

// ClientSource builds the Redox client for a profile: credentials from the keychain, the
// profile's token cache. It runs on a queue worker, never on the caller of Submit.
type ClientSource func(Profile) (*client.Client, error)

// ErrQueueClosed is returned by Submit and Resend after Close.
var ErrQueueClosed = errors.New("the upload queue is shutting down; no new uploads are accepted")

// prepareAheadSize is the smallest file whose outcome statement is prepared while the file is
// sent (History.prepareOutcomeSoon): sending a megabyte outlasts the prepare (about 0.2 ms)
// even to this computer, while a smaller file's outcome could come first and wait for it.
const prepareAheadSize = 1 << 20

// progressInterval throttles progress events to at most ten a second per file.
const progressInterval = 100 * time.Millisecond

// Queue uploads files with bounded concurrency per profile, journaling every state change in
// the history before the work it announces, and emitting an event for each change.
type Queue struct {
	// Log receives one line when an upload starts, for each retry and for each final outcome.
	// Set it before the first Submit; nil logs nothing.
	Log *slog.Logger
	// Surface is where the rows' messages are read; a failure's message ends with where IT
	// mends it there (Surface.Explain). Set it before the first Submit.
	Surface Surface

	history   *History
	newClient ClientSource
	events    broadcaster
	now       func() time.Time
	hashFile  func(path string, expectSize int64) (sum string, size int64, err error) // hashFile; tests count calls
	// sending, when set, is called as each chunk of a file goes out, on the uploading
	// goroutine, before the progress event; tests change the file there.
	sending func(rec Record, sent, total int64)
	// claimPoll is how often a row waits to see whether another process has finished sending
	// the same content; see History.waitForSender.
	claimPoll time.Duration

	ctx  context.Context // parent of every upload; stop cancels them all
	stop context.CancelFunc
	wg   sync.WaitGroup

	clientMu sync.Mutex // one client built at a time; see clientFor

	mu      sync.Mutex
	closed  bool
	lanes   map[string]*lane // by profile name
	active  map[int64]*job   // started, not yet finished
	clients map[string]cachedClient
	content map[string]chan struct{} // source+hash being checked or sent, closed when final
	held    map[string]int           // profiles whose source is being removed: new rows end cancelled; see Hold
	// resending holds the rows whose file is being resent, from Resend until the new row is
	// final (finish), so a second press of Resend does not send it twice.
	resending map[int64]bool
	// Rows whose outcome the history could not write (Record.NotSaved): told holds those whose
	// final event has gone out, savedFirst those the history wrote before it had; see lateSaved.
	told       map[int64]bool
	savedFirst map[int64]Record
}

// lane holds the waiting jobs of one profile and counts its workers.
type lane struct {
	pending []*job
	running int
}

type job struct {
	rec     Record
	profile Profile
	force   bool        // upload even if the same content is already done for this source
	hashed  *hashedFile // the file was hashed before it was queued (Resend); nil: not yet
	ahead   *aheadClaim // claimed with the outcome of the job before it (takeAhead); nil: not
	next    *job        // the job of the lane its worker took to run next (takeAhead)
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{} // closed when a worker has taken the job to a final state
}

// hashedFile is a SHA-256 taken of a file together with the size it hashed and the file as
// stat saw it after the hashing (its modification time, the same as before; os.SameFile).
type hashedFile struct {
	sha256 string
	size   int64
	file   os.FileInfo
}

// hashWithStamp hashes the file at path like hashFile and returns the hash with the file's
// size and modification time if they were the same before and after; nil when they were not
// (then the hash is not reused, only checked against).
func (q *Queue) hashWithStamp(path string, expectSize int64) (string, *hashedFile, error) {
	before, err := os.Stat(path)
	if err != nil {
		return "", nil, statError(path, err)
	}
	sum, size, err := q.hashFile(path, expectSize)
	if err != nil {
		return "", nil, err
	}
	after, err := os.Stat(path)
	if err != nil || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		return sum, nil, nil
	}
	return sum, &hashedFile{sha256: sum, size: size, file: after}, nil
}

// hashedWhenQueued returns the hash taken of j's file when it was queued (a resend, or the
// watcher's check) if it is still the same file, with the size and modification time it had
// then; false when there is none or the file may have changed since (then it is hashed again,
// or as it is sent).
func (q *Queue) hashedWhenQueued(j *job) (string, bool) {
	h := j.hashed
	if h == nil || h.size != j.rec.Size {
		return "", false
	}
	fi, err := os.Stat(j.rec.Path)
	if err != nil || !fi.Mode().IsRegular() || !os.SameFile(fi, h.file) || fi.Size() != h.size || !fi.ModTime().Equal(h.file.ModTime()) {
		return "", false
	}
	return h.sha256, true
}

type cachedClient struct {
	profile Profile
	client  *client.Client
}

// claimPollInterval is how often a row checks on another process sending the same content.
const claimPollInterval = 250 * time.Millisecond

// NewQueue returns a queue that journals into h and gets clients from newClient.
func NewQueue(h *History, newClient ClientSource) *Queue {
	ctx, stop := context.WithCancel(context.Background())
	q := &Queue{history: h, newClient: newClient, now: time.Now, hashFile: hashFile, ctx: ctx, stop: stop,
		claimPoll: claimPollInterval, lanes: map[string]*lane{}, active: map[int64]*job{}, clients: map[string]cachedClient{},
		content: map[string]chan struct{}{}, held: map[string]int{}, resending: map[int64]bool{}, told: map[int64]bool{}, savedFirst: map[int64]Record{}}
	if h != nil {
		h.OnLateSave(q.lateSaved)
	}
	return q
}

// Subscribe returns a subscription to every event from now on.
func (q *Queue) Subscribe() *Subscription { return q.events.subscribe(nil) }

// SubscribeTo returns a subscription to the events keep reports true for, from now on; keep
// runs as each event is published and must be quick. The others never reach the subscriber:
// a command that reads only outcomes (OutcomeOrRetry) is not woken four times more per file
// for the rows queued, started and moving, which made a batch of 200 small files about 4 %
// slower.
func (q *Queue) SubscribeTo(keep func(Event) bool) *Subscription { return q.events.subscribe(keep) }

// SubmitOptions change how files are queued.
type SubmitOptions struct {
	// Force uploads files whose content was already uploaded to the same source.
	Force bool
	// hashed is the hash the watcher took of the one file it submits: the upload uses it
	// instead of reading the file again, unless the file changed or was replaced since, or its
	// content is already done for the source (see sendChecked).
	hashed *hashedFile
}

// Submission is what Submit did: one row per file, in order, and a note per folder.
type Submission struct {
	IDs     []int64
	Folders []FolderNote
}

// Submit queues files for upload to profile p. Folders are expanded one level. Every file gets
// a row: a file that fails its checks (missing, empty, over the limit...) gets a failed row with
// the reason, the others are queued. It returns once the rows are journaled; the uploads run
// on the queue's workers.
//
// A read-only history (see History.ReadOnly) refuses every file with its plain-words reason.
func (q *Queue) Submit(ctx context.Context, p Profile, paths []string, opts SubmitOptions) (Submission, error) {
	if err := q.history.ReadOnly(); err != nil {
		return Submission{}, err
	}
	if err := p.Validate(); err != nil {
		return Submission{}, err
	}
	files, notes := expandPaths(paths)
	jobs := make([]*job, len(files))
	for i, path := range files {
		j := &job{rec: q.newRecord(p, path), profile: p, force: opts.Force}
		if len(files) == 1 {
			j.hashed = opts.hashed
		}
		size, err := client.CheckFile(path, p.MaxSize)
		j.rec.Size = size
		if err != nil {
			q.setFailure(&j.rec, err, 0)
			j.rec.Finished = j.rec.Created
		}
		jobs[i] = j
	}
	ids, err := q.journal(ctx, jobs)
	return Submission{IDs: ids, Folders: notes}, err
}

func (q *Queue) newRecord(p Profile, path string) Record {
	name := client.PartFileName(path)
	return Record{Profile: p.Name, Source: p.SourceID(), Environment: string(p.Environment), Sandbox: p.BuiltIn,
		Path: path, Name: name, MIME: client.ContentTypeFor(name), Status: StatusQueued, Created: q.now()}
}

// journal inserts the jobs' rows in one transaction and hands the jobs whose rows are queued
// to their profile's lane; the others (failed checks) are final already.
func (q *Queue) journal(ctx context.Context, jobs []*job) ([]int64, error) {
	q.mu.Lock()
	closed := q.closed
	q.mu.Unlock()
	if closed {
		return nil, ErrQueueClosed
	}
	recs := make([]*Record, len(jobs))
	for i, j := range jobs {
		recs[i] = &j.rec
	}
	if err := q.history.InsertBatch(ctx, recs); err != nil {
		return nil, err
	}
	ids := make([]int64, len(jobs))
	var queued []*job
	for i, j := range jobs {
		rec := &j.rec
		ids[i] = rec.ID
		if rec.Status != StatusQueued {
			q.events.publish(Event{Kind: EventFailed, Record: *rec})
			q.logOutcome(rec)
			continue
		}
		q.events.publish(Event{Kind: EventQueued, Record: *rec})
		q.logger().Debug("upload queued", "row", rec.ID, "file", rec.Name, "size", rec.Size, "profile", rec.Profile)
		j.ctx, j.cancel = context.WithCancel(q.ctx)
		j.done = make(chan struct{})
		queued = append(queued, j)
	}
	for _, j := range q.enqueue(queued) {
		j.rec.ErrorMessage = heldMessage
		q.finish(&j.rec, EventCancelled)
		j.cancel()
		close(j.done)
	}
	return ids, nil
}

// heldMessage ends a row added while its source was being removed.
const heldMessage = "Not sent: its source was being removed. Nothing reached Redox; add the file again for another source."

// Hold makes the queue refuse new rows for a profile, ending them cancelled and unsent, until
// the returned release is called: removing a source holds it from before its uploads are
// stopped until its secret is gone, so a file dropped meanwhile cannot go out.
func (q *Queue) Hold(profileName string) (release func()) {
	q.mu.Lock()
	q.held[profileName]++
	q.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			q.mu.Lock()
			defer q.mu.Unlock()
			if q.held[profileName]--; q.held[profileName] == 0 {
				delete(q.held, profileName)
			}
		})
	}
}

// enqueue adds the jobs to their lanes, in one hold of the queue's lock, and starts workers
// while a lane is below its limit; it refuses, and returns, the jobs whose profile is held.
// No worker takes a job before the whole batch waits in its lane, so the first file's worker
// finds the next to claim with its outcome (takeAhead). Waiting jobs hold no file open and no
// goroutine.
func (q *Queue) enqueue(jobs []*job) (refused []*job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range jobs {
		if q.held[j.profile.Name] > 0 {
			refused = append(refused, j)
			continue
		}
		l := q.lanes[j.profile.Name]
		if l == nil {
			l = &lane{}
			q.lanes[j.profile.Name] = l
		}
		l.pending = append(l.pending, j)
		if l.running < max(j.profile.Parallel, 1) {
			l.running++
			q.wg.Add(1)
			go q.work(l)
		}
	}
	return refused
}

// popLocked takes the first waiting job of l and counts it active; q.mu is held and l has one.
func (q *Queue) popLocked(l *lane) *job {
	j := l.pending[0]
	l.pending[0] = nil
	l.pending = l.pending[1:]
	q.active[j.rec.ID] = j
	return j
}

// idleLocked reports whether no worker of any lane is running (a lane with jobs waiting has
// one). q.mu is held.
func (q *Queue) idleLocked() bool {
	for _, l := range q.lanes {
		if l.running > 0 {
			return false
		}
	}
	return true
}

// work runs a lane's jobs one after another until none are left: the next waiting, or the
// one the last run took ahead (takeAhead).
func (q *Queue) work(l *lane) {
	defer q.wg.Done()
	var next *job
	for {
		j := next
		if j == nil {
			q.mu.Lock()
			if len(l.pending) == 0 {
				l.running--
				idle := q.idleLocked()
				q.mu.Unlock()
				if idle { // nothing left to do: the rows ended wait no more for the search index, if many
					q.history.indexWhenIdle(q.ctx) //nolint:errcheck // they stay waiting, found by searches all the same
				}
				return
			}
			j = q.popLocked(l)
			q.mu.Unlock()
		}

		q.run(j) // ends in finish, which takes j out of active
		j.cancel()
		close(j.done)
		next, j.next = j.next, nil
	}
}

// run takes one queued row to a final state. A file whose content may already have been
// sent to its source (another row of the source has its size) is hashed, checked for a
// duplicate and then sent (sendChecked). Any other file, and every forced one, is sent at once
// and hashed as it goes out (sendUnhashed, queue_unhashed.go), so it is read once. Either way
// run journals two writes for a file it sends (uploading, then the outcome) and one for a
// file it does not (the outcome, with the hash if it has one); the insert was the batch's. A
// file sent unhashed after another of its lane was claimed with that file's outcome
// (takeAhead, queue_ahead.go) and is sent at once (sendClaimedAhead): one write of its own.
func (q *Queue) run(j *job) {
	rec := j.rec
	if j.ahead != nil {
		q.sendClaimedAhead(j, &rec)
		return
	}
	if q.stopped(j, &rec) {
		return
	}
	if sum, ok := q.hashedWhenQueued(j); ok {
		rec.SHA256 = sum
		if q.sendChecked(j, &rec, false) {
			return
		}
		rec.SHA256 = "" // done for the source: a duplicate is decided on a hash taken now
	}
	if q.sendUnhashed(j, &rec) {
		return
	}
	sum, size, err := q.hashFile(rec.Path, rec.Size)
	if err != nil {
		q.setFailure(&rec, err, 0)
		q.finish(&rec, EventFailed)
		return
	}
	rec.SHA256, rec.Size = sum, size // journaled with the next write: uploading, or the outcome

	// A cancel while the file was hashed ends the row here, before any other work.
	if q.stopped(j, &rec) {
		return
	}
	q.sendChecked(j, &rec, true)
}

// sendChecked takes a row whose file is hashed (rec.SHA256) to a final state: unless forced,
// a duplicate of a done row of the same source and content ends as such, without signing in;
// otherwise it is claimed (claim) and sent, and ends changed-while-sending if the bytes sent
// are not those hashed. A duplicate is decided only on a hash taken now (hashedNow): one taken
// when the file was queued may be of content it no longer holds (a copy that kept its size and
// time), and a file ended as a duplicate is never sent. With such a hash, content done for
// the source makes it report false, nothing journaled: the caller hashes the file again.
func (q *Queue) sendChecked(j *job, rec *Record, hashedNow bool) (ended bool) {
	if !j.force {
		release, ok := q.claimContent(j.ctx, rec.Source+"|"+rec.SHA256)
		if !ok {
			q.finish(rec, EventCancelled)
			return true
		}
		defer release()
		earlier, found, err := q.history.LatestDone(j.ctx, rec.Source, rec.SHA256)
		switch {
		case err != nil:
			if !q.stopped(j, rec) { // a cancel ends the query too: that is no history failure
				q.journalFailure(rec, err)
			}
			return true
		case found && !hashedNow:
			return false
		case found: // found without signing in; claim checks again, with the write
			q.finishDuplicate(rec, earlier)
			return true
		}
	}
	c, ok := q.clientOrFail(j, rec)
	if !ok {
		return true
	}
	if q.claim(j, rec) {
		res, err := q.upload(j, rec, c)
		q.settle(j, rec, res, err, changedFromHash(rec.SHA256, res))
	}
	return true
}

// clientOrFail returns the client of j's profile, or ends rec failed (a credentials problem
// unless the error says otherwise) and reports false.
func (q *Queue) clientOrFail(j *job, rec *Record) (*client.Client, bool) {
	c, err := q.clientFor(j.profile)
	if err == nil {
		return c, true
	}
	q.setFailure(rec, err, 0)
	if rec.ErrorKind == "" {
		rec.ErrorKind = client.KindCredentials.String()
	}
	q.finish(rec, EventFailed)
	return nil, false
}

// upload sends rec's file, journaled as uploading, with c, announcing the start, the progress
// and each retry.
func (q *Queue) upload(j *job, rec *Record, c *client.Client) (client.Result, error) {
	rec.Status = StatusUploading
	q.events.publish(Event{Kind: EventStarted, Record: *rec})
	q.logger().Info("upload started", "row", rec.ID, "file", rec.Name, "size", rec.Size, "profile", rec.Profile,
		"source", rec.Source, "environment", rec.Environment)
	started := *rec // what the progress and retry events carry
	if rec.Size >= prepareAheadSize {
		q.history.prepareOutcomeSoon()
	}
	return c.Upload(j.ctx, rec.Path, client.UploadOptions{
		Name:     rec.Name,
		Progress: q.progressReporter(started),
		OnRetry: func(next int, wait time.Duration, cause *client.Error) {
			q.events.publish(Event{Kind: EventRetrying, Record: started, Attempt: next, MaxAttempts: client.DefaultRetryPolicy().MaxAttempts,
				Wait: wait, Message: cause.Error()})
			q.logger().Warn("upload retry scheduled", "row", rec.ID, "file", rec.Name, "attempt", next,
				"wait", wait.String(), "error_kind", cause.Kind.String(), "http_status", cause.Status)
		},
	})
}

// settle journals and announces the outcome of an upload: done, cancelled, failed, or, when
// changed says how the file changed while it was sent, failed with that warning (see
// changedWhileSending).
func (q *Queue) settle(j *job, rec *Record, res client.Result, err error, changed string) {
	if client.KindOf(err) == client.KindCredentials {
		// The secret may have been replaced since the client was built, by another process
		// ('source set-secret', as the advice says): the next upload reads the keychain again.
		q.ForgetClient(j.profile.Name)
	}
	rec.Attempts = res.Attempts
	rec.HTTPStatus = res.Status
	cancelled := client.KindOf(err) == client.KindCancelled
	kind := EventFailed
	switch {
	case err == nil && changed != "":
		changedWhileSending(rec, res, changed)
	case err == nil:
		rec.Status, rec.URI = StatusDone, res.URI
		rec.SHA256 = cmp.Or(res.SentSHA256, rec.SHA256)
		kind = EventDone
	case cancelled && res.SentSHA256 != "": // the whole file went out: Redox may have it
		rec.SHA256 = cmp.Or(rec.SHA256, res.SentSHA256)
		kind = EventUnknown
	case cancelled:
		kind = EventCancelled
	default:
		// What a try sent whole is recorded, so that a resend can tell whether the file at the
		// path is still that one.
		rec.SHA256 = cmp.Or(rec.SHA256, res.SentSHA256)
		q.setFailure(rec, err, res.Attempts)
	}
	var claim *unhashedClaim
	if !cancelled { // a cancel may be the queue's closing: it takes nothing more
		j.next, claim = q.takeAhead(j)
	}
	if !q.finishClaiming(rec, kind, claim) && j.next != nil {
		j.next.ahead = nil // claimed as usual when it runs
	}
}

// claim journals rec as uploading, with its hash, if its content may be sent now, and reports
// whether it may. The check and the write are one transaction of the history (claimSend), so
// that two processes sharing it never both send the same content to a source: a row waits
// while another process sends it, and then ends as a duplicate of that upload. A row that
// cannot be claimed is ended here (duplicate, cancelled or failed).
func (q *Queue) claim(j *job, rec *Record) bool {
	for {
		if q.stopped(j, rec) {
			return false
		}
		started := q.now()
		c, err := q.history.claimSend(context.WithoutCancel(j.ctx), rec.ID, started, rec.Source, rec.SHA256, rec.Size, j.force)
		switch {
		case err != nil:
			q.journalFailure(rec, err) // journal first: what could not be journaled is not sent
			return false
		case c.claimed:
			rec.Started = started
			return true
		case c.found:
			q.finishDuplicate(rec, c.earlier)
			return false
		}
		q.logger().Debug("waiting for another Redox Uploader sending the same content", "row", rec.ID,
			"file", rec.Name, "other_row", c.busyID)
		if err := q.history.waitForSender(j.ctx, c.busyID, c.busyOwner, q.claimPoll); err != nil && j.ctx.Err() == nil {
			q.journalFailure(rec, err)
			return false
		}
	}
}

// stopped journals rec as cancelled and reports true if j was cancelled.
func (q *Queue) stopped(j *job, rec *Record) bool {
	if j.ctx.Err() == nil {
		return false
	}
	q.finish(rec, EventCancelled)
	return true
}

// claimContent waits until no other job of this queue is checking or sending the same content
// to the same source, so two copies of a file in one batch upload once and the second becomes
// a duplicate, without asking the history in turn. It reports false if ctx ends first. Other
// processes are kept apart by claim.
func (q *Queue) claimContent(ctx context.Context, key string) (release func(), ok bool) {
	for {
		q.mu.Lock()
		busy, taken := q.content[key]
		if !taken {
			done := make(chan struct{})
			q.content[key] = done
			q.mu.Unlock()
			return func() {
				q.mu.Lock()
				delete(q.content, key)
				q.mu.Unlock()
				close(done)
			}, true
		}
		q.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// progressReporter returns a progress callback that publishes at most ten events a second,
// and always the last one.
func (q *Queue) progressReporter(rec Record) func(sent, total int64) {
	var last time.Time
	return func(sent, total int64) {
		if q.sending != nil {
			q.sending(rec, sent, total)
		}
		now := time.Now()
		if sent < total && now.Sub(last) < progressInterval {
			return
		}
		last = now
		q.events.publish(Event{Kind: EventProgress, Record: rec, Sent: sent, Total: total})
	}
}

// clientFor returns the cached client of a profile, building a new one when the profile's
// settings changed, so concurrent uploads of a profile share one token.
func (q *Queue) clientFor(p Profile) (*client.Client, error) {
	// Workers of one profile start together: without this, each would miss the cache and
	// build a client of its own, and each client would sign in.
	q.clientMu.Lock()
	defer q.clientMu.Unlock()
	q.mu.Lock()
	c, ok := q.builtClientLocked(p)
	q.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := q.newClient(p)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	q.clients[p.Name] = cachedClient{profile: p, client: c}
	q.mu.Unlock()
	return c, nil
}

// builtClientLocked returns the cached client of p when p's settings are those it was built
// with; q.mu is held.
func (q *Queue) builtClientLocked(p Profile) (*client.Client, bool) {
	cached, ok := q.clients[p.Name]
	if !ok || !cached.profile.UploadsLike(p) {
		return nil, false
	}
	return cached.client, true
}

// ForgetClient drops the cached client of a profile, so the next upload signs in with what
// the keychain holds now (after a secret was replaced or the source removed).
func (q *Queue) ForgetClient(profileName string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.clients, profileName)
}

// Close stops accepting work, cancels what has not started, lets running uploads finish
// until ctx ends, then cancels them; every row is journaled before Close returns.
func (q *Queue) Close(ctx context.Context) error {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	waiting, _ := q.jobs(anyJob, true)
	for _, j := range waiting {
		j.rec.ErrorMessage = "The app was closed before this file was sent. Nothing reached Redox; add it again when ready."
	}
	q.cancelJobs(waiting, nil)
	idle := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(idle)
	}()
	select {
	case <-idle:
		q.stop()
		return nil
	case <-ctx.Done():
		q.stop()
		<-idle
		return fmt.Errorf("uploads still running at shutdown were cancelled: %w", ctx.Err())
	}
}
