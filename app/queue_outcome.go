package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"redoxuploader/client"
)

// The end of a row's work: its outcome journaled, announced and logged, and the words for it.

// finishDuplicate ends rec as a duplicate of earlier, a done row of the same source and content.
func (q *Queue) finishDuplicate(rec *Record, earlier Record) {
	rec.Status, rec.URI, rec.DuplicateOf = StatusDuplicate, earlier.URI, earlier.ID
	rec.ErrorMessage = "Already uploaded to this source on " + earlier.Finished.Local().Format("2 Jan 2006 15:04") +
		". The earlier URI is shown; upload it again only if Redox needs a second copy."
	q.finish(rec, EventDuplicate)
}

// finish journals rec's final state and announces it. The write is not cancellable: a
// cancelled upload must still be recorded as such.
func (q *Queue) finish(rec *Record, kind EventKind) { q.finishClaiming(rec, kind, nil) }

// finishClaiming is finish, journaling with rec's outcome the claim of the next row its worker
// sends, when next is not nil (see takeAhead); it reports whether that row was claimed.
func (q *Queue) finishClaiming(rec *Record, kind EventKind, next *unhashedClaim) bool {
	switch kind {
	case EventDone:
		rec.Status = StatusDone
	case EventDuplicate:
		rec.Status = StatusDuplicate
	case EventCancelled:
		rec.Status = StatusCancelled
		rec.ErrorKind = client.KindCancelled.String()
		if rec.ErrorMessage == "" {
			rec.ErrorMessage = cancelledMessage(rec)
		}
	case EventUnknown:
		rec.Status = StatusUnknown
		rec.ErrorKind = client.KindCancelled.String()
		rec.ErrorMessage = stoppedAfterSendingMessage
	default:
		rec.Status = StatusFailed
	}
	rec.Finished = q.now()
	claimed, err := q.history.finishClaiming(context.Background(), rec, next)
	var ns *notSavedError
	switch {
	case errors.As(err, &ns):
		rec.NotSaved = notSavedMessage(rec, ns)
		rec.ErrorDetail = joinDetail(rec.ErrorDetail, "the history could not record this: "+errorDetail(err))
	case err != nil:
		rec.ErrorDetail = joinDetail(rec.ErrorDetail, "the history could not record this: "+err.Error())
	}
	q.mu.Lock()
	delete(q.active, rec.ID) // ended: no longer pending or cancellable by the time anyone hears so
	if rec.ResentFrom != 0 {
		delete(q.resending, rec.ResentFrom) // it may be resent again
	}
	saved, savedFirst := q.savedFirst[rec.ID]
	delete(q.savedFirst, rec.ID)
	if rec.NotSaved != "" && !savedFirst {
		q.told[rec.ID] = true
	}
	q.mu.Unlock()
	q.events.publish(Event{Kind: kind, Record: *rec})
	q.logOutcome(rec)
	if savedFirst {
		q.announceSaved(saved)
	}
	return claimed
}

// lateSaved hears from the history that rec's outcome, which it could not write when the row
// ended, is written now, and announces it with EventSaved once the row's final event has gone
// out.
func (q *Queue) lateSaved(rec Record) {
	q.mu.Lock()
	if !q.told[rec.ID] {
		q.savedFirst[rec.ID] = rec // finish has not announced the row yet: it announces this after
		q.mu.Unlock()
		return
	}
	delete(q.told, rec.ID)
	q.mu.Unlock()
	q.announceSaved(rec)
}

func (q *Queue) announceSaved(rec Record) {
	q.events.publish(Event{Kind: EventSaved, Record: rec})
	q.logger().Info("upload result recorded late", "row", rec.ID, "file", rec.Name, "status", string(rec.Status))
}

// notSavedMessage is Record.NotSaved for rec, whose outcome the history could not write.
func notSavedMessage(rec *Record, ns *notSavedError) string {
	reason := ns.reason
	if ns.fix != "" {
		reason += ". " + ns.fix
	} else {
		reason += "."
	}
	switch {
	case rec.Status == StatusDone:
		return "The file reached Redox but the history could not be saved: " + reason + " Its URI is " + rec.URI +
			" — keep it until the history has recorded it (it will as soon as it can be written again)."
	case rec.URI != "":
		return "The history could not save this result: " + reason + " The URI shown is " + rec.URI +
			" — keep it until the history has recorded it (it will as soon as it can be written again)."
	}
	return "The history could not save this result: " + reason + " It will be recorded as soon as the history can " +
		"be written again."
}

// logOutcome writes rec's final state to the log: base name only, never the path.
func (q *Queue) logOutcome(rec *Record) {
	level, from := slog.LevelInfo, rec.Created
	if rec.Status == StatusFailed {
		level = slog.LevelWarn
	}
	if !rec.Started.IsZero() {
		from = rec.Started
	}
	q.logger().Log(context.Background(), level, "upload finished", "row", rec.ID, "file", rec.Name,
		"profile", rec.Profile, "status", string(rec.Status), "duration", rec.Finished.Sub(from).Round(time.Millisecond).String(),
		"attempts", rec.Attempts, "http_status", rec.HTTPStatus, "error_kind", rec.ErrorKind,
		"message", withoutPath(rec.ErrorMessage, rec.Path), "detail", withoutPath(rec.ErrorDetail, rec.Path))
}

func (q *Queue) logger() *slog.Logger {
	if q.Log == nil {
		return discardLogger
	}
	return q.Log
}

var discardLogger = DiscardLogger()

// stoppedAfterSendingMessage ends a row stopped after its whole file had gone out: Redox
// may have it, so it is not sent again without a look (a watched folder holds it, as after a
// crash).
const stoppedAfterSendingMessage = "Stopped after the whole file had gone out, before Redox answered. Redox may or " +
	"may not have it: check before sending it again."

func cancelledMessage(rec *Record) string {
	if rec.Started.IsZero() {
		return "Cancelled before it was sent. Nothing reached Redox."
	}
	return "Cancelled while sending. Redox did not confirm the file; send it again if it is still needed."
}

// journalFailure ends a row whose journal write failed: the work it would have announced is
// not done.
func (q *Queue) journalFailure(rec *Record, err error) {
	rec.ErrorKind = "history"
	rec.ErrorMessage = "The upload history could not be written, so this file was not sent. Check that the disk is " +
		"not full, then add the file again."
	if errors.Is(err, ErrHistoryBusy) {
		rec.ErrorMessage = "The upload history was busy for too long (another Redox Uploader may be using it), so this " +
			"file was not sent. Add the file again in a moment."
	} else if p := writeProblemOf(q.history.dir(), err); p != nil {
		rec.ErrorMessage = "The upload history could not be written (" + p.reason + "), so this file was not sent. " +
			p.fix + " Then add the file again."
	}
	rec.ErrorDetail = errorDetail(err)
	q.finish(rec, EventFailed)
}

// setFailure copies an upload error into the row: plain message (with where to mend it, on
// the queue's surface), kind, detail, status.
func (q *Queue) setFailure(rec *Record, err error, attempts int) {
	rec.ErrorMessage = q.Surface.Explain(err)
	rec.ErrorDetail = client.Detail(err)
	rec.Attempts = attempts
	var e *client.Error
	if errors.As(err, &e) {
		rec.ErrorKind = e.Kind.String()
		rec.HTTPStatus = e.Status
	} else {
		rec.ErrorDetail = errorDetail(err) // the keychain's cause, say, not the message again
	}
	if KeychainUnusable(err) {
		rec.ErrorKind = ErrorKindKeychain
	}
	rec.Status = StatusFailed
}

// ErrorKindKeychain is the ErrorKind of a row not sent because the keychain holding its
// source's secret was locked, absent or did not answer: not a credentials problem (the secret
// may be right), a keychain one.
const ErrorKindKeychain = "keychain"

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
