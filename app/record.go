package app

import "time"

// Status is where an upload stands in the history.
type Status string

// The statuses of a history row. Only queued and uploading rows change; the rest are final.
const (
	StatusQueued      Status = "queued"      // journaled, not yet sent
	StatusUploading   Status = "uploading"   // a request may be on the wire
	StatusDone        Status = "done"        // Redox returned a URI
	StatusFailed      Status = "failed"      // not uploaded; ErrorMessage says why
	StatusCancelled   Status = "cancelled"   // stopped by the user
	StatusDuplicate   Status = "duplicate"   // same SHA-256 already done for the same source; URI is the earlier one
	StatusInterrupted Status = "interrupted" // was queued when the app stopped: never sent
	StatusUnknown     Status = "unknown"     // was uploading when the app stopped: Redox may have it
)

// allStatuses lists every status, in the order of the constants above.
var allStatuses = [...]Status{StatusQueued, StatusUploading, StatusDone, StatusFailed, StatusCancelled,
	StatusDuplicate, StatusInterrupted, StatusUnknown}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	for _, known := range allStatuses {
		if s == known {
			return true
		}
	}
	return false
}

// Final reports whether a row with status s will not change again: every status but queued and
// uploading.
func (s Status) Final() bool {
	return s.Valid() && s != StatusQueued && s != StatusUploading
}

// Record is one row of the upload history: one attempt to get one file to one Redox source.
// It holds metadata only, never file contents.
type Record struct {
	ID           int64
	Profile      string    // profile display name
	Source       string    // source identity (which Redox source's token uploads), e.g. "legacy:KEY@host"
	Environment  string    // Development, Staging, Production, Sandbox
	Sandbox      bool      // uploaded to the built-in local sandbox, not to Redox
	Path         string    // full local path
	Name         string    // base name sent to Redox
	Size         int64     // bytes
	SHA256       string    // lower-case hex, "" until hashed
	MIME         string    // content type sent with the file
	Status       Status    // where the upload stands
	URI          string    // the Redox URI (with StatusDuplicate: the earlier upload's URI)
	ErrorKind    string    // client.Kind.String() values like "too-large", "network"; "" on success
	ErrorMessage string    // plain words for the user
	ErrorDetail  string    // technical detail for IT (never a secret)
	HTTPStatus   int       // the last HTTP status from Redox, 0 if none
	Attempts     int       // requests made
	Created      time.Time // when the row was journaled
	Started      time.Time // zero until uploading
	Finished     time.Time // zero until final
	ResentFrom   int64     // 0, or the id of the row this one resends
	DuplicateOf  int64     // 0, or the id of the earlier done row (with StatusDuplicate)

	// NotSaved is never stored: in the final event of a row whose outcome the history could not
	// write (the disk is full, its folder became read-only...), plain words saying so, why, what
	// to do and, with a URI, the URI: "The file reached Redox but the history could not be
	// saved: the disk is full. ... Its URI is https://...". The outcome (Status, URI...) is
	// right; the database still has the row as uploading until the history writes it, which it
	// does as soon as it can (the next write, a retry every few seconds, Close, or the next
	// start), announced by EventSaved. The CLI treats a row with NotSaved as a failure (non-zero
	// exit) and prints it; the window shows it in the row until EventSaved.
	NotSaved string
}
