package app

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func settingsTestStore(t *testing.T) *SettingsStore {
	t.Helper()
	return NewSettingsStore(filepath.Join(t.TempDir(), "config", "settings.json"))
}

func TestSettingsMissingFileGivesDefaults(t *testing.T) {
	st, err := settingsTestStore(t).Load()
	if err != nil {
		t.Fatal(err)
	}
	if !st.Notifications || st.AutoCopy || st.RetentionDays != 0 || len(st.Profiles) != 0 || st.Active != "" {
		t.Fatalf("defaults = %+v", st)
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	s := settingsTestStore(t)
	oauth := NewProfile("Cloud")
	oauth.Auth, oauth.ClientID, oauth.KeyID, oauth.Environment = AuthOAuth, "cid", "kid", EnvProduction
	oauth.MaxSize, oauth.Parallel = MaxAllowedSize, 8
	want := Settings{
		Profiles:      []Profile{validLegacyProfile(), oauth},
		Active:        "Cloud",
		AutoCopy:      true,
		Notifications: false,
		RetentionDays: 90,
	}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}

	// A file without the notifications field keeps the default (on).
	if err := os.WriteFile(s.Path(), []byte(`{"profiles":[],"autoCopy":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Load(); err != nil || !got.Notifications || !got.AutoCopy {
		t.Fatalf("partial file: %+v, %v", got, err)
	}
}

func TestSettingsFileIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix modes")
	}
	s := settingsTestStore(t)
	if err := s.Save(DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("settings file mode %v, want 0600", fi.Mode().Perm())
	}
	if li, err := os.Stat(s.Path() + ".lock"); err != nil || li.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v, %v; want mode 0600", li, err)
	}
	di, err := os.Stat(filepath.Dir(s.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("settings folder mode %v, want 0700", di.Mode().Perm())
	}
	// Saving again over a file someone loosened makes it private again.
	if err := os.Chmod(s.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(s.Path()); fi.Mode().Perm() != 0o600 {
		t.Errorf("after saving over a 0644 file: mode %v", fi.Mode().Perm())
	}
}

func TestSettingsSaveLeavesNoTempFiles(t *testing.T) {
	s := settingsTestStore(t)
	st := DefaultSettings()
	for i := range 5 {
		st.RetentionDays = i
		if err := s.Save(st); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(filepath.Dir(s.Path()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{"settings.json", "settings.json.lock"}) {
		t.Fatalf("folder holds %v, want only settings.json and its lock file", names)
	}
}

func TestSettingsInvalidJSONIsReportedAndKept(t *testing.T) {
	s := settingsTestStore(t)
	if err := os.MkdirAll(filepath.Dir(s.Path()), 0o700); err != nil {
		t.Fatal(err)
	}
	damaged := []byte("{\n  \"profiles\": [\n    {\"name\": \"A\",,}\n")
	if err := os.WriteFile(s.Path(), damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.Load()
	if err == nil {
		t.Fatal("a damaged file loaded")
	}
	var ipe *InvalidProfileError
	if errors.As(err, &ipe) {
		t.Fatal("a damaged file reported as an invalid profile")
	}
	for _, want := range []string{s.Path(), "damaged", "line 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if err := s.Save(DefaultSettings()); err == nil {
		t.Fatal("Save replaced a damaged file without a word")
	}
	called := false
	if err := s.Update(func(*Settings) error { called = true; return nil }); err == nil || called {
		t.Fatalf("Update of a damaged file: %v, fn called %v", err, called)
	}
	if got, _ := os.ReadFile(s.Path()); string(got) != string(damaged) {
		t.Fatalf("the damaged file changed: %q", got)
	}
}

func TestSettingsWrongShapeIsReportedPlainly(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"a list", "[]", "the file holds a list [ … ] where the settings, an object in braces {…}, belong (line 1)"},
		{"text", `"settings"`, "the file holds text where the settings"},
		{"profiles an object", "{\n  \"profiles\": {}\n}", `"profiles" holds an object { … } where a list [ … ] belongs (line 2)`},
		{"a name that is a number", `{"profiles": [{"name": 3}]}`, `"profiles.name" holds a number where text in quotes belongs`},
		{"retention in words", `{"retentionDays": "ninety"}`, `"retentionDays" holds text where a whole number belongs`},
		{"retention a fraction", `{"retentionDays": 1.5}`, `"retentionDays" holds the number 1.5 where a whole number belongs`},
		{"proxy mode a list", `{"network": {"proxyMode": ["none"]}}`, `"network.proxyMode" holds a list [ … ] where text in quotes belongs`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := settingsTestStore(t)
			if err := os.MkdirAll(filepath.Dir(s.Path()), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.Path(), []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.Load()
			if err == nil {
				t.Fatal("loaded")
			}
			msg := err.Error()
			for _, want := range []string{"the settings file " + s.Path() + " is not in the form Redox Uploader expects: ", tt.want, "move it away"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message lacks %q:\n%s", want, msg)
				}
			}
			for _, goWords := range []string{"Go ", "app.", "unmarshal", "int", "[]"} {
				if strings.Contains(msg, goWords) {
					t.Errorf("message shows Go's words %q:\n%s", goWords, msg)
				}
			}
			if err := s.Update(func(*Settings) error { return nil }); err == nil {
				t.Error("Update replaced a file of the wrong form")
			}
			if got, _ := os.ReadFile(s.Path()); string(got) != tt.file {
				t.Errorf("the file changed: %q", got)
			}
		})
	}
}

func TestSettingsInvalidProfilesAreReportedNotDropped(t *testing.T) {
	s := settingsTestStore(t)
	good := validLegacyProfile()
	bad := validLegacyProfile()
	bad.Name, bad.UploadURL = "Remote", "http://blob.example.com/upload"
	dup := validLegacyProfile()
	dup.Name = strings.ToUpper(good.Name)
	data, _ := json.Marshal(Settings{Profiles: []Profile{good, bad, dup}, Notifications: true})
	if err := os.MkdirAll(filepath.Dir(s.Path()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(), data, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := s.Load()
	if len(st.Profiles) != 3 {
		t.Fatalf("loaded %d profiles, want all 3", len(st.Profiles))
	}
	var ipe *InvalidProfileError
	if !errors.As(err, &ipe) || ipe.Profile != "Remote" || ipe.File != s.Path() {
		t.Fatalf("Load error = %v, want an *InvalidProfileError for Remote", err)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.Contains(ve.For("uploadUrl"), "Use https://") {
		t.Fatalf("the profile's own problems are not reachable: %v", err)
	}
	if !strings.Contains(err.Error(), "MAIN LAB") || !strings.Contains(err.Error(), "same name") {
		t.Fatalf("the duplicate is not reported: %v", err)
	}
}

func TestSettingsSaveRefuses(t *testing.T) {
	s := settingsTestStore(t)
	dup := validLegacyProfile()
	dup.Name = "main lab"
	bad := validLegacyProfile()
	bad.MaxSize = 0
	cases := map[string]Settings{
		"duplicate names":   {Profiles: []Profile{validLegacyProfile(), dup}},
		"invalid profile":   {Profiles: []Profile{bad}},
		"unknown active":    {Profiles: []Profile{validLegacyProfile()}, Active: "Nope"},
		"negative retained": {RetentionDays: -1},
	}
	for name, st := range cases {
		if err := s.Save(st); err == nil {
			t.Errorf("%s: saved", name)
		}
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused Save wrote the file: %v", err)
	}
	ok := Settings{Profiles: []Profile{validLegacyProfile()}, Active: "MAIN LAB"}
	if err := s.Save(ok); err != nil {
		t.Fatalf("active name in another case: %v", err)
	}
	if err := s.Save(Settings{Active: SandboxProfileName}); err != nil {
		t.Fatalf("the Sandbox as active profile: %v", err)
	}
}

func TestSettingsBuiltInProfileIsNeverSaved(t *testing.T) {
	s := settingsTestStore(t)
	sb := SandboxProfile("http://127.0.0.1:1/upload", "http://127.0.0.1:1")
	sb.APIKey = "demo"
	st := Settings{Profiles: []Profile{sb, validLegacyProfile()}}
	if err := st.PutProfile(sb); err == nil {
		t.Fatal("PutProfile took the built-in profile")
	}
	if err := s.Save(st); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load()
	if err != nil || len(got.Profiles) != 1 || got.Profiles[0].Name != "Main Lab" {
		t.Fatalf("loaded %+v, %v", got.Profiles, err)
	}
	if data, _ := os.ReadFile(s.Path()); strings.Contains(string(data), "Sandbox") {
		t.Fatalf("the file names the sandbox: %s", data)
	}
}

func TestSettingsPutAndRemoveProfile(t *testing.T) {
	st := DefaultSettings()
	a := validLegacyProfile()
	if err := st.PutProfile(a); err != nil {
		t.Fatal(err)
	}
	b := validLegacyProfile()
	b.Name = "Second"
	if err := st.PutProfile(b); err != nil {
		t.Fatal(err)
	}
	st.Active = "Main Lab"

	invalid := a
	invalid.Parallel = 0
	var ve *ValidationError
	if err := st.PutProfile(invalid); !errors.As(err, &ve) {
		t.Fatalf("PutProfile of an invalid profile: %v", err)
	}
	if p, _ := st.Profile("main lab"); p.Parallel != 3 {
		t.Fatal("a refused PutProfile changed the stored profile")
	}

	replaced := a
	replaced.Name, replaced.Parallel = "MAIN LAB", 5
	if err := st.PutProfile(replaced); err != nil {
		t.Fatal(err)
	}
	if len(st.Profiles) != 2 || st.Profiles[0].Parallel != 5 || st.Profiles[0].Name != "MAIN LAB" {
		t.Fatalf("replace by name ignoring case: %+v", st.Profiles)
	}
	if st.Active != "MAIN LAB" {
		t.Errorf("Active = %q after renaming the active profile's case", st.Active)
	}
	if p, ok := st.Profile("main lab"); !ok || p.Parallel != 5 {
		t.Fatalf("Profile ignoring case: %+v, %v", p, ok)
	}
	if _, ok := st.Profile("missing"); ok {
		t.Fatal("found a missing profile")
	}

	if !st.RemoveProfile("main lab") {
		t.Fatal("RemoveProfile found nothing")
	}
	if st.Active != "" {
		t.Errorf("Active = %q after removing it", st.Active)
	}
	if st.RemoveProfile("main lab") {
		t.Fatal("removed twice")
	}
	if len(st.Profiles) != 1 || st.Profiles[0].Name != "Second" {
		t.Fatalf("left %+v", st.Profiles)
	}
}

// TestSettingsHoldNoSecretFields: settings are written to disk, so no field that could hold a
// secret may appear in them, at any depth (a profile inside the list, the network settings).
func TestSettingsHoldNoSecretFields(t *testing.T) {
	// The check must find such a field wherever it is nested, or its silence proves nothing.
	type planted struct {
		Outer []map[string]*struct {
			Inner struct{ Token string }
		} `json:"outer"`
	}
	if got := secretishFields(reflect.TypeFor[planted]()); !slices.Equal(got, []string{"outer[][\"\"].Inner.Token"}) {
		t.Fatalf("the check found %q in a type with one nested secret field, want it", got)
	}
	for _, path := range secretishFields(reflect.TypeFor[Settings]()) {
		t.Errorf("settings field %s looks like it could hold a secret", path)
	}
}

// secretishFields lists the JSON paths of the fields under typ, at any depth, whose JSON name
// looks like it could hold a secret. Fields JSON leaves out (json:"-", unexported) are skipped.
func secretishFields(typ reflect.Type) []string {
	secretish := []string{"secret", "token", "password", "privatekey", "pem", "key"}
	// Not secrets: a legacy API key and an OAuth key ID are public halves, and extraCaPem holds
	// certificates to trust, which are public.
	allowed := map[string]bool{"apiKey": true, "keyId": true, "extraCaPem": true}
	var found []string
	var walk func(typ reflect.Type, path string, seen map[reflect.Type]bool)
	walk = func(typ reflect.Type, path string, seen map[reflect.Type]bool) {
		switch typ.Kind() {
		case reflect.Pointer:
			walk(typ.Elem(), path, seen)
			return
		case reflect.Slice, reflect.Array:
			walk(typ.Elem(), path+"[]", seen)
			return
		case reflect.Map:
			walk(typ.Elem(), path+`[""]`, seen)
			return
		case reflect.Struct:
		default:
			return
		}
		if seen[typ] {
			return
		}
		seen[typ] = true
		defer delete(seen, typ)
		for f := range typ.Fields() {
			tag := f.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				walk(f.Type, path, seen) // embedded: its fields are this struct's in JSON
				continue
			}
			if name == "" {
				name = f.Name
			}
			for _, s := range secretish {
				if strings.Contains(strings.ToLower(name), s) && !allowed[name] {
					found = append(found, strings.TrimPrefix(path+"."+name, "."))
					break
				}
			}
			walk(f.Type, path+"."+name, seen)
		}
	}
	walk(typ, "", map[reflect.Type]bool{})
	return found
}
