package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

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
// SHA256 is the hash of the bytes Redox received; ErrorDetail says how the change was seen.
const ErrorKindChangedWhileSending = "changed-while-sending"

// changedWhileSending makes rec the outcome of an upload that succeeded although its file
// changed while it was sent (how: what changedFromHash or changedFromStamp saw): failed, URI
// kept, with a warning.
func changedWhileSending(rec *Record, res client.Result, how string) {
	rec.Status, rec.URI, rec.SHA256 = StatusFailed, res.URI, res.SentSHA256
	rec.ErrorKind = ErrorKindChangedWhileSending
	rec.ErrorMessage = "The file changed while it was being sent, so Redox received a mix of old and new content. " +
		"Do not use the URI shown; wait until the file is finished, then send it again."
	rec.ErrorDetail = fmt.Sprintf("%s; SHA-256 of the bytes sent %s; Redox returned %s", how, res.SentSHA256, res.URI)
}

// changedFromHash says how the file of a row hashed before sending (before) changed while it
// was sent: the bytes sent have another hash. "" when they are the bytes hashed.
func changedFromHash(before string, res client.Result) string {
	if res.SentSHA256 == "" || res.SentSHA256 == before {
		return ""
	}
	return "SHA-256 before sending " + before
}

// changedFromStamp says how the file at path, sent without hashing first, changed while it was
// sent: before is what stat said of it just before the upload, after and err what it says now,
// and res.Size must be the size it had. "" when nothing changed that stat can see.
//
// A rewrite in place that keeps the size and falls within the file system's timestamp
// resolution (a few milliseconds on Linux, 2 s on FAT) cannot be seen this way; rows hashed
// before sending compare hashes instead.
func changedFromStamp(before, after os.FileInfo, err error, res client.Result) string {
	const prefix = "not hashed before sending; "
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err // the path is the row's; the detail need not repeat it
	}
	switch {
	case err != nil:
		return prefix + "the file could not be checked after it was sent: " + err.Error()
	case !os.SameFile(before, after):
		return prefix + "another file took its place while it was sent"
	case after.Size() != before.Size():
		return fmt.Sprintf("%sits size went from %d to %d bytes while it was sent", prefix, before.Size(), after.Size())
	case !after.ModTime().Equal(before.ModTime()):
		return fmt.Sprintf("%sit was modified while it was sent (modification time %s, then %s)", prefix,
			before.ModTime().UTC().Format(stampLayout), after.ModTime().UTC().Format(stampLayout))
	case res.Size != before.Size():
		return fmt.Sprintf("%s%d bytes were sent of a file of %d", prefix, res.Size, before.Size())
	}
	return ""
}

// stampLayout shows a modification time to the nanosecond, as file systems keep it.
const stampLayout = "2006-01-02 15:04:05.000000000 UTC"
