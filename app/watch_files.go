package app

import (
	"os"
	"strings"
	"time"
)

// What a Watcher knows of each file in its folders, and which names it leaves alone.

// The subfolders a Watcher moves files into, inside each watched folder.
const (
	WatchUploadedFolder = "Uploaded"
	WatchFailedFolder   = "Failed"
)

// temporarySuffixes end the names of files still being written by browsers, downloaders and
// office programs.
var temporarySuffixes = []string{".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".filepart", "~"}

// watchIgnores reports whether a name in a watched folder is never sent: hidden and system
// files, office lock files (~$report.docx) and files still being downloaded or saved.
func watchIgnores(name string) bool {
	if isHiddenOrSystem(name) || strings.HasPrefix(name, "~$") {
		return true
	}
	lower := strings.ToLower(name)
	for _, suffix := range temporarySuffixes {
		if strings.HasSuffix(lower, suffix) {
			return true
		}
	}
	return false
}

// fileState is where a watched file stands.
type fileState int

const (
	fileSettling  fileState = iota // seen; waiting until it has not changed for the settle time
	fileReady                      // complete; waiting for a free place to be submitted
	fileSubmitted                  // handed to the queue; its row is not final yet
	fileWaiting                    // a passing failure: settling again from retryAt
	fileLeft                       // sent, held, failed or skipped and left in place: looked at again only if it changes
	fileToMove                     // uploaded and left in place for now: moved once its record is saved, or from retryAt
)

// watchedFile is one file seen in a watched folder.
type watchedFile struct {
	path, folder string
	size         int64
	modTime      time.Time
	stableSince  time.Time // when its size and modification time were last seen to change
	state        fileState
	row          int64 // with fileSubmitted
	sentSize     int64 // with fileSubmitted: the size and modification time it was handed over with
	sentModTime  time.Time
	retryAt      time.Time     // with fileWaiting; with fileToMove, zero while it waits for its record to be saved
	uploaded     Record        // with fileToMove: its upload's row
	retryWait    time.Duration // the wait before the next try after a passing failure
	hashed       *hashedFile   // the hash a check took of it this round (hashOf), handed to the queue with it
}

// see records what stat says of the file now and reports whether it changed since it was last
// seen; a change starts its settle time again.
func (f *watchedFile) see(fi os.FileInfo, now time.Time) (changed bool) {
	if fi.Size() == f.size && fi.ModTime().Equal(f.modTime) {
		return false
	}
	f.size, f.modTime, f.stableSince = fi.Size(), fi.ModTime(), now
	return true
}

// changedSinceSent reports whether fi, what stat says of the file now, differs from the file
// as it was handed to the queue.
func (f *watchedFile) changedSinceSent(fi os.FileInfo) bool {
	return fi.Size() != f.sentSize || !fi.ModTime().Equal(f.sentModTime)
}

// settled reports whether the file has not changed for settle.
func (f *watchedFile) settled(now time.Time, settle time.Duration) bool {
	return now.Sub(f.stableSince) >= settle
}
