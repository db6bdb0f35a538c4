package ui

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"redoxuploader/app"
	"redoxuploader/client"
)

const secretCanary = "canary-S3cr3t-7f2a9c"

// openSettingsForTest opens the settings dialog (on a new source with newSource) and waits
// until it has read the settings.
func openSettingsForTest(t *testing.T, tu *testUI, newSource bool) *settingsView {
	t.Helper()
	var v *settingsView
	fyne.DoAndWait(func() { v = tu.openSettings(newSource) })
	if v == nil {
		t.Fatal("the settings did not open")
	}
	v.settle()
	return v
}

// do runs fn on the Fyne goroutine, then waits for the work it started (settle).
func (v *settingsView) do(fn func()) {
	fyne.DoAndWait(fn)
	v.settle()
}

// settle waits for the work started by run and then for the fyne.Do callbacks it queued, so
// the widgets show its outcome.
func (v *settingsView) settle() {
	v.wait()
	flushUI()
}

// fillLegacy fills a new-source form for API key sign-in.
func fillLegacy(f *profileForm, name, apiKey, secret, uploadURL, apiBase string) {
	fyne.DoAndWait(func() {
		f.name.SetText(name)
		f.auth.SetSelected(app.AuthLegacy.Label())
		f.apiKey.SetText(apiKey)
		f.apiSecret.SetText(secret)
		f.uploadURL.SetText(uploadURL)
		f.apiBase.SetText(apiBase)
	})
}

// errorBeside is what the form shows under field key ("" when nothing).
func errorBeside(f *profileForm, key string) string {
	var s string
	fyne.DoAndWait(func() {
		if e := f.errs[key]; e != nil && e.Visible() {
			s = e.Text
		}
	})
	return s
}

// settingsButton finds the button labelled text in o's laid-out tree.
func settingsButton(o fyne.CanvasObject, text string) *widget.Button {
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text {
			return b
		}
		if b, ok := obj.(*keyButton); ok && b.Text == text { // a dialog's (dialog_keys.go)
			return &b.Button
		}
	}
	return nil
}

// settingsOverlayTexts is the text of every label and title in the dialogs over the window.
func settingsOverlayTexts(tu *testUI) string {
	var sb strings.Builder
	fyne.DoAndWait(func() {
		for _, o := range tu.win.Canvas().Overlays().List() {
			for _, obj := range test.LaidOutObjects(o) {
				if l, ok := obj.(*widget.Label); ok {
					sb.WriteString(l.Text + "\n")
				}
			}
		}
	})
	return sb.String()
}

func savedSettings(t *testing.T, tu *testUI) app.Settings {
	t.Helper()
	st, err := tu.core.LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// assertNowhereOnDisk fails if needle is in any file under the app's folders or in Fyne's
// preferences. Each scan must first find a value planted where it looks, so a scan that reads
// nothing cannot pass.
func assertNowhereOnDisk(t *testing.T, tu *testUI, needle string) {
	t.Helper()
	const planted = "planted-scan-control-5e1b"
	if _, err := os.Stat(tu.core.Settings.Path()); err != nil {
		t.Fatalf("the settings file was not written: %v", err)
	}
	dirs := []string{tu.core.Paths.Config, tu.core.Paths.Data}
	for _, dir := range dirs {
		path := filepath.Join(dir, "scan-control.txt")
		if err := os.WriteFile(path, []byte(planted), 0o600); err != nil {
			t.Fatal(err)
		}
		found := filesHolding(t, dirs, planted)
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(found, path) {
			t.Fatalf("the scan did not find the value planted in %s (found it in %v)", path, found)
		}
	}
	if found := filesHolding(t, dirs, needle); len(found) > 0 {
		t.Errorf("the secret is in %v", found)
	}

	prefs := tu.app.Preferences()
	lister, ok := prefs.(interface{ ReadValues(func(map[string]any)) })
	if !ok {
		t.Fatal("the test app's preferences cannot be listed")
	}
	allPrefs := func() (s string) {
		lister.ReadValues(func(values map[string]any) { s = fmt.Sprint(values) })
		return s
	}
	prefs.SetString("scan-control", planted)
	seen := strings.Contains(allPrefs(), planted)
	prefs.RemoveValue("scan-control")
	if !seen {
		t.Fatal("the preferences scan did not find the value planted in them")
	}
	if s := allPrefs(); strings.Contains(s, needle) {
		t.Errorf("the secret is in the preferences: %s", s)
	}
}

// filesHolding lists the regular files under dirs whose bytes contain needle. A folder or file
// that cannot be read fails the test: what is not read is not checked.
func filesHolding(t *testing.T, dirs []string, needle string) []string {
	t.Helper()
	var found []string
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			b, err := os.ReadFile(path)
			if bytes.Contains(b, []byte(needle)) {
				found = append(found, path)
			}
			return err
		})
		if err != nil {
			t.Fatalf("scanning %s: %v", dir, err)
		}
	}
	return found
}

func TestSettingsAddSourceStoresSecretOnlyInKeychain(t *testing.T) {
	tu := newTestUI(t, false)
	v := openSettingsForTest(t, tu, true)
	f := v.form
	fillLegacy(f, "Radiology", "key-123", "  "+secretCanary+"\n", client.DefaultUploadURL, client.DefaultAPIBase)
	fyne.DoAndWait(func() {
		f.environment.SetSelected(string(app.EnvProduction))
		f.maxSize.SetText("30")
		f.parallel.SetSelected("5")
	})
	fyne.DoAndWait(func() {
		if !f.production.Visible() {
			t.Error("Production is not marked in the form")
		}
	})
	v.do(f.onSave)

	st := savedSettings(t, tu)
	if len(st.Profiles) != 1 {
		t.Fatalf("profiles %+v", st.Profiles)
	}
	p := st.Profiles[0]
	if p.Name != "Radiology" || p.APIKey != "key-123" || p.Environment != app.EnvProduction || p.Auth != app.AuthLegacy ||
		p.MaxSize != app.MaxAllowedSize || p.Parallel != 5 {
		t.Errorf("saved %+v", p)
	}
	if got, err := tu.core.Secrets.Secret(p); err != nil || got != secretCanary {
		t.Errorf("keychain holds %q, %v", got, err)
	}
	assertNowhereOnDisk(t, tu, secretCanary)
	fyne.DoAndWait(func() {
		if top := tu.win.Canvas().Overlays().Top(); top != nil {
			t.Error("the dialog opened on a new source is still open after Save")
		}
		if len(tu.sources.profiles) != 1 || tu.sources.profiles[0].Name != "Radiology" {
			t.Errorf("the source picker lists %+v", tu.sources.profiles)
		}
	})
}

func TestSettingsInvalidUploadURLShownBesideField(t *testing.T) {
	tu := newTestUI(t, false)
	v := openSettingsForTest(t, tu, false)
	v.do(v.sources.onAdd)
	f := v.form
	fillLegacy(f, "Cardiology", "key-1", secretCanary, "http://example.com/upload", client.DefaultAPIBase)
	v.do(f.onSave)

	if got := errorBeside(f, "uploadUrl"); !strings.Contains(got, "https://") {
		t.Errorf("beside the upload address: %q", got)
	}
	for _, key := range []string{"name", "apiKey", "secret/legacy", "apiBase", "maxSize", "parallel"} {
		if got := errorBeside(f, key); got != "" {
			t.Errorf("beside %s: %q", key, got)
		}
	}
	fyne.DoAndWait(func() {
		if !f.summary.Visible() || !strings.Contains(f.summary.Text, "marked in red") {
			t.Errorf("summary %q", f.summary.Text)
		}
		if v.form != f {
			t.Error("the form closed")
		}
	})
	if st := savedSettings(t, tu); len(st.Profiles) != 0 {
		t.Errorf("saved %+v", st.Profiles)
	}
	if _, err := tu.core.Secrets.Secret(app.NewProfile("Cardiology")); !errors.Is(err, app.ErrSecretNotFound) {
		t.Errorf("keychain: %v", err)
	}

	// Fixing the field clears its message and saves.
	fyne.DoAndWait(func() { f.uploadURL.SetText(client.DefaultUploadURL) })
	if got := errorBeside(f, "uploadUrl"); got != "" {
		t.Errorf("the message stayed after the change: %q", got)
	}
	v.do(f.onSave)
	if st := savedSettings(t, tu); len(st.Profiles) != 1 {
		t.Errorf("not saved after the fix: %+v", st.Profiles)
	}
	fyne.DoAndWait(func() {
		if v.form != nil || len(v.sources.profiles) != 1 {
			t.Errorf("back on the list? form %v, list %+v", v.form != nil, v.sources.profiles)
		}
	})
}

func TestSettingsFormFieldProblems(t *testing.T) {
	existing := app.NewProfile("Radiology")
	existing.APIKey = "key-1"
	tu := newTestUI(t, false, existing)
	v := openSettingsForTest(t, tu, false)

	for _, tc := range []struct {
		name  string
		fill  func(f *profileForm)
		key   string
		wants string
	}{
		{"duplicate name, other case", func(f *profileForm) { f.name.SetText("radiology") }, "name", "already called “Radiology”"},
		{"no secret", func(f *profileForm) { f.apiSecret.SetText("") }, "secret/legacy", "Enter the API secret"},
		{"secret with spaces", func(f *profileForm) { f.apiSecret.SetText("two words") }, "secret/legacy", "one word"},
		{"size over 30", func(f *profileForm) { f.maxSize.SetText("31") }, "maxSize", "at most 30"},
		{"size not a number", func(f *profileForm) { f.maxSize.SetText("ten") }, "maxSize", "number"},
		{"no client ID", func(f *profileForm) {
			f.auth.SetSelected(app.AuthOAuth.Label())
			f.keyID.SetText("kid-1")
			f.privateKey.SetText("x")
		}, "clientId", "client ID"},
		{"reserved name", func(f *profileForm) { f.name.SetText("Sandbox") }, "name", "built-in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v.do(v.sources.onAdd)
			f := v.form
			fillLegacy(f, "Pathology", "key-2", secretCanary, client.DefaultUploadURL, client.DefaultAPIBase)
			fyne.DoAndWait(func() { tc.fill(f) })
			v.do(f.onSave)
			if got := errorBeside(f, tc.key); !strings.Contains(got, tc.wants) {
				t.Errorf("beside %s: %q, want %q", tc.key, got, tc.wants)
			}
			if strings.Contains(errorBeside(f, tc.key), secretCanary) {
				t.Error("the message quotes the secret")
			}
			if st := savedSettings(t, tu); len(st.Profiles) != 1 {
				t.Errorf("profiles now %+v", st.Profiles)
			}
			v.do(f.onCancel)
		})
	}
	if _, err := tu.core.Secrets.Secret(app.NewProfile("Pathology")); !errors.Is(err, app.ErrSecretNotFound) {
		t.Errorf("a secret was stored for a source that was not saved: %v", err)
	}
}

func TestSettingsEditKeepsStoredSecret(t *testing.T) {
	p := app.NewProfile("Radiology")
	p.APIKey = "key-1"
	tu := newTestUI(t, false, p)
	if err := tu.core.Secrets.SetSecret(p, "old-"+secretCanary); err != nil {
		t.Fatal(err)
	}
	v := openSettingsForTest(t, tu, false)
	fyne.DoAndWait(func() {
		if len(v.sources.profiles) != 1 {
			t.Fatalf("list %+v", v.sources.profiles)
		}
	})
	v.do(func() { v.sources.onEdit(v.sources.profiles[0]) })
	f := v.form
	fyne.DoAndWait(func() {
		if f.apiSecret.Text != "" || f.apiSecret.PlaceHolder != "Stored in the keychain — type to replace" {
			t.Errorf("secret field %q, placeholder %q", f.apiSecret.Text, f.apiSecret.PlaceHolder)
		}
		if f.errs["name"] != nil {
			t.Error("the name of a saved source is offered for editing")
		}
		f.name.SetText("Renamed") // not shown; must not rename the source anyway
		f.parallel.SetSelected("8")
	})
	v.do(f.onSave)

	st := savedSettings(t, tu)
	if len(st.Profiles) != 1 || st.Profiles[0].Parallel != 8 || st.Profiles[0].Name != "Radiology" {
		t.Fatalf("saved %+v", st.Profiles)
	}
	if got, err := tu.core.Secrets.Secret(st.Profiles[0]); err != nil || got != "old-"+secretCanary {
		t.Errorf("keychain holds %q, %v", got, err)
	}

	// Changing the sign-in method needs the new method's secret.
	v.do(func() { v.sources.onEdit(v.sources.profiles[0]) })
	f = v.form
	fyne.DoAndWait(func() {
		f.auth.SetSelected(app.AuthToken.Label())
		if f.cells["apiKey"].Visible() || !f.cells["secret/token"].Visible() {
			t.Error("the fields shown do not follow the sign-in method")
		}
	})
	v.do(f.onSave)
	if got := errorBeside(f, "secret/token"); !strings.Contains(got, "previous sign-in method") {
		t.Errorf("beside the token: %q", got)
	}
	fyne.DoAndWait(func() { f.token.SetText("Bearer tok-" + secretCanary) })
	v.do(f.onSave)
	st = savedSettings(t, tu)
	if st.Profiles[0].Auth != app.AuthToken || st.Profiles[0].APIKey != "" {
		t.Errorf("saved %+v", st.Profiles[0])
	}
	if got, _ := tu.core.Secrets.Secret(st.Profiles[0]); got != "tok-"+secretCanary {
		t.Errorf("keychain holds %q", got)
	}
	assertNowhereOnDisk(t, tu, secretCanary)
}

func TestSettingsEditShowsMissingSecret(t *testing.T) {
	p := app.NewProfile("Radiology")
	p.APIKey = "key-1"
	tu := newTestUI(t, false, p)
	v := openSettingsForTest(t, tu, false)
	v.do(func() { v.sources.onEdit(v.sources.profiles[0]) })
	f := v.form
	fyne.DoAndWait(func() {
		if !strings.HasPrefix(f.apiSecret.PlaceHolder, "Not stored yet") {
			t.Errorf("placeholder %q", f.apiSecret.PlaceHolder)
		}
	})
	v.do(f.onSave)
	if got := errorBeside(f, "secret/legacy"); got != "Enter the API secret." {
		t.Errorf("beside the secret: %q", got)
	}
}

func TestSettingsRemoveDeletesProfileAndSecret(t *testing.T) {
	keep, gone := app.NewProfile("Cardiology"), app.NewProfile("Radiology")
	keep.APIKey, gone.APIKey = "key-1", "key-2"
	tu := newTestUI(t, false, keep, gone)
	for _, p := range []app.Profile{keep, gone} {
		if err := tu.core.Secrets.SetSecret(p, "secret-of-"+p.Name); err != nil {
			t.Fatal(err)
		}
	}
	v := openSettingsForTest(t, tu, false)
	v.do(func() { v.sources.onRemove(gone) })

	// The question comes first; nothing is removed until it is answered.
	if st := savedSettings(t, tu); len(st.Profiles) != 2 {
		t.Fatalf("removed before the confirmation: %+v", st.Profiles)
	}
	if got := settingsOverlayTexts(tu); strings.Contains(got, "still waiting") {
		t.Errorf("with nothing in flight, the confirmation says:\n%s", got)
	}
	var yes *widget.Button
	fyne.DoAndWait(func() { yes = settingsButton(tu.win.Canvas().Overlays().Top(), "Remove") })
	if yes == nil {
		t.Fatal("no confirmation with a Remove button")
	}
	v.do(func() { test.Tap(yes) })

	st := savedSettings(t, tu)
	if len(st.Profiles) != 1 || st.Profiles[0].Name != "Cardiology" {
		t.Errorf("profiles %+v", st.Profiles)
	}
	if _, err := tu.core.Secrets.Secret(gone); !errors.Is(err, app.ErrSecretNotFound) {
		t.Errorf("the removed source's secret: %v", err)
	}
	if got, err := tu.core.Secrets.Secret(keep); err != nil || got != "secret-of-Cardiology" {
		t.Errorf("the other source's secret: %q, %v", got, err)
	}
	fyne.DoAndWait(func() {
		if len(v.sources.profiles) != 1 || len(tu.sources.profiles) != 1 {
			t.Errorf("still listed: settings %d, picker %d", len(v.sources.profiles), len(tu.sources.profiles))
		}
	})
}

func TestSettingsTestConnection(t *testing.T) {
	sb, err := app.StartSandbox("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	tu := newTestUI(t, false)
	v := openSettingsForTest(t, tu, false)

	for _, tc := range []struct {
		name       string
		fill       func(f *profileForm)
		ok         bool
		wants      string
		notWanting string
	}{
		{"legacy", func(f *profileForm) {
			f.apiKey.SetText(sb.Demo.APIKey)
			f.apiSecret.SetText(sb.Demo.Secret)
		}, true, "Signed in. The token is valid until ", ""},
		{"legacy, wrong secret", func(f *profileForm) {
			f.apiKey.SetText(sb.Demo.APIKey)
			f.apiSecret.SetText("wrong-" + secretCanary)
		}, false, "", secretCanary},
		{"oauth", func(f *profileForm) {
			f.auth.SetSelected(app.AuthOAuth.Label())
			f.clientID.SetText(sb.Demo.ClientID)
			f.keyID.SetText(sb.Demo.KeyID)
			f.privateKey.SetText(string(sb.Demo.PrivateKeyPEM))
		}, true, "Signed in. The token is valid until ", "BEGIN"},
		{"token", func(f *profileForm) {
			f.auth.SetSelected(app.AuthToken.Label())
			f.token.SetText(sb.Demo.Token)
		}, true, "checks it at the first upload", sb.Demo.Token},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v.do(v.sources.onAdd)
			f := v.form
			fillLegacy(f, "Local stand-in", "", "", sb.UploadURL(), sb.APIBase())
			fyne.DoAndWait(func() { tc.fill(f) })
			v.do(f.onTest)

			var text, info string
			var imp widget.Importance
			var running bool
			fyne.DoAndWait(func() {
				text, info, imp, running = f.testResult.Text, f.testInfo.Text, f.testResult.Importance, f.testing.Visible()
			})
			if running {
				t.Error("the progress indicator is still showing")
			}
			if tc.ok != (imp == widget.SuccessImportance) || !strings.Contains(text, tc.wants) {
				t.Errorf("result %q (importance %v)", text, imp)
			}
			if !tc.ok && (text == "" || strings.Contains(text, "{") || strings.Contains(strings.ToLower(text), "http 401")) {
				t.Errorf("not a plain error: %q", text)
			}
			if tc.notWanting != "" && (strings.Contains(text, tc.notWanting) || strings.Contains(info, tc.notWanting)) {
				t.Errorf("the result shows a secret: %q / %q", text, info)
			}
			if st := savedSettings(t, tu); len(st.Profiles) != 0 {
				t.Errorf("the test saved %+v", st.Profiles)
			}
			if _, err := tu.core.Secrets.Secret(app.NewProfile("Local stand-in")); !errors.Is(err, app.ErrSecretNotFound) {
				t.Errorf("the test stored a secret: %v", err)
			}
			v.do(f.onCancel)
		})
	}
}

func TestSettingsTestConnectionWithStoredSecret(t *testing.T) {
	sb, err := app.StartSandbox("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	p := app.NewProfile("Local stand-in")
	p.APIKey, p.UploadURL, p.APIBase = sb.Demo.APIKey, sb.UploadURL(), sb.APIBase()
	tu := newTestUI(t, false, p)
	if err := tu.core.Secrets.SetSecret(p, sb.Demo.Secret); err != nil {
		t.Fatal(err)
	}
	v := openSettingsForTest(t, tu, false)
	v.do(func() { v.sources.onEdit(v.sources.profiles[0]) })
	v.do(func() { v.form.onTest() })
	fyne.DoAndWait(func() {
		if got := v.form.testResult.Text; !strings.HasPrefix(got, "Signed in.") {
			t.Errorf("result %q", got)
		}
	})
}

func TestSettingsKeyFile(t *testing.T) {
	sb, err := app.StartSandbox("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	tu := newTestUI(t, false)
	v := openSettingsForTest(t, tu, true)
	f := v.form
	fillLegacy(f, "Imaging", "", "", sb.UploadURL(), sb.APIBase())
	fyne.DoAndWait(func() {
		f.auth.SetSelected(app.AuthOAuth.Label())
		f.clientID.SetText(sb.Demo.ClientID)
		f.keyID.SetText(sb.Demo.KeyID)
	})

	tu.openPath = writeTestFile(t, "not-a-key.pem", 300)
	v.do(f.onChooseKeyFile)
	if got := errorBeside(f, "secret/oauth"); !strings.Contains(got, "not-a-key.pem is not a private key") {
		t.Errorf("beside the key: %q", got)
	}

	tu.openPath = os.DevNull // a device, never read (/dev/zero would never end)
	v.do(f.onChooseKeyFile)
	if got, want := errorBeside(f, "secret/oauth"), "The private key file "+os.DevNull+" is a device, not a file."; !strings.HasPrefix(got, want) {
		t.Errorf("beside the key: %q, want it to start %q", got, want)
	}

	tu.openPath = filepath.Join(t.TempDir(), "imaging.pem")
	if err := os.WriteFile(tu.openPath, sb.Demo.PrivateKeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	v.do(f.onChooseKeyFile)
	got := errorBeside(f, "secret/oauth")
	fyne.DoAndWait(func() {
		if got != "" || !strings.Contains(f.keyFile.Text, "imaging.pem") || f.privateKey.Text != "" {
			t.Errorf("after choosing the key: error %q, note %q", got, f.keyFile.Text)
		}
	})
	v.do(f.onTest)
	fyne.DoAndWait(func() {
		if !strings.HasPrefix(f.testResult.Text, "Signed in.") {
			t.Errorf("test with the key file: %q", f.testResult.Text)
		}
	})
	v.do(f.onSave)
	st := savedSettings(t, tu)
	if len(st.Profiles) != 1 || st.Profiles[0].Auth != app.AuthOAuth {
		t.Fatalf("saved %+v", st.Profiles)
	}
	if got, err := tu.core.Secrets.Secret(st.Profiles[0]); err != nil || strings.TrimSpace(got) != strings.TrimSpace(string(sb.Demo.PrivateKeyPEM)) {
		t.Errorf("keychain: %v", err)
	}
	assertNowhereOnDisk(t, tu, "PRIVATE KEY")
}

func TestSettingsKeychainUnavailable(t *testing.T) {
	tu := newTestUI(t, false)
	keyring.MockInitWithError(errors.New("the Secret Service is locked"))
	t.Cleanup(keyring.MockInit)
	v := openSettingsForTest(t, tu, true)
	f := v.form
	fillLegacy(f, "Radiology", "key-1", secretCanary, client.DefaultUploadURL, client.DefaultAPIBase)
	v.do(f.onSave)

	shown := settingsOverlayTexts(tu)
	if !strings.Contains(shown, "The secret could not be stored in the keychain") || !strings.Contains(shown, "keychain is not available or is locked") {
		t.Errorf("no plain keychain message shown: %s", shown)
	}
	if strings.Contains(shown, secretCanary) {
		t.Error("the message shows the secret")
	}
	if st := savedSettings(t, tu); len(st.Profiles) != 0 {
		t.Errorf("saved without its secret: %+v", st.Profiles)
	}
	fyne.DoAndWait(func() {
		if v.form != f {
			t.Error("the form closed, losing what was typed")
		}
	})
}

func TestSettingsGeneral(t *testing.T) {
	tu := newTestUI(t, false)
	v := openSettingsForTest(t, tu, false)
	fyne.DoAndWait(func() {
		if v.general.notifications.Checked != true || v.general.autoCopy.Checked || v.general.retention.Selected != "Keep forever" {
			t.Errorf("shown: notifications %v, auto-copy %v, retention %q", v.general.notifications.Checked, v.general.autoCopy.Checked, v.general.retention.Selected)
		}
	})
	v.do(func() { v.general.autoCopy.SetChecked(true) })
	v.do(func() { v.general.notifications.SetChecked(false) })
	v.do(func() { v.general.retention.SetSelected("90 days") })
	st := savedSettings(t, tu)
	if !st.AutoCopy || st.Notifications || st.RetentionDays != 90 {
		t.Errorf("saved %+v", st)
	}
	if !tu.autoCopy.Load() {
		t.Error("auto-copy is not on in the window")
	}
	v.do(func() { v.general.retention.SetSelected("Keep forever") })
	if st := savedSettings(t, tu); st.RetentionDays != 0 {
		t.Errorf("retention %d", st.RetentionDays)
	}
}

func TestSettingsEscape(t *testing.T) {
	tu := newTestUI(t, false)
	c := tu.win.Canvas()
	v := openSettingsForTest(t, tu, false)
	v.do(v.sources.onAdd)

	// In a field, Escape leaves the form for the list.
	fyne.DoAndWait(func() {
		c.Focus(v.form.name)
		v.form.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if v.form != nil {
			t.Fatal("Escape in a field did not leave the form")
		}
	})
	// With nothing focused, the window's Escape closes the dialog and gives the key back.
	fyne.DoAndWait(func() {
		c.Unfocus()
		c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if c.Overlays().Top() != nil {
			t.Error("Escape did not close the settings")
		}
	})
	if v2 := openSettingsForTest(t, tu, false); v2 == nil {
		t.Error("the settings do not open again")
	}
}

func TestSignedInText(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.Local)
	for _, tc := range []struct {
		exp  time.Time
		want string
	}{
		{time.Date(2026, 11, 26, 14, 5, 0, 0, time.Local), "Signed in. The token is valid until 14:05."},
		{time.Date(2026, 11, 27, 8, 30, 0, 0, time.Local), "Signed in. The token is valid until 27 Nov 08:30."},
		{time.Time{}, "The access token is ready. A pasted token has no sign-in step, so Redox checks it at the first upload."},
	} {
		if got := signedInText(client.Token{AccessToken: "x", Expires: tc.exp}, now); got != tc.want {
			t.Errorf("%v: %q", tc.exp, got)
		}
	}
}

func TestParseMB(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"10", 10 << 20, true}, {" 12.5 MB", 12<<20 + 512<<10, true}, {"12,5", 12<<20 + 512<<10, true},
		{"30", app.MaxAllowedSize, true}, {"30.1", 0, false}, {"0", 0, false}, {"-1", 0, false}, {"", 0, false}, {"NaN", 0, false},
		{"Inf", 0, false}, {"1e300", 0, false},
	} {
		got, ok := parseMB(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseMB(%q) = %d, %v", tc.in, got, ok)
		}
	}
	if got := formatMB(10 << 20); got != "10" {
		t.Errorf("formatMB 10 MB = %q", got)
	}
	if n, _ := parseMB(formatMB(10_000_001)); n != 10_000_001 {
		t.Errorf("an odd byte count does not survive the form: %d", n)
	}
}

// TestSettingsScreenshots renders the settings to PNG files in $SETTINGS_SCREENSHOTS, in the
// light and the dark theme, for a person to look at.
func TestSettingsScreenshots(t *testing.T) {
	dir := os.Getenv("SETTINGS_SCREENSHOTS")
	if dir == "" {
		t.Skip("set SETTINGS_SCREENSHOTS to a folder to render the settings")
	}
	prod := app.NewProfile("Radiology reports")
	prod.APIKey, prod.Environment = "key-1", app.EnvProduction
	dev := app.NewProfile("Lab results (test)")
	dev.Auth, dev.ClientID, dev.KeyID = app.AuthOAuth, "client-1", "kid-1"
	for _, variant := range []struct {
		name  string
		theme fyne.Theme
	}{{"light", theme.LightTheme()}, {"dark", theme.DarkTheme()}} {
		tu := newTestUI(t, false, prod, dev)
		fyne.DoAndWait(func() {
			tu.app.Settings().SetTheme(variant.theme)
			tu.win.Resize(fyne.NewSize(980, 720))
		})
		shot := func(name string) {
			var buf bytes.Buffer
			fyne.DoAndWait(func() {
				if err := png.Encode(&buf, tu.win.Canvas().Capture()); err != nil {
					t.Fatal(err)
				}
			})
			if err := os.WriteFile(filepath.Join(dir, name+"-"+variant.name+".png"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		v := openSettingsForTest(t, tu, false)
		shot("settings-sources")
		fyne.DoAndWait(func() { v.list.(*fyne.Container).Objects[0].(*container.AppTabs).SelectIndex(1) })
		shot("settings-general")
		fyne.DoAndWait(func() { v.list.(*fyne.Container).Objects[0].(*container.AppTabs).SelectIndex(0) })
		v.do(func() { v.sources.onEdit(v.sources.profiles[1]) })
		fyne.DoAndWait(func() { v.form.uploadURL.SetText("http://example.com/upload") })
		v.do(v.form.onSave)
		shot("settings-form-errors")
		v.do(v.form.onCancel)
		v.do(func() { v.sources.onEdit(v.sources.profiles[0]) })
		shot("settings-form-oauth")
		v.do(v.onClose)
		v = openSettingsForTest(t, tu, true)
		shot("settings-add-source")

		sb, err := app.StartSandbox("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer sb.Close()
		fillLegacy(v.form, "Local stand-in", sb.Demo.APIKey, sb.Demo.Secret, sb.UploadURL(), sb.APIBase())
		v.do(v.form.onTest)
		fyne.DoAndWait(func() { v.form.scroll.ScrollToBottom() })
		shot("settings-test-ok")
		fyne.DoAndWait(func() { v.form.apiSecret.SetText("wrong") })
		v.do(v.form.onTest)
		fyne.DoAndWait(func() { v.form.scroll.ScrollToBottom() })
		shot("settings-test-failed")
	}
}
