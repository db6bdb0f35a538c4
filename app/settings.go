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
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"redoxuploader/internal/smallfile"
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
	return fmt.Sprintf("source %q in %s: %v", e.Profile, e.File, e.Err)
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
	lockWait time.Duration   // how long Update waits for the lock
	defaults func() Settings // what a missing file or setting is; the policy's defaults (Policy.defaults)
}

// NewSettingsStore returns a store for the settings file at path (see Paths.SettingsFile).
func NewSettingsStore(path string) *SettingsStore {
	return &SettingsStore{path: path, lockWait: settingsLockWait, defaults: DefaultSettings}
}

// Path is the settings file.
func (s *SettingsStore) Path() string { return s.path }

// MaxSettingsFileSize caps the settings file. Settings with a hundred sources take some 50 KB
// and pasted certificates at most MaxCertificatesSize, so 8 MB holds any real one; a bigger
// file is not one Redox Uploader wrote, and is refused instead of read into memory.
const MaxSettingsFileSize = 8 << 20

// Load reads the settings. A missing file gives DefaultSettings. A file that is not valid JSON,
// not of the settings' form, not a regular file or larger than MaxSettingsFileSize is an error
// naming the file, and the file is left as it is (Update refuses to replace it too).
// Load takes no lock: the file is only ever replaced whole, so it always reads a whole one.
// Profiles that fail validation are all returned, with an error joining one
// *InvalidProfileError for each.
func (s *SettingsStore) Load() (Settings, error) {
	data, err := smallfile.Read(s.path, "the settings file", MaxSettingsFileSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s.defaults(), nil
	case errors.Is(err, smallfile.ErrTooLarge), errors.Is(err, smallfile.ErrNotRegular):
		return DefaultSettings(), fmt.Errorf("%w. %s", err, keepAdvice)
	case err != nil:
		return DefaultSettings(), err
	}
	st, err := s.decode(data)
	if err != nil {
		return DefaultSettings(), err
	}
	return st, s.check(st)
}

// keepAdvice ends the message of a settings file that cannot be used.
const keepAdvice = "Fix it or move it away (Redox Uploader then starts without saved sources); Redox Uploader will not overwrite it"

func (s *SettingsStore) decode(data []byte) (Settings, error) {
	st := s.defaults()
	if err := json.Unmarshal(data, &st); err != nil {
		var (
			syn   *json.SyntaxError
			shape *json.UnmarshalTypeError
		)
		switch {
		case errors.As(err, &shape):
			return DefaultSettings(), fmt.Errorf("the settings file %s is not in the form Redox Uploader expects: %s (line %d). %s",
				s.path, shapeProblem(shape), lineAt(data, shape.Offset), keepAdvice)
		case errors.As(err, &syn):
			return DefaultSettings(), fmt.Errorf("the settings file %s is damaged (line %d): %v. %s", s.path, lineAt(data, syn.Offset), err, keepAdvice)
		}
		return DefaultSettings(), fmt.Errorf("the settings file %s is damaged: %v. %s", s.path, err, keepAdvice)
	}
	if st.Profiles == nil {
		st.Profiles = []Profile{}
	}
	for i := range st.Profiles {
		st.Profiles[i].BuiltIn = false // never from a file
	}
	return st, nil
}

// lineAt is the line number of byte offset in data.
func lineAt(data []byte, offset int64) int {
	return 1 + bytes.Count(data[:min(max(int(offset), 0), len(data))], []byte("\n"))
}

// shapeProblem says where the settings file holds the wrong kind of value, in JSON's words,
// never Go's type names: "retentionDays" holds text where a whole number belongs.
func shapeProblem(e *json.UnmarshalTypeError) string {
	found := jsonValueWords(e.Value)
	if e.Field == "" {
		return "the file holds " + found + " where the settings, an object in braces {…}, belong"
	}
	want := "another kind of value"
	if e.Type != nil {
		want = jsonKindWords(e.Type.Kind())
	}
	return fmt.Sprintf("%q holds %s where %s belongs", e.Field, found, want)
}

// jsonValueWords names a JSON value as encoding/json reports it ("array", "number 1.5").
func jsonValueWords(v string) string {
	switch {
	case v == "array":
		return "a list [ … ]"
	case v == "object":
		return "an object { … }"
	case v == "string":
		return "text"
	case v == "bool":
		return "true or false"
	case v == "number":
		return "a number"
	case strings.HasPrefix(v, "number "):
		return "the number " + strings.TrimPrefix(v, "number ")
	}
	return "a value of the wrong kind"
}

// jsonKindWords names what a field of kind k holds, in JSON's terms.
func jsonKindWords(k reflect.Kind) string {
	switch k {
	case reflect.Struct, reflect.Map:
		return "an object { … }"
	case reflect.Slice, reflect.Array:
		return "a list [ … ]"
	case reflect.String:
		return "text in quotes"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another kind of value"
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
				Err: errors.New("another source has the same name (names must differ, ignoring upper and lower case); rename one")})
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
		return nil, Sentencef("Another Redox Uploader window or command is saving the settings; try again in a moment. "+
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
			return fmt.Errorf("the selected source %q does not exist; choose another one", saved.Active)
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
		return fmt.Errorf("the %s source is built in and cannot be saved", p.Name)
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
