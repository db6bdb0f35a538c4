package app

import (
	"context"
	"fmt"
	"time"
)

// Writes the queue no longer makes (it claims a row with claimSend or claimUnhashed), kept for
// the tests that need a row in a given state, and that check the checks they share with it.

// markUploading journals that row id, which must be queued, is about to be sent: status
// uploading, Started (now if zero) and attempts back to 0.
func (h *History) markUploading(ctx context.Context, id int64, started time.Time) error {
	op := fmt.Sprintf("marking upload %d as sending", id)
	if started.IsZero() {
		started = time.Now()
	}
	res, err := h.exec(ctx, op, `UPDATE uploads SET status = 'uploading', started = ?, attempts = 0, owner = ?
		WHERE id = ? AND status = 'queued'`, timeToDB(started), h.ownerID(), id)
	return h.checkChanged(ctx, op, id, res, err, StatusQueued)
}

// markUploadingHashed is setHash and markUploading in one committed write: claimSend without
// the duplicate check. A row recovered as unknown after a crash therefore always has the
// SHA-256 of what was being sent.
func (h *History) markUploadingHashed(ctx context.Context, id int64, started time.Time, sha256 string, size int64) error {
	_, err := h.claimSend(ctx, id, started, "", sha256, size, true)
	return err
}

// setHash journals the SHA-256 (lower-case hex) and size of row id, which must not be final.
func (h *History) setHash(ctx context.Context, id int64, sha256 string, size int64) error {
	op := fmt.Sprintf("saving the checksum of upload %d", id)
	if err := checkHash(op, sha256, size); err != nil {
		return err
	}
	res, err := h.exec(ctx, op, `UPDATE uploads SET sha256 = ?, size = ?
		WHERE id = ? AND status IN ('queued', 'uploading')`, sha256, size, id)
	return h.checkChanged(ctx, op, id, res, err, StatusQueued, StatusUploading)
}
