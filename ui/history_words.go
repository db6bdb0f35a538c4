package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// The words the history view shows for its rows, its count and a row's details.

// detailFields are the label and value of every field of r, "—" where there is none.
func detailFields(r app.Record) [][2]string {
	env := r.Environment
	if r.Sandbox {
		env += " (built-in sandbox: nothing left this computer)"
	}
	httpStatus := ""
	if r.HTTPStatus != 0 {
		httpStatus = strings.TrimSpace(fmt.Sprintf("%d %s", r.HTTPStatus, http.StatusText(r.HTTPStatus)))
	}
	fields := [][2]string{
		{"File", visible.Name(r.Name)},
		{"Path", visible.Name(r.Path)},
		{"Size", fmt.Sprintf("%s (%s bytes)", sizeText(r.Size), client.GroupDigits(r.Size))},
		{"SHA-256", r.SHA256},
		{"Content type", visible.Name(r.MIME)},
		{"Source", visible.Name(r.Profile)},
		{"Source identity", visible.Name(r.Source)},
		{"Environment", env},
		{"Status", fmt.Sprintf("%s (%s)", shortStatus(r), r.Status)},
		{"URI", visible.Name(r.URI)},
		{"Error kind", r.ErrorKind},
		{"Error", visible.Text(r.ErrorMessage)},
		{"Detail for IT", visible.Text(r.ErrorDetail)},
		{"HTTP status", httpStatus},
		{"Attempts", strconv.Itoa(r.Attempts)},
		{"Created", preciseTime(r.Created)},
		{"Started", preciseTime(r.Started)},
		{"Finished", preciseTime(r.Finished)},
		{"Resent from", rowRef(r.ResentFrom)},
		{"Duplicate of", rowRef(r.DuplicateOf)},
		{"History row", rowRef(r.ID)},
	}
	for i := range fields {
		if fields[i][1] == "" {
			fields[i][1] = "—"
		}
	}
	return fields
}

// detailsText is detailFields as lines of "Label: value", for the clipboard.
func detailsText(r app.Record) string {
	var b strings.Builder
	for _, f := range detailFields(r) {
		fmt.Fprintf(&b, "%s: %s\n", f[0], f[1])
	}
	return b.String()
}

func preciseTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2 Jan 2006 15:04:05 MST")
}

func rowRef(id int64) string {
	if id == 0 {
		return ""
	}
	return "#" + strconv.FormatInt(id, 10)
}

// needsAttention is true for rows the app could not finish: the user must look at them.
func needsAttention(s app.Status) bool {
	return s == app.StatusUnknown || s == app.StatusInterrupted
}

// shortStatus is statusText for the history's narrow column: a duplicate's date is in its
// own column there.
func shortStatus(r app.Record) string {
	if r.Status == app.StatusDuplicate {
		return "Already uploaded"
	}
	return statusText(r)
}

// uploadsText is "1 upload", "1,234 uploads".
func uploadsText(n int) string {
	if n == 1 {
		return "1 upload"
	}
	return client.GroupDigits(int64(n)) + " uploads"
}
