package app

import (
	"context"
	"fmt"

	"redoxuploader/client"
)

// ChangedSinceUploadError refuses a resend whose file no longer has the content first sent,
// or, for a row that never sent its file whole (so the history has no hash of it), whose file
// was written after the row was made: a scanner reusing a name puts another patient's
// document there. The caller asks the user and resends with confirmation.
type ChangedSinceUploadError struct {
	Original  Record
	NewSHA256 string
}

// Changed says what changed, naming the file as name, in a sentence without its full stop:
// "scan.pdf has changed since it was sent on 2 Jan 2026 09:03".
func (e *ChangedSinceUploadError) Changed(name string) string {
	when := e.Original.Created.Local().Format("2 Jan 2006 15:04")
	if e.Original.SHA256 == "" {
		return fmt.Sprintf("%s has changed since it was added on %s, and that upload never sent it whole, so it may "+
			"be another document now", name, when)
	}
	return fmt.Sprintf("%s has changed since it was sent on %s", name, when)
}

func (e *ChangedSinceUploadError) Error() string {
	return e.Changed(e.Original.Name) + ". Send the new version anyway?"
}

// SourceChangedError refuses a resend to a profile that now points at another Redox source:
// a URI only works for the source that uploaded the file.
type SourceChangedError struct {
	Original Record
	Now      string // the profile's source identity today
}

func (e *SourceChangedError) Error() string {
	return fmt.Sprintf("%s was sent through %q, which now points to a different Redox source. A file can only be "+
		"resent to the source that first received it; restore that source's settings or add the file as a new upload.",
		e.Original.Name, e.Original.Profile)
}

// ResendUnderWayError refuses a resend of a row whose file this queue is resending already (a
// second press of Resend, or Ctrl+R twice): the file would go out twice.
type ResendUnderWayError struct{ Original Record }

func (e *ResendUnderWayError) Error() string {
	return fmt.Sprintf("%s is already being resent. Its new upload is at the top of the history; it was not sent a second time.",
		e.Original.Name)
}

// Resend queues the file of an earlier row again, to the same source (p must be that row's
// profile). The file is hashed first: a missing file is a plain-words error, and a changed one
// is refused with *ChangedSinceUploadError unless confirmChanged. The new row points at the
// original; it is uploaded even if the content is already done for the source. The upload uses
// this hash unless the file's size or modification time changes before it starts. While a
// resend of the row is being checked, waits or is sent, another is refused with
// *ResendUnderWayError.
func (q *Queue) Resend(ctx context.Context, original Record, p Profile, confirmChanged bool) (int64, error) {
	if err := q.history.ReadOnly(); err != nil {
		return 0, err
	}
	if p.SourceID() != original.Source {
		return 0, &SourceChangedError{Original: original, Now: p.SourceID()}
	}
	if !q.startResend(original.ID) {
		return 0, &ResendUnderWayError{Original: original}
	}
	id, err := q.resend(ctx, original, p, confirmChanged)
	if err != nil {
		q.endResend(original.ID)
	}
	return id, err
}

// resend is Resend once no other resend of original is under way; the new row's end (finish)
// ends the resend.
func (q *Queue) resend(ctx context.Context, original Record, p Profile, confirmChanged bool) (int64, error) {
	size, err := client.CheckFile(original.Path, p.MaxSize)
	if err != nil {
		return 0, err
	}
	sum, hashed, err := q.hashWithStamp(original.Path, size)
	if err != nil {
		return 0, err
	}
	if !confirmChanged && changedSince(original, sum, size, hashed) {
		return 0, &ChangedSinceUploadError{Original: original, NewSHA256: sum}
	}
	j := &job{rec: q.newRecord(p, original.Path), profile: p, force: true, hashed: hashed}
	j.rec.Size, j.rec.ResentFrom = size, original.ID
	ids, err := q.journal(ctx, []*job{j})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// changedSince reports whether the file of original, hashed now (sum, size; hashed is nil
// when it changed while it was hashed), is no longer what original sent: another hash, or,
// where original never sent the whole file (no hash), another size or a file written after
// original was made.
func changedSince(original Record, sum string, size int64, hashed *hashedFile) bool {
	if original.SHA256 != "" {
		return sum != original.SHA256
	}
	return size != original.Size || hashed == nil || hashed.file.ModTime().After(original.Created)
}

// startResend marks row id as being resent and reports true, or false if it already is.
func (q *Queue) startResend(id int64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.resending[id] {
		return false
	}
	q.resending[id] = true
	return true
}

// endResend marks row id as no longer being resent.
func (q *Queue) endResend(id int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.resending, id)
}
