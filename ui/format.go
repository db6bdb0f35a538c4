package ui

import (
	"fmt"
	"strings"
	"time"

	"redoxuploader/app"
	"redoxuploader/client"
)

// inlineHint is Redox's breakpoint: content under 200 KB may be embedded in a message instead.
const inlineHint = 200 << 10

// statusText says in a few words where a row stands.
func statusText(r app.Record) string {
	switch r.Status {
	case app.StatusQueued:
		return "Waiting"
	case app.StatusUploading:
		return "Sending"
	case app.StatusDone:
		if r.NotSaved != "" {
			return "Reached Redox · not in the history yet"
		}
		return "Done"
	case app.StatusDuplicate:
		first, _, _ := strings.Cut(r.ErrorMessage, ". ") // "Already uploaded to this source on 26 Nov 2026 14:05"
		return first
	case app.StatusCancelled:
		return "Cancelled"
	case app.StatusInterrupted:
		return "Not sent: app closed first"
	case app.StatusUnknown:
		return "Unknown: app closed mid-send"
	default:
		if r.ErrorKind == app.ErrorKindChangedWhileSending {
			return "Changed while sent"
		}
		return "Failed" // the reason is shown on its own line
	}
}

// sendingText is the status of a row being sent: "Sending 43%".
func sendingText(sent, total int64) string {
	if total <= 0 {
		return "Sending"
	}
	return fmt.Sprintf("Sending %d%%", sent*100/total)
}

// when formats a time for people: "26 Nov 2026 14:05".
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2 Jan 2006 15:04")
}

// sizeText is client.HumanSize, named for the views.
func sizeText(n int64) string { return client.HumanSize(n) }
