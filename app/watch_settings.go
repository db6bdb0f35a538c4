package app

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// MaxSettleSeconds is the longest settle time a source may set for its watched folders.
const MaxSettleSeconds = 600

// WatchSettle is how long a file in one of the source's watched folders must stay unchanged
// before it is sent: SettleSeconds, or DefaultWatchSettle when it is 0.
func (p Profile) WatchSettle() time.Duration {
	if p.SettleSeconds <= 0 {
		return DefaultWatchSettle
	}
	return time.Duration(p.SettleSeconds) * time.Second
}

// watchSummary is "watches 1 folder (settle time 3 s)": how many folders p watches, not their
// paths (diagnostics name no path of the user's files), for the diagnostics of sources and
// of the policy.
func (p Profile) watchSummary() string {
	n := len(p.WatchFolders)
	return fmt.Sprintf("watches %d folder%s (settle time %d s)", n, plural(n), int(p.WatchSettle().Seconds()))
}

// watchFoldersProblem checks a source's watched folders: each a full path (from the drive or
// the root), written once, with no control characters; "" when they are fine.
func watchFoldersProblem(folders []string) string {
	for i, dir := range folders {
		switch {
		case strings.TrimSpace(dir) == "":
			return "Remove the empty folder from the list."
		case strings.IndexFunc(dir, unicode.IsControl) >= 0:
			return "Remove line breaks, tabs and other control characters from the folder " + dir + "."
		case !filepath.IsAbs(dir):
			return "Choose the folder " + dir + " again: a watched folder needs its full path, from the drive or the root."
		case slices.ContainsFunc(folders[:i], func(d string) bool { return SameFolder(d, dir) }):
			return "The folder " + dir + " is listed twice; remove one."
		}
	}
	return ""
}

// SameFolder reports whether a and b name the same folder: the same path once cleaned, in any
// case on Windows, whose file systems do not tell names apart by case.
func SameFolder(a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if runtime.GOOS == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// folderWatchedElsewhere checks that no other source of st watches one of p's folders: a folder
// watched for two sources would send each file to both. replacing is the name p is saved over
// ("" for a new source). It returns the problem in plain words, or "".
func folderWatchedElsewhere(p Profile, replacing string, st Settings) string {
	others := slices.DeleteFunc(slices.Clone(st.Profiles), func(o Profile) bool {
		return replacing != "" && strings.EqualFold(o.Name, replacing)
	})
	for _, dir := range p.WatchFolders {
		if o, ok := watchedBy(others, dir, p.Name); ok {
			return "The folder " + dir + " is already watched for the source " + strconv.Quote(o.Name) +
				". A folder can be watched for one source only, or each file would be sent to both: remove it from one of them."
		}
	}
	return ""
}

// watchedBy returns the source of profiles, other than the one named except, that watches dir.
func watchedBy(profiles []Profile, dir, except string) (Profile, bool) {
	for _, o := range profiles {
		if !strings.EqualFold(o.Name, except) && slices.ContainsFunc(o.WatchFolders, func(d string) bool { return SameFolder(d, dir) }) {
			return o, true
		}
	}
	return Profile{}, false
}

// CheckWatch checks one run of a watcher that sends the files of folders to p, settling for
// settle (the watch command's folders and --settle): a folder a saved source watches is
// watched for that source alone, or each file would be sent to both and moved away from the
// other; and a source the organisation sets keeps its settle time. The problem is one plain
// sentence (matching ErrSetByOrganisation when the policy holds what the run would change).
func (c *Core) CheckWatch(p Profile, folders []string, settle time.Duration) error {
	st, err := c.LoadSettings()
	if err != nil {
		return err
	}
	for _, dir := range folders {
		o, ok := watchedBy(st.Profiles, dir, p.Name)
		switch {
		case ok && o.Managed:
			return &organisationError{what: fmt.Sprintf("The folder %s is watched for the source %q only: this is", dir, o.Name)}
		case ok:
			return Sentencef("The folder %s is watched for the source %q. A folder is watched for one source only, or each "+
				"file would be sent to both: watch it for %q, or remove it from that source's watched folders.", dir, o.Name, o.Name)
		}
	}
	if p.Managed && settle != p.WatchSettle() {
		return &organisationError{what: fmt.Sprintf("How long a file must stay unchanged before it is sent to %q is", p.Name)}
	}
	return nil
}

// AssignWatchFolders gives each watched folder of profiles to one source, for the watchers that
// run: a folder two sources list (a user's own source saved before the organisation's policy
// gave the folder to a managed one; folderWatchedElsewhere refuses it at each later save) would
// send each file to both. The managed sources come first, then by name. watch holds, by name,
// each source left with a folder, its WatchFolders only those given to it; takenBy says, by a
// source's name then by a folder it lists, to which source that folder went.
func AssignWatchFolders(profiles []Profile) (watch map[string]Profile, takenBy map[string]map[string]string) {
	ordered := slices.Clone(profiles)
	slices.SortStableFunc(ordered, func(a, b Profile) int {
		if a.Managed != b.Managed {
			if a.Managed {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	type given struct{ dir, to string }
	var gone []given
	watch, takenBy = map[string]Profile{}, map[string]map[string]string{}
	for _, p := range ordered {
		var mine []string
		for _, dir := range p.WatchFolders {
			if i := slices.IndexFunc(gone, func(g given) bool { return SameFolder(g.dir, dir) }); i >= 0 {
				if takenBy[p.Name] == nil {
					takenBy[p.Name] = map[string]string{}
				}
				takenBy[p.Name][dir] = gone[i].to
				continue
			}
			mine, gone = append(mine, dir), append(gone, given{dir, p.Name})
		}
		if len(mine) > 0 {
			p.WatchFolders = mine
			watch[p.Name] = p
		}
	}
	return watch, takenBy
}
