package app

import (
	"fmt"

	"redoxuploader/client"
)

// ErrorKindChangedWhileSending is the ErrorKind of a row whose file changed while it was being
// sent: Redox returned a URI, but what it holds is neither the file as it was hashed nor as it
// is now.
//
// Such a row is failed, not done, and keeps the URI with that warning: the history's status
// values are fixed by its first schema (a CHECK constraint SQLite cannot alter without
// rebuilding the table and its search index), and "failed" already means what a user must
// hear: this file is not filed, send it again. Being failed, it never counts as an earlier
// upload in the duplicate check, for the hash taken before sending or for the bytes sent. Its
// SHA256 is the hash of the bytes Redox received; ErrorDetail gives both hashes.
const ErrorKindChangedWhileSending = "changed-while-sending"

// changedWhileSending makes rec the outcome of an upload that succeeded with bytes other than
// those hashed before it (rec.SHA256): failed, URI kept, with a warning.
func changedWhileSending(rec *Record, res client.Result) {
	before := rec.SHA256
	rec.Status, rec.URI, rec.SHA256 = StatusFailed, res.URI, res.SentSHA256
	rec.ErrorKind = ErrorKindChangedWhileSending
	rec.ErrorMessage = "The file changed while it was being sent, so Redox received a mix of old and new content. " +
		"Do not use the URI shown; wait until the file is finished, then send it again."
	rec.ErrorDetail = fmt.Sprintf("SHA-256 before sending %s; of the bytes sent %s; Redox returned %s",
		before, res.SentSHA256, res.URI)
}
