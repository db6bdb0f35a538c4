package app

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestDiagnosticsSafeToShare(t *testing.T) {
	r := newCoreRig(t)
	path := patientFile(t, "consent.pdf")
	r.upload(t, path, filepath.Join(filepath.Dir(path), "gone.pdf"))
	tok, _ := r.core.Secrets.TokenStore(r.profile).LoadToken()

	// A second profile with no secret stored, behind a manual proxy with a user name.
	other := NewProfile("Cardiology")
	other.APIKey = "cardiology-key"
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
		"gone.pdf", "[file]", r.core.LogDir()} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, d)
		}
	}
	for what, secret := range map[string]string{"the secret": r.demo.Secret, "the access token": tok.AccessToken,
		"the proxy password": "CANARY-proxy-pass", "the full path": path, "the patient's folder": "Jane-Doe-MRN-4471"} {
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
