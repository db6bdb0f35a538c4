package ui

import (
	"fmt"

	"fyne.io/fyne/v2"

	"redoxuploader/app"
)

// batch counts the files added since the queue was last idle, for the "12 uploaded, 1 failed"
// notification when they are all final.
type batch struct {
	queued, final      int
	uploaded, failed   int
	duplicate, stopped int
}

func (b batch) summary() string {
	s := fmt.Sprintf("%d uploaded", b.uploaded)
	if b.duplicate > 0 {
		s += fmt.Sprintf(", %d already uploaded", b.duplicate)
	}
	if b.failed > 0 {
		s += fmt.Sprintf(", %d failed", b.failed)
	}
	if b.stopped > 0 {
		s += fmt.Sprintf(", %d cancelled", b.stopped)
	}
	return s
}

// noteSubmitted counts n new rows into the running batch.
func (u *UI) noteSubmitted(n int) {
	u.mu.Lock()
	u.batch.queued += n
	u.mu.Unlock()
}

// batchFinished counts one final row; when the batch is complete it says so in the status
// line and, if the setting allows, as a system notification.
func (u *UI) batchFinished(r app.Record) {
	u.mu.Lock()
	b := &u.batch
	b.final++
	switch r.Status {
	case app.StatusDone:
		b.uploaded++
	case app.StatusDuplicate:
		b.duplicate++
	case app.StatusCancelled:
		b.stopped++
	default:
		b.failed++
	}
	done := b.final >= b.queued && b.queued > 0
	summary := b.summary()
	if done {
		u.batch = batch{}
	}
	u.mu.Unlock()
	if !done {
		return
	}
	u.setStatus(summary + ".")
	if st, err := u.core.LoadSettings(); err == nil && st.Notifications {
		u.app.SendNotification(fyne.NewNotification("Redox Uploader", summary))
	}
}
