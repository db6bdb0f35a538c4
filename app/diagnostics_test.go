package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"redoxuploader/internal/visible"
)

func TestDiagnosticsSafeToShare(t *testing.T) {
	r := newCoreRig(t)
	path := patientFile(t, "consent.pdf")
	r.upload(t, path, filepath.Join(filepath.Dir(path), "gone.pdf"))
	tok, _ := r.core.Secrets.TokenStore(r.profile).LoadToken()

	// A second profile with no secret stored, behind a manual proxy with a user name.
	other := NewProfile("Cardiology")
	other.APIKey = "cardiology-key"
	watched := filepath.Join(filepath.Dir(path), "Scans Jane-Doe-MRN-4471")
	other.WatchFolders, other.SettleSeconds = []string{watched}, 7
	st, err := r.core.LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutProfile(other); err != nil {
		t.Fatal(err)
	}
	st.Network = NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://svc-upload@proxy.example.org:3128"}
	if err := r.core.Settings.Save(st); err != nil {
		t.Fatal(err)
	}
	if err := r.core.Secrets.SetProxyPassword("CANARY-proxy-pass"); err != nil {
		t.Fatal(err)
	}

	d := r.core.Diagnostics("1.2.3-test")
	t.Log(d)
	for _, want := range []string{"Version: 1.2.3-test", runtime.GOOS + "/" + runtime.GOARCH, runtime.Version(),
		"History: 2 rows", "done 1", "failed 1",
		"- Radiology Night Desk", "API secret: stored", "- Cardiology", "API secret: not stored",
		"sign-in legacy", "upload host blob.redoxengine.com", "size limit 10 MB, 3 at once",
		"proxy manual (", "proxy.example.org:3128", "extra trusted certificates: none",
		"gone.pdf", "[file]", r.core.LogDir(), "watches 1 folder (settle time 7 s)"} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, d)
		}
	}
	for what, secret := range map[string]string{"the secret": r.demo.Secret, "the access token": tok.AccessToken,
		"the proxy password": "CANARY-proxy-pass", "the full path": path, "the patient's folder": "Jane-Doe-MRN-4471",
		"the watched folder": watched} {
		if secret != "" && strings.Contains(d, secret) {
			t.Errorf("diagnostics contain %s:\n%s", what, d)
		}
	}
}

func TestDiagnosticsKeychainUnavailable(t *testing.T) {
	r := newCoreRig(t)
	keyring.MockInitWithError(keyring.ErrUnsupportedPlatform)
	t.Cleanup(keyring.MockInit)
	d := r.core.Diagnostics("")
	if !strings.Contains(d, "API secret: keychain unavailable") || !strings.Contains(d, "Version: unknown") ||
		!strings.Contains(d, "Last failed uploads: none") {
		t.Errorf("diagnostics:\n%s", d)
	}
}

// TestDiagnosticsShowsHiddenCharacters: a failed file and a saved source whose names hold a
// right-to-left override or a zero-width space are listed with those characters escaped.
func TestDiagnosticsShowsHiddenCharacters(t *testing.T) {
	r := newCoreRig(t)
	dir := t.TempDir()
	r.upload(t, filepath.Join(dir, "rtl\u202efdp.exe"))
	st, err := r.core.LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	hidden := NewProfile("Cardio\u200blogy")
	hidden.APIKey = "key"
	st.Profiles = append(st.Profiles, hidden) // as a hand-edited file may hold it: Validate refuses the name
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.core.Paths.SettingsFile(), data, 0o600); err != nil {
		t.Fatal(err)
	}

	d := r.core.Diagnostics("")
	for _, want := range []string{"rtl<U+202E>fdp.exe", "- Cardio<U+200B>logy", "problem: "} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, d)
		}
	}
	if i := strings.IndexFunc(d, func(r rune) bool { return r != '\n' && visible.Hidden(r) }); i >= 0 {
		t.Errorf("diagnostics hold a hidden character at byte %d:\n%s", i, d)
	}
}
