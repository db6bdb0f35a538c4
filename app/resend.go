package app

import (
	"context"
	"fmt"

	"redoxuploader/client"
)

// ChangedSinceUploadError refuses a resend whose file no longer has the content first sent;
// the caller asks the user and resends with confirmation.
type ChangedSinceUploadError struct {
	Original  Record
	NewSHA256 string
}

func (e *ChangedSinceUploadError) Error() string {
	return fmt.Sprintf("%s has changed since it was sent on %s. Send the new version anyway?",
		e.Original.Name, e.Original.Created.Local().Format("2 Jan 2006 15:04"))
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

// Resend queues the file of an earlier row again, to the same source (p must be that row's
// profile). The file is hashed first: a missing file is a plain-words error, and a changed one
// is refused with *ChangedSinceUploadError unless confirmChanged. The new row points at the
// original; it is uploaded even if the content is already done for the source. The upload uses
// this hash unless the file's size or modification time changes before it starts.
func (q *Queue) Resend(ctx context.Context, original Record, p Profile, confirmChanged bool) (int64, error) {
	if err := q.history.ReadOnly(); err != nil {
		return 0, err
	}
	if p.SourceID() != original.Source {
		return 0, &SourceChangedError{Original: original, Now: p.SourceID()}
	}
	size, err := client.CheckFile(original.Path, p.MaxSize)
	if err != nil {
		return 0, err
	}
	sum, hashed, err := q.hashWithStamp(original.Path, size)
	if err != nil {
		return 0, err
	}
	if original.SHA256 != "" && sum != original.SHA256 && !confirmChanged {
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
