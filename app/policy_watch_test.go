package app

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// watchPolicy is a policy with the managed source Radiology holding extra, its watched
// folders and settle time as JSON members ("watchFolders": [...], ...).
func watchPolicy(extra string) string {
	return `{"sources": [{"name": "Radiology", "apiKey": "rad-key", ` + extra + `}]}`
}

// jsonList is folders as a JSON list.
func jsonList(t *testing.T, folders ...string) string {
	t.Helper()
	b, err := json.Marshal(folders)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPolicyWatchedFolders: a managed source's watched folders and settle time come from the
// policy, are in the effective settings (which the window's watchers and the command line
// read), and cannot be changed or emptied by the user; the user's own source keeps its
// folders under their control; diagnostics count the managed source's folders (no path); the policy's
// folders are never written into the user's settings file, nor changed through the effective
// settings handed out.
func TestPolicyWatchedFolders(t *testing.T) {
	scans, faxes := filepath.Join(t.TempDir(), "Scans"), filepath.Join(t.TempDir(), "Faxes")
	core := policyCore(t, watchPolicy(`"watchFolders": `+jsonList(t, scans, faxes)+`, "settleSeconds": 30`))
	if pol := core.Policy(); pol == nil || pol.Problem != nil {
		t.Fatalf("policy %+v: want it read without a problem", pol)
	}
	st, err := core.LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	rad, ok := st.Profile("Radiology")
	if !ok || !rad.Managed || !slices.Equal(rad.WatchFolders, []string{scans, faxes}) || rad.SettleSeconds != 30 {
		t.Fatalf("the effective Radiology is %+v; want managed, watching %q with a settle time of 30 s", rad, []string{scans, faxes})
	}
	rad.WatchFolders[0] = "changed by a caller"
	if again, _ := core.LoadSettings(); !slices.Equal(again.Profiles[0].WatchFolders, []string{scans, faxes}) {
		t.Errorf("a caller changing the effective settings' folders changed the policy's: %q", again.Profiles[0].WatchFolders)
	}
	rad.WatchFolders[0] = scans

	for what, change := range map[string]func(p *Profile){
		"adding a folder":     func(p *Profile) { p.WatchFolders = append(p.WatchFolders, filepath.Join(filepath.Dir(scans), "Mine")) },
		"removing a folder":   func(p *Profile) { p.WatchFolders = p.WatchFolders[:1] },
		"removing every one":  func(p *Profile) { p.WatchFolders = nil },
		"the settle time":     func(p *Profile) { p.SettleSeconds = 5 },
		"nothing, saved back": func(*Profile) {},
	} {
		p := rad
		p.WatchFolders = slices.Clone(rad.WatchFolders)
		change(&p)
		_, err := core.SaveProfile(p, SaveProfileOptions{Replace: true})
		if !errors.Is(err, ErrSetByOrganisation) || !strings.Contains(err.Error(), `The source "Radiology" is set by your organisation`) {
			t.Errorf("%s on the managed source: %v; want the organisation's refusal", what, err)
		}
	}

	mine := NewProfile("Ward 7")
	mine.APIKey, mine.WatchFolders, mine.SettleSeconds = "own-key", []string{filepath.Join(filepath.Dir(faxes), "Own faxes")}, 2
	if _, err := core.SaveProfile(mine, SaveProfileOptions{}); err != nil {
		t.Fatalf("the user's own source with a watched folder: %v", err)
	}
	mine.WatchFolders = nil
	if _, err := core.SaveProfile(mine, SaveProfileOptions{Replace: true}); err != nil {
		t.Fatalf("the user removing their own source's folder: %v", err)
	}
	mine.WatchFolders = []string{scans}
	var v *ValidationError
	if _, err := core.SaveProfile(mine, SaveProfileOptions{Replace: true}); !errors.As(err, &v) || !strings.Contains(err.Error(), `already watched for the source "Radiology"`) {
		t.Fatalf("the user adding the managed source's folder to their own: %v; want it refused, naming Radiology", err)
	}
	mine.WatchFolders = []string{filepath.Join(filepath.Dir(scans), "Mine")}
	if _, err := core.SaveProfile(mine, SaveProfileOptions{Replace: true}); err != nil {
		t.Fatalf("the user adding a folder to their own source: %v", err)
	}

	if st, err = core.LoadSettings(); err != nil {
		t.Fatal(err)
	}
	if rad, _ := st.Profile("Radiology"); !slices.Equal(rad.WatchFolders, []string{scans, faxes}) || rad.SettleSeconds != 30 {
		t.Errorf("after the refusals Radiology watches %q, settle %d; want the policy's", rad.WatchFolders, rad.SettleSeconds)
	}
	if w, _ := st.Profile("Ward 7"); !slices.Equal(w.WatchFolders, mine.WatchFolders) || w.Managed {
		t.Errorf("the user's own source %+v; want it watching %s, the user's", w, mine.WatchFolders)
	}
	saved, err := core.Settings.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.Profiles) != 1 || saved.Profiles[0].Name != "Ward 7" {
		t.Errorf("the user's settings file holds %+v; want the user's own source alone", saved.Profiles)
	}
	diag := core.Diagnostics("test")
	if want := "Radiology watches 2 folders (settle time 30 s)"; !strings.Contains(diag, want) || strings.Contains(diag, scans) {
		t.Errorf("diagnostics lack %q, or name a folder (they name no path):\n%s", want, diag)
	}
}

// TestPolicyWatchedFoldersRefused: watched folders or a settle time a user could not save are
// refused in the policy too, with the user's own words and the name of the policy value to
// fix; the source is not used and users cannot put one of their own in its place. A value of
// the wrong kind says what is expected. The registry spells the names as the templates do.
func TestPolicyWatchedFoldersRefused(t *testing.T) {
	scans := filepath.Join(t.TempDir(), "Scans")
	for _, tc := range []struct {
		name, members string
		want          string // in the problem, after `source "Radiology": `
	}{
		{"a relative folder", `"watchFolders": ["Scans"]`, "watchFolders: Choose the folder Scans again: a watched folder needs its full path"},
		{"an empty folder", `"watchFolders": [""]`, "watchFolders: Remove the empty folder from the list."},
		{"a folder twice", `"watchFolders": ` + jsonList(t, scans, scans+string(filepath.Separator)), "watchFolders: The folder " + scans + string(filepath.Separator) + " is listed twice"},
		{"a control character", `"watchFolders": ` + jsonList(t, scans+"\t"), "watchFolders: Remove line breaks, tabs and other control characters"},
		{"an environment variable", `"watchFolders": ["$HOME/Scans"]`, "watchFolders: Choose the folder $HOME/Scans again"},
		{"a settle time too long", `"watchFolders": ` + jsonList(t, scans) + `, "settleSeconds": 601`, "settleSeconds: Set the settle time between 1 and 600 seconds."},
		{"one folder as text", `"watchFolders": ` + jsonList(t, scans)[1:len(jsonList(t, scans))-1], `watchFolders: a list of texts in brackets`},
		{"a list of numbers", `"watchFolders": [1, 2]`, `watchFolders: a list of texts in brackets`},
		{"a settle time as text", `"settleSeconds": "30"`, "settleSeconds: a whole number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Policy{}
			if err := parsePolicyJSON(p, []byte(watchPolicy(tc.members))); err != nil {
				t.Fatal(err)
			}
			checkRefusedSource(t, p, `source "Radiology": `+tc.want)
		})
	}

	t.Run("in the registry", func(t *testing.T) {
		p := &Policy{}
		readPolicy(p, registryLike{jsonPolicy: jsonPolicy{}, slots: []namedReader{{key: "1", r: registryLike{jsonPolicy: jsonPolicy{
			"Name": []byte(`"Radiology"`), "ApiKey": []byte(`"k"`), "WatchFolders": []byte(`["Scans"]`)}}}}})
		checkRefusedSource(t, p, `source "Radiology": WatchFolders: Choose the folder Scans again`)
	})
}

// checkRefusedSource: p's problem says want, Radiology is not among its sources, and users'
// own sources are locked (none can take its place).
func checkRefusedSource(t *testing.T, p *Policy, want string) {
	t.Helper()
	if p.Problem == nil || !strings.Contains(p.Problem.Error(), want) {
		t.Errorf("problem %v; want it to say %q", p.Problem, want)
	}
	if _, ok := p.ManagedSource("Radiology"); ok {
		t.Error("the source that does not validate is used")
	}
	if !p.UserSourcesLocked() {
		t.Error("users may add sources in place of the one that could not be read")
	}
}

// registryLike reads a JSON object as the registry reader does: names spelt as the templates
// write them, a managed source per key under Sources.
type registryLike struct {
	jsonPolicy
	slots []namedReader
}

func (r registryLike) sources() ([]namedReader, error) { return r.slots, nil }
func (r registryLike) label(name string) string        { return name }

// TestPolicyWatchedFoldersRegistryLayout: a Group Policy slot (Sources\1) with WatchFolders
// (REG_MULTI_SZ, read as a list) and SettleSeconds (REG_DWORD) gives the source those folders;
// a slot without them watches nothing, with the default settle time.
func TestPolicyWatchedFoldersRegistryLayout(t *testing.T) {
	scans, faxes := filepath.Join(t.TempDir(), "Scans"), filepath.Join(t.TempDir(), "Faxes")
	p := &Policy{}
	readPolicy(p, registryLike{jsonPolicy: jsonPolicy{}, slots: []namedReader{
		{key: "1", r: registryLike{jsonPolicy: jsonPolicy{"Name": []byte(`"Radiology"`), "ApiKey": []byte(`"k"`),
			"WatchFolders": []byte(jsonList(t, scans, faxes)), "SettleSeconds": []byte(`12`)}}},
		{key: "2", r: registryLike{jsonPolicy: jsonPolicy{"Name": []byte(`"Cardiology"`), "ApiKey": []byte(`"k"`)}}},
	}})
	if p.Problem != nil {
		t.Fatalf("problem: %v", p.Problem)
	}
	rad, _ := p.ManagedSource("Radiology")
	if !slices.Equal(rad.WatchFolders, []string{scans, faxes}) || rad.SettleSeconds != 12 {
		t.Errorf("Radiology watches %q, settle %d s; want %q, 12 s", rad.WatchFolders, rad.SettleSeconds, []string{scans, faxes})
	}
	card, _ := p.ManagedSource("Cardiology")
	if len(card.WatchFolders) != 0 || card.WatchSettle() != DefaultWatchSettle {
		t.Errorf("Cardiology watches %q, settle %v; want nothing, the default", card.WatchFolders, card.WatchSettle())
	}
}
