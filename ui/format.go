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

// nameTail is how many characters at the end of a long name shortenMiddle keeps: enough for the
// part where names of a series differ (a date, a number) and the extension.
const nameTail = 25

// titleNameLength is the most characters of a name a dialog's title shows: a title does not
// wrap, and the dialog clips what is wider than it.
const titleNameLength = 56

// shortenMiddle shortens s to n characters (runes) by putting "…" in place of its middle, when
// it is longer: "Patient_discharge_su…follow-up_2026-11-03.pdf". Names of a series differ at the
// end, which cutting the end (as a label's ellipsis does) hides, so the end is kept: up to
// nameTail characters of it, two thirds of what is kept when n is small.
func shortenMiddle(s string, n int) string {
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	if n < 2 {
		return "…"
	}
	tail := min(nameTail, (n-1)*2/3)
	head := n - 1 - tail
	return string(runes[:head]) + "…" + string(runes[len(runes)-tail:])
}

// titleName is name shortened in the middle to fit in a dialog's title.
func titleName(name string) string { return shortenMiddle(name, titleNameLength) }

// sizeText is client.HumanSize, named for the views.
func sizeText(n int64) string { return client.HumanSize(n) }
