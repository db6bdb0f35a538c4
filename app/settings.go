package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// Settings are the user's saved choices: the profiles (Redox sources) and a few preferences.
// They hold no secret; secrets live in the OS keychain (see Secrets).
type Settings struct {
	Profiles      []Profile       `json:"profiles"`
	Active        string          `json:"active,omitempty"` // name of the selected profile
	AutoCopy      bool            `json:"autoCopy"`         // copy a new URI to the clipboard
	Notifications bool            `json:"notifications"`    // default true
	RetentionDays int             `json:"retentionDays"`    // purge history older than this; 0 keeps it forever
	Network       NetworkSettings `json:"network"`          // proxy and extra trusted certificates
}

// DefaultSettings are the settings before the user saved any.
func DefaultSettings() Settings {
	return Settings{Profiles: []Profile{}, Notifications: true}
}

// InvalidProfileError reports a saved profile that does not pass Validate. Load returns every
// profile anyway, with one of these (joined) for each bad one, so the user can fix it instead of
// losing it; errors.As tells this case from a file that could not be read at all.
type InvalidProfileError struct {
	File    string
	Profile string // the profile's name as saved
	Err     error  // a *ValidationError, or the duplicate-name problem
}

func (e *InvalidProfileError) Error() string {
	return fmt.Sprintf("profile %q in %s: %v", e.Profile, e.File, e.Err)
}

func (e *InvalidProfileError) Unwrap() error { return e.Err }

const (
	// settingsLockWait is how long Update waits for another window or command to finish
	// saving the settings.
	settingsLockWait = 10 * time.Second
	// settingsLockRetry is how often it tries for the lock meanwhile.
	settingsLockRetry = 10 * time.Millisecond
)

// SettingsStore reads and writes the settings file. Every change goes through Update, which
// holds a lock file next to it ("<settings file>.lock") so that windows and commands saving
// at the same time, in this process or others, take turns and none loses another's change.
type SettingsStore struct {
	path     string
	lockWait time.Duration // how long Update waits for the lock
}

// NewSettingsStore returns a store for the settings file at path (see Paths.SettingsFile).
func NewSettingsStore(path string) *SettingsStore {
	return &SettingsStore{path: path, lockWait: settingsLockWait}
}

// Path is the settings file.
func (s *SettingsStore) Path() string { return s.path }

// Load reads the settings. A missing file gives DefaultSettings. A file that is not valid JSON
// is an error naming the file, and the file is left as it is (Update refuses to replace it too).
// Load takes no lock: the file is only ever replaced whole, so it always reads a whole one.
// Profiles that fail validation are all returned, with an error joining one
// *InvalidProfileError for each.
func (s *SettingsStore) Load() (Settings, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return DefaultSettings(), fmt.Errorf("cannot read the settings file %s: %w", s.path, err)
	}
	st, err := s.decode(data)
	if err != nil {
		return DefaultSettings(), err
	}
	return st, s.check(st)
}

func (s *SettingsStore) decode(data []byte) (Settings, error) {
	st := DefaultSettings()
	if err := json.Unmarshal(data, &st); err != nil {
		where := ""
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
			where = fmt.Sprintf(" (line %d)", line)
		}
		return DefaultSettings(), fmt.Errorf("the settings file %s is damaged%s: %v. Fix it or move it away; Redox Uploader will not overwrite it", s.path, where, err)
	}
	if st.Profiles == nil {
		st.Profiles = []Profile{}
	}
	for i := range st.Profiles {
		st.Profiles[i].BuiltIn = false // never from a file
	}
	return st, nil
}

// check validates every profile and that names differ, ignoring case.
func (s *SettingsStore) check(st Settings) error {
	var errs []error
	seen := map[string]bool{}
	for _, p := range st.Profiles {
		key := strings.ToLower(p.Name)
		if err := p.Validate(); err != nil {
			errs = append(errs, &InvalidProfileError{File: s.path, Profile: p.Name, Err: err})
		} else if seen[key] {
			errs = append(errs, &InvalidProfileError{File: s.path, Profile: p.Name,
				Err: errors.New("another profile has the same name (names must differ, ignoring upper and lower case); rename one")})
		}
		seen[key] = true
	}
	return errors.Join(errs...)
}

// Update is the one way to change the settings. Holding an exclusive lock that every
// SettingsStore respects, in any process, it loads them (profiles that fail validation
// included, for fn to fix or remove), lets fn change them, validates them and writes them
// atomically, readable by the user only (file 0600, folder 0700; built-in profiles are left
// out). If fn fails, the settings are invalid or the file is unreadable or damaged, nothing is
// written. If another window or command holds the lock for over 10 s, it gives up saying so.
// fn runs under the lock: keep it short and never call Update from it.
func (s *SettingsStore) Update(fn func(*Settings) error) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	st, err := s.Load()
	var invalid *InvalidProfileError
	if err != nil && !errors.As(err, &invalid) {
		return err
	}
	if err := fn(&st); err != nil {
		return err
	}
	return s.write(st)
}

// Save replaces the whole settings with st, under Update's lock. Whatever another window or
// command saved since st was loaded is lost: to change the settings, use Update.
func (s *SettingsStore) Save(st Settings) error {
	return s.Update(func(cur *Settings) error {
		*cur = st
		return nil
	})
}

// lock takes the exclusive lock on the settings, waiting up to s.lockWait for another
// holder, and returns the function that releases it. The lock file stays: removing it would
// race with the next updater. Separate opens of it exclude each other even in one process
// (flock(2) locks an open file, not a process; Windows' LockFileEx, a handle).
func (s *SettingsStore) lock() (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the settings folder: %w", err)
	}
	l := flock.New(s.path+".lock", flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), s.lockWait)
	defer cancel()
	ok, err := l.TryLockContext(ctx, settingsLockRetry)
	switch {
	case ok:
		return func() { _ = l.Close() }, nil
	case errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("Another Redox Uploader window or command is saving the settings; try again in a moment. "+
			"(%s has been locked for more than %s.)", l.Path(), s.lockWait)
	default:
		return nil, fmt.Errorf("cannot lock the settings file (%s): %w", l.Path(), err)
	}
}

// write validates st (every profile, distinct names, a known active profile, a retention of
// 0 or more days, a known proxy mode and a proxy address without password) and replaces the
// file with it. The caller holds the lock.
func (s *SettingsStore) write(st Settings) error {
	saved := st
	saved.Profiles = slices.DeleteFunc(slices.Clone(st.Profiles), func(p Profile) bool { return p.BuiltIn })
	if saved.Profiles == nil {
		saved.Profiles = []Profile{}
	}
	if err := s.check(saved); err != nil {
		return err
	}
	if saved.Active != "" && !strings.EqualFold(saved.Active, SandboxProfileName) {
		if _, ok := saved.Profile(saved.Active); !ok {
			return fmt.Errorf("the selected profile %q does not exist; choose another one", saved.Active)
		}
	}
	if saved.RetentionDays < 0 {
		return errors.New("keep history for 0 days (forever) or more")
	}
	if _, err := saved.Network.Proxy(); err != nil { // the certificate file is checked by SaveNetwork
		return err
	}
	data, err := json.MarshalIndent(saved, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the settings: %w", err)
	}
	return WriteFileAtomic(s.path, append(data, '\n'), 0o600)
}

// Profile returns the profile named name, ignoring case.
func (st Settings) Profile(name string) (Profile, bool) {
	if i := st.index(name); i >= 0 {
		return st.Profiles[i], true
	}
	return Profile{}, false
}

func (st Settings) index(name string) int {
	return slices.IndexFunc(st.Profiles, func(p Profile) bool { return strings.EqualFold(p.Name, name) })
}

// PutProfile validates p and adds it, or replaces the profile of the same name (ignoring case)
// in place.
func (st *Settings) PutProfile(p Profile) error {
	if p.BuiltIn {
		return fmt.Errorf("the %s profile is built in and cannot be saved", p.Name)
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if i := st.index(p.Name); i >= 0 {
		if strings.EqualFold(st.Active, st.Profiles[i].Name) {
			st.Active = p.Name
		}
		st.Profiles[i] = p
		return nil
	}
	st.Profiles = append(st.Profiles, p)
	return nil
}

// RemoveProfile removes the profile named name (ignoring case) and reports whether there was
// one. If it was the selected profile, none is selected. Its keychain entries stay: remove them
// with Secrets.DeleteProfile.
func (st *Settings) RemoveProfile(name string) bool {
	i := st.index(name)
	if i < 0 {
		return false
	}
	if strings.EqualFold(st.Active, st.Profiles[i].Name) {
		st.Active = ""
	}
	st.Profiles = slices.Delete(st.Profiles, i, i+1)
	return true
}
