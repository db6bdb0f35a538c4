package app

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Recovery counts the rows OpenHistory changed because the session that journaled them ended
// with them in flight.
type Recovery struct {
	Interrupted int // were queued: never sent
	Unknown     int // were uploading: Redox may have them
	Saved       int // had an outcome the ended session could not write (a full disk): written now
}

func (r *Recovery) add(o Recovery) {
	r.Interrupted += o.Interrupted
	r.Unknown += o.Unknown
	r.Saved += o.Saved
}

// The plain words recovery writes into rows a previous session left in flight.
const (
	interruptedMessage = "The app closed before this file was sent. Nothing reached Redox; send it again when ready."
	unknownMessage     = "The app closed while this file was being sent. Redox may or may not have it: check before sending it again."
	recoveredKind      = "app-closed"
	recoveredDetail    = "set when the history was next opened: the row was still %s when the previous session ended (quit, crash or power loss)"
)

// inFlightExistsQuery asks whether any row is in flight, on uploads_status: the check every
// opening of the history makes before recovering.
const inFlightExistsQuery = `SELECT EXISTS (SELECT 1 FROM uploads WHERE status IN ('queued', 'uploading'))`

// recoverInFlight marks rows the previous session left queued as interrupted and rows it left
// uploading as unknown, in one transaction. Only the primary runs it, so no live process has
// rows in flight.
func (h *History) recoverInFlight(ctx context.Context) (Recovery, error) {
	const op = "recovering uploads left unfinished"
	var inFlight bool
	err := h.db.QueryRowContext(ctx, inFlightExistsQuery).Scan(&inFlight)
	if err != nil {
		return Recovery{}, h.dbError(op, err)
	}
	if !inFlight {
		return Recovery{}, nil
	}
	var rec Recovery
	err = h.inWriteTx(ctx, op, func(tx *sql.Tx) error {
		var err error
		rec, err = markInFlight(ctx, tx, "", recoveredDetail)
		return h.dbError(op, err)
	})
	return rec, err
}

// markInFlight ends, in tx, the rows left in flight by the session that is gone: queued ones
// become interrupted (never sent) and uploading ones unknown (Redox may have them). With owner
// "" every such row; otherwise only that owner's. detailFormat words the technical detail,
// with %s the status the row had.
func markInFlight(ctx context.Context, tx *sql.Tx, owner, detailFormat string) (Recovery, error) {
	now := timeToDB(time.Now())
	var rec Recovery
	for _, m := range []struct {
		from, to Status
		message  string
		count    *int
	}{
		{StatusQueued, StatusInterrupted, interruptedMessage, &rec.Interrupted},
		{StatusUploading, StatusUnknown, unknownMessage, &rec.Unknown},
	} {
		res, err := tx.ExecContext(ctx, `UPDATE uploads SET status = ?, finished = ?, error_kind = ?,
			error_message = ?, error_detail = ?, owner = '' WHERE status = ? AND (? = '' OR owner = ?)`,
			m.to, now, recoveredKind, m.message, fmt.Sprintf(detailFormat, m.from), m.from, owner, owner)
		if err != nil {
			return Recovery{}, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return Recovery{}, err
		}
		*m.count = int(n)
	}
	return rec, nil
}
