package app

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"time"

	"redoxuploader/client"
)

// sendUnhashed sends j's file without hashing it first, when the duplicate check cannot need
// the hash: j is forced, or no other row of its source has the file's size (done, uploading or
// queued), so its content cannot be a duplicate. The client hashes the bytes as they go out
// and the outcome journals that hash as the row's. Whether the file changed while it was sent
// is told by what stat says of it before and after (changedFromStamp).
//
// It reports whether it took the row to a final state; false means the row must be hashed
// first (another row of the source has its size) and nothing was journaled.
func (q *Queue) sendUnhashed(j *job, rec *Record) bool {
	before, err := os.Stat(rec.Path)
	switch {
	case err != nil:
		err = statError(rec.Path, err)
	case before.Size() != rec.Size:
		err = changedError(rec.Path, before.Size()) // as hashing it would have found
	}
	if err != nil {
		q.setFailure(rec, err, 0)
		q.finish(rec, EventFailed)
		return true
	}
	if !j.force {
		// A read first: a file that must be hashed takes no write lock and builds no client.
		shared, err := q.history.sizeShared(j.ctx, rec.ID, rec.Source, rec.Size)
		switch {
		case err != nil && !q.stopped(j, rec):
			q.journalFailure(rec, err)
			return true
		case err != nil:
			return true
		case shared:
			return false
		}
	}
	c, ok := q.clientOrFail(j, rec)
	if !ok || q.stopped(j, rec) {
		return true
	}
	started := q.now()
	claimed, err := q.history.claimUnhashed(context.WithoutCancel(j.ctx), rec.ID, started, rec.Source, rec.Size, j.force)
	switch {
	case err != nil:
		q.journalFailure(rec, err) // journal first: what could not be journaled is not sent
		return true
	case !claimed:
		return false // a row of the same size came in meanwhile: hash first
	}
	q.sendClaimed(j, rec, c, before, started)
	return true
}

// sendClaimed sends rec's file, claimed as uploading since started without a hash, with c,
// and journals the outcome; before is the file as stat saw it before the claim. The file is
// held open while it is sent, so that one moved or deleted meanwhile can still be checked
// (changedAfterSend); it is closed before the outcome is announced, which may move it.
func (q *Queue) sendClaimed(j *job, rec *Record, c *client.Client, before os.FileInfo, started time.Time) {
	rec.Started = started
	held := holdOpen(rec.Path, before)
	res, err := q.upload(j, rec, c)
	changed := ""
	if err == nil {
		changed = changedAfterSend(before, rec.Path, held, res)
	}
	if held != nil {
		held.Close()
	}
	q.settle(j, rec, res, err, changed)
}

// holdOpen opens the file at path to read if it is still the file before describes, or
// returns nil.
func holdOpen(path string, before os.FileInfo) *os.File {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	if fi, err := f.Stat(); err != nil || !os.SameFile(before, fi) {
		f.Close()
		return nil
	}
	return f
}

// changedAfterSend says how the file at path, sent without hashing first, changed while it was
// sent (see changedFromStamp). A file whose path is gone once it was sent (moved or deleted
// from its folder meanwhile: a clerk tidying up, another watcher of the folder) is judged by the
// file itself, held open since before the upload (held, nil if it could not be): unchanged if
// its size and modification time are still those before describes and all of it was sent.
func changedAfterSend(before os.FileInfo, path string, held *os.File, res client.Result) string {
	after, err := os.Stat(path)
	if held != nil && errors.Is(err, fs.ErrNotExist) {
		if kept, herr := held.Stat(); herr == nil && changedFromStamp(before, kept, nil, res) == "" {
			return ""
		}
	}
	return changedFromStamp(before, after, err, res) // a path gone, the file changed: it could not be checked
}
