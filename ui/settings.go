// The settings' choices and how their values read: the sign-in methods, how many files go at
// once, how long the history is kept, and size limits typed in MB. The dialog that offers them
// is settingsView (settings_dialog.go).

package ui

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"redoxuploader/app"
)

const megabyte = 1 << 20 // the size limit is shown in MB of 1024 × 1024 bytes, as sizes are

// authChoices are the sign-in methods in the order the form offers them, each named by its
// Label, as the command line names it.
var authChoices = []app.AuthMethod{app.AuthLegacy, app.AuthOAuth, app.AuthToken}

// retentionChoices are the history retentions offered, in days; 0 keeps the history forever.
var retentionChoices = []int{0, 30, 90, 365}

func authOptions() []string {
	opts := make([]string, len(authChoices))
	for i, m := range authChoices {
		opts[i] = m.Label()
	}
	return opts
}

func parallelOptions() []string {
	opts := make([]string, 16)
	for i := range opts {
		opts[i] = strconv.Itoa(i + 1)
	}
	return opts
}

func retentionLabel(days int) string {
	if days <= 0 {
		return "Keep forever"
	}
	return strconv.Itoa(days) + " days"
}

// retentionOptions are the usual choices of at least minimum days (keeping forever is always
// one), plus minimum itself and current if they are other numbers of days.
func retentionOptions(current, minimum int) []string {
	days := slices.DeleteFunc(slices.Clone(retentionChoices), func(d int) bool { return d > 0 && d < minimum })
	for _, d := range []int{minimum, current} {
		if d > 0 && !slices.Contains(days, d) {
			days = append(days, d)
			slices.Sort(days)
		}
	}
	opts := make([]string, len(days))
	for i, d := range days {
		opts[i] = retentionLabel(d)
	}
	return opts
}

// parseMB reads a size limit typed in MB ("10", "12.5", "10 MB") as bytes; it must be above
// 0 and at most app.MaxAllowedSize.
func parseMB(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "MB"))
	mb, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(mb) || math.IsInf(mb, 0) || mb <= 0 || mb > 1e6 {
		return 0, false
	}
	n := int64(math.Round(mb * megabyte))
	return n, n > 0 && n <= app.MaxAllowedSize
}

// formatMB shows a size limit in MB: "10", or "12.5" for a limit that is not whole.
func formatMB(n int64) string {
	if n%megabyte == 0 {
		return strconv.FormatInt(n/megabyte, 10)
	}
	return strconv.FormatFloat(float64(n)/megabyte, 'f', -1, 64)
}
