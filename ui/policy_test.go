package ui

import (
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client/redoxtest"
)

// writeTestPolicy writes policyJSON as the organisation's policy file, in a folder only its
// owner can write, and returns its path.
func writeTestPolicy(t *testing.T, policyJSON string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(policyJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// policyTestUI builds the window over a core under the organisation's policy policyJSON, with
// the user's own sources saved first. On Linux the core applies a policy file only when the
// administrator (root) owns it and every folder above it, so these tests need root, as CI has;
// elsewhere they are skipped (package app keeps who counts as the administrator to itself).
func policyTestUI(t *testing.T, policyJSON string, sandbox bool, own ...app.Profile) *testUI {
	t.Helper()
	if runtime.GOOS != "windows" && os.Geteuid() != 0 {
		t.Skip("a policy file counts only when root owns it: run as root, as CI does")
	}
	tu := newTestUIWith(t, t.TempDir(), app.Options{PolicyFile: writeTestPolicy(t, policyJSON)}, sandbox, own...)
	if pol := tu.core.Policy(); pol == nil || pol.Problem != nil {
		t.Fatalf("the test policy was not applied: %+v", pol)
	}
	return tu
}

// ownSource is a valid source of the user's own, signing in with an API key.
func ownSource(name string) app.Profile {
	p := app.NewProfile(name)
	p.APIKey = "own-key"
	return p
}

const managedRadiology = `{"sources": [{"name": "Radiology", "environment": "Production", "apiKey": "rad-key", "maxSize": 20971520, "parallel": 2}]}`

// sourceRow is the row of the Sources tab that lists the source name.
func sourceRow(t *testing.T, v *settingsView, name string) fyne.CanvasObject {
	t.Helper()
	var row fyne.CanvasObject
	fyne.DoAndWait(func() {
		for i, p := range v.sources.profiles {
			if p.Name == name {
				row = v.sources.rows.Objects[2*i] // a separator between rows
			}
		}
	})
	if row == nil {
		t.Fatalf("the Sources tab does not list %q", name)
	}
	return row
}

// shownTexts is the text of every label and button in o that is shown (no hidden object above
// it), one a line, buttons in brackets; call it on the Fyne goroutine.
func shownTexts(o fyne.CanvasObject) string {
	var sb strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			sb.WriteString(w.Text + "\n")
		case *widget.Button:
			sb.WriteString("[" + w.Text + "]\n")
		case *fyne.Container:
			for _, child := range w.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range w.CreateRenderer().Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	return sb.String()
}

// tapButton taps the button labelled text in o; call it on the Fyne goroutine.
func tapButton(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	b := settingsButton(o, text)
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	test.Tap(b)
}

// buttonsOf are the buttons shown in text from shownTexts.
func buttonsOf(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "[") {
			out = append(out, strings.Trim(line, "[]"))
		}
	}
	return out
}

// TestPolicyManagedSourceIsMarkedAndReadOnly: a managed source appears without any user
// action, marked "Set by your organisation", with Details and no Remove; its form shows every
// field disabled and says why, offers no Save and no Remove, and stores the secret typed in
// the keychain, which stays the user's to fill.
func TestPolicyManagedSourceIsMarkedAndReadOnly(t *testing.T) {
	tu := policyTestUI(t, managedRadiology, false, ownSource("Ward 7"))
	v := openSettingsForTest(t, tu, false)

	rad, ward := sourceRow(t, v, "Radiology"), sourceRow(t, v, "Ward 7")
	fyne.DoAndWait(func() {
		text := shownTexts(rad)
		if !strings.Contains(text, setByOrganisation) || !slices.Equal(buttonsOf(text), []string{"Details"}) {
			t.Errorf("the managed source's row shows:\n%s\nwant the mark and Details alone", text)
		}
		text = shownTexts(ward)
		if strings.Contains(text, setByOrganisation) || !slices.Equal(buttonsOf(text), []string{"Edit", "Remove"}) {
			t.Errorf("the user's own source's row shows:\n%s\nwant Edit and Remove, no mark", text)
		}
	})

	v.do(func() { tapButton(t, rad, "Details") })
	f := v.form
	if f == nil {
		t.Fatal("Details did not open the source's form")
	}
	fyne.DoAndWait(func() {
		for name, w := range map[string]fyne.Disableable{"environment": f.environment, "sign-in method": f.auth, "API key": f.apiKey,
			"upload address": f.uploadURL, "API address": f.apiBase, "size limit": f.maxSize, "parallel uploads": f.parallel} {
			if !w.Disabled() {
				t.Errorf("the managed source's %s can be changed", name)
			}
		}
		if f.apiSecret.Disabled() {
			t.Error("the managed source's API secret cannot be typed")
		}
		if text := shownTexts(f.scroll); !strings.Contains(text, "rad-key\n") || !strings.Contains(text, "20 MB\n") {
			t.Errorf("the form shows:\n%s\nwant the source's API key and size limit as text", text)
		}
		text := shownTexts(v.root)
		if !strings.Contains(text, setByOrganisation) || !strings.Contains(text, managedSourceReason) {
			t.Errorf("the form does not say why it is read-only:\n%s", text)
		}
		if buttons := buttonsOf(text); slices.Contains(buttons, "Save") || slices.Contains(buttons, "Remove") ||
			!slices.Contains(buttons, "Store secret") {
			t.Errorf("the form's buttons: %q; want Store secret, no Save, no Remove", buttons)
		}
	})

	v.do(func() {
		f.apiSecret.SetText(secretCanary)
		test.Tap(f.saveBtn)
	})
	managed, _ := tu.core.Policy().ManagedSource("Radiology")
	if got, err := tu.core.Secrets.Secret(managed); err != nil || got != secretCanary {
		t.Errorf("the keychain holds %q, %v for the managed source; want the secret typed", got, err)
	}
	if v.form != nil {
		t.Error("the form is still open after storing the secret")
	}
	assertNowhereOnDisk(t, tu, secretCanary)
	if own, err := tu.core.Settings.Load(); err != nil || len(own.Profiles) != 1 || own.Profiles[0].Name != "Ward 7" {
		t.Errorf("the user's settings file holds %+v, %v; want only the user's own source", own.Profiles, err)
	}
}

// TestPolicySavingOwnSourceKeepsManagedOnes: saving or removing a source of one's own lists the
// managed sources still, in the window's picker and in the Sources tab.
func TestPolicySavingOwnSourceKeepsManagedOnes(t *testing.T) {
	tu := policyTestUI(t, managedRadiology, false, ownSource("Ward 7"))
	v := openSettingsForTest(t, tu, false)
	lists := func(when string) {
		t.Helper()
		tu.waitFor(t, "the sources listed "+when, func() bool { return len(tu.sources.profiles) == 2 && len(v.sources.profiles) == 2 })
	}

	v.do(v.sources.onAdd)
	fillLegacy(v.form, "Lab", "lab-key", secretCanary, "https://blob.redoxengine.com/upload", "https://api.redoxengine.com")
	v.do(v.form.onSave)
	tu.waitFor(t, "the source saved", func() bool { return len(tu.sources.profiles) == 3 && len(v.sources.profiles) == 3 })

	v.do(func() { v.sources.onRemove(v.sources.profiles[0]) }) // Lab, by name
	fyne.DoAndWait(func() { tapButton(t, tu.win.Canvas().Overlays().Top(), "Remove") })
	v.settle()
	lists("after a removal")
	fyne.DoAndWait(func() {
		if tu.sources.profiles[0].Name != "Radiology" || !v.sources.profiles[0].Managed {
			t.Errorf("listed %+v and %+v; want the managed Radiology still", tu.sources.profiles, v.sources.profiles)
		}
	})
}

// TestPolicyUserSourcesLocked: with userSources false, Add is not offered and the user's own
// sources are read-only too, with the reason; the first-run screen offers what the policy
// leaves (the sandbox, adding a source) and else says to ask IT.
func TestPolicyUserSourcesLocked(t *testing.T) {
	tu := policyTestUI(t, `{"userSources": false}`, false, ownSource("Ward 7"))
	v := openSettingsForTest(t, tu, false)
	fyne.DoAndWait(func() {
		text := shownTexts(v.list)
		if slices.Contains(buttonsOf(text), "Add a source") || !strings.Contains(text, lockedSourcesReason) {
			t.Errorf("the Sources tab shows:\n%s\nwant no Add and the reason", text)
		}
	})
	ward := sourceRow(t, v, "Ward 7")
	fyne.DoAndWait(func() {
		if text := shownTexts(ward); !slices.Equal(buttonsOf(text), []string{"Details"}) || strings.Contains(text, setByOrganisation) {
			t.Errorf("the user's own source's row shows:\n%s\nwant Details alone, no mark", text)
		}
	})
	v.do(func() { tapButton(t, ward, "Details") })
	fyne.DoAndWait(func() {
		if !v.form.apiKey.Disabled() || !v.form.uploadURL.Disabled() || v.form.apiSecret.Disabled() {
			t.Error("the user's own source can be changed, or its secret not stored, under a lock")
		}
		if text := shownTexts(v.root); !strings.Contains(text, lockedSourcesReason) || slices.Contains(buttonsOf(text), "Save") {
			t.Errorf("the form shows:\n%s\nwant the reason and no Save", text)
		}
	})

	for _, tc := range []struct {
		policy string
		want   []string // the welcome screen's buttons
		says   string
	}{
		{`{"userSources": false}`, []string{"Try the sandbox"}, "ask your IT department"},
		{`{"sandbox": false}`, []string{"Add a Redox source"}, "details your IT team has"},
		{`{"userSources": false, "sandbox": false}`, nil, "ask your IT department"},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			tu := policyTestUI(t, tc.policy, false)
			fyne.DoAndWait(func() {
				text := shownTexts(tu.body)
				if got := buttonsOf(text); !slices.Equal(got, tc.want) || !strings.Contains(text, tc.says) {
					t.Errorf("the welcome screen shows:\n%s\nwant the buttons %q and %q", text, tc.want, tc.says)
				}
			})
		})
	}
}

// TestPolicyLocksPreferences: a locked notifications or auto-copy preference, or a retention
// the policy sets, is disabled and marked; a minimum retention leaves only choices at or above
// it (and keeping forever).
func TestPolicyLocksPreferences(t *testing.T) {
	for _, tc := range []struct {
		policy                 string
		autoCopy, notify, keep bool // enabled
		retentionShown         string
		retentionChoices       []string
		marked                 bool
	}{
		{`{"notifications": false, "lockNotifications": true}`, true, false, true, "Keep forever", nil, true},
		{`{"autoCopy": true, "lockAutoCopy": true}`, false, true, true, "Keep forever", nil, true},
		{`{"retentionDays": 90}`, true, true, false, "90 days", nil, true},
		{`{"minimumRetentionDays": 60}`, true, true, true, "Keep forever", []string{"Keep forever", "60 days", "90 days", "365 days"}, true},
		{`{"notifications": false, "autoCopy": true}`, true, true, true, "Keep forever", []string{"Keep forever", "30 days", "90 days", "365 days"}, false},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			tu := policyTestUI(t, tc.policy, false)
			v := openSettingsForTest(t, tu, false)
			g := v.general
			fyne.DoAndWait(func() { v.list.(*fyne.Container).Objects[0].(*container.AppTabs).SelectIndex(1) })
			fyne.DoAndWait(func() {
				for name, w := range map[string]struct {
					disabled, want bool
				}{"auto-copy": {g.autoCopy.Disabled(), tc.autoCopy}, "notifications": {g.notifications.Disabled(), tc.notify},
					"retention": {g.retention.Disabled(), tc.keep}} {
					if w.disabled == w.want {
						t.Errorf("%s enabled %v, want %v", name, !w.disabled, w.want)
					}
				}
				if g.retention.Selected != tc.retentionShown || tc.retentionChoices != nil && !slices.Equal(g.retention.Options, tc.retentionChoices) {
					t.Errorf("retention shows %q of %q, want %q of %q", g.retention.Selected, g.retention.Options, tc.retentionShown, tc.retentionChoices)
				}
				text := shownTexts(v.list)
				if marked := strings.Contains(text, setByOrganisation); marked != tc.marked {
					t.Errorf("marked %q: %v, want %v", setByOrganisation, marked, tc.marked)
				}
				if !tc.keep && !strings.Contains(text, "\n"+tc.retentionShown+"\n") {
					t.Errorf("the page shows:\n%s\nwant the retention set, %q, as text", text, tc.retentionShown)
				}
			})
		})
	}
}

// testCertificateFile writes the certificate of a test TLS server to a PEM file.
func testCertificateFile(t *testing.T) string {
	t.Helper()
	s := redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	path := filepath.Join(t.TempDir(), "hospital.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPolicyNetworkLocked: the proxy, or the extra certificates file, the policy sets is shown
// disabled and marked; what it leaves (the proxy's password, pasted certificates, the stall
// time) stays editable, and saving that is not refused for what the policy holds.
func TestPolicyNetworkLocked(t *testing.T) {
	caFile := testCertificateFile(t)
	for _, tc := range []struct {
		name, policy    string
		proxy, certFile bool   // locked
		shows           string // the locked setting, as text
	}{
		{"proxy", `{"proxyMode": "manual", "proxyUrl": "http://proxy.hospital.example:3128"}`, true, false,
			"This proxy: http://proxy.hospital.example:3128"},
		{"certificates file", `{"extraCaFile": "` + caFile + `"}`, false, true, caFile},
		// An address set alone is the proxy to go through (app.Policy.proxyMode), as shown.
		{"proxy address alone", `{"proxyUrl": "http://proxy.hospital.example:3128"}`, true, false,
			"This proxy: http://proxy.hospital.example:3128"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tu := policyTestUI(t, tc.policy, false)
			v := openSettingsForTest(t, tu, false)
			n := v.network
			fyne.DoAndWait(func() {
				if n.mode.Disabled() != tc.proxy || n.proxyURL.Disabled() != (tc.proxy || n.mode.Selected != proxyLabel(app.ProxyManual)) {
					t.Errorf("proxy mode disabled %v, address disabled %v; want the proxy locked: %v", n.mode.Disabled(), n.proxyURL.Disabled(), tc.proxy)
				}
				if n.caFile.Disabled() != tc.certFile || n.caChoose.Disabled() != tc.certFile {
					t.Errorf("certificates file disabled %v (Choose %v), want %v", n.caFile.Disabled(), n.caChoose.Disabled(), tc.certFile)
				}
				if n.caPEM.Disabled() || n.stall.Disabled() {
					t.Error("pasted certificates or the stall time cannot be changed")
				}
				if n.mode.Selected == proxyLabel(app.ProxyManual) && n.password.Disabled() {
					t.Error("the proxy's password cannot be typed")
				}
				if text := shownTexts(n.scroll); !strings.Contains(text, setByOrganisation) || !strings.Contains(text, tc.shows+"\n") {
					t.Errorf("the page shows:\n%s\nwant the locked setting as %q, marked %q", text, tc.shows, setByOrganisation)
				}
			})
			v.do(func() {
				n.stall.SetSelected("2 minutes")
				n.onSave()
			})
			fyne.DoAndWait(func() {
				if n.note.Text != "Saved. The next uploads use these settings." {
					t.Errorf("saving the stall time: %q", n.note.Text)
				}
			})
			if own, err := tu.core.Settings.Load(); err != nil || own.Network.StallSeconds != 120 {
				t.Errorf("saved %+v, %v; want the stall time", own.Network, err)
			}
		})
	}
}

// TestPolicyProblemBanner: a policy that cannot be read starts the window with a banner saying
// so in one plain sentence, the problem below it for IT; Tab reaches its Dismiss, Space hides
// it, and the app works on.
func TestPolicyProblemBanner(t *testing.T) {
	tu := newTestUIWith(t, t.TempDir(), app.Options{PolicyFile: writeTestPolicy(t, `{"sources": [`)}, true)
	problem := tu.core.Policy().Problem
	if problem == nil {
		t.Fatal("the broken policy has no problem")
	}
	c := tu.win.Canvas()
	fyne.DoAndWait(func() {
		text := shownTexts(tu.win.Content())
		if !strings.Contains(text, policyProblemText) {
			t.Fatalf("the window shows no banner:\n%s", text)
		}
		if tu.policyBanner.detail.Text != problem.Error() || !slices.Contains(buttonsOf(text), "Details for IT") {
			t.Errorf("the banner's details: %q; want the problem %q behind Details for IT", tu.policyBanner.detail.Text, problem)
		}
		for range 20 {
			if c.FocusNext(); c.Focused() == tu.policyBanner.dismiss {
				break
			}
		}
		if c.Focused() != tu.policyBanner.dismiss {
			t.Fatal("Tab does not reach the banner's Dismiss")
		}
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		if strings.Contains(shownTexts(tu.win.Content()), policyProblemText) {
			t.Error("the banner is still shown after Dismiss")
		}
	})

	tu.addFiles([]string{writeTestFile(t, "report.pdf", 3000)})
	if rows := tu.waitQueued(t, 1); rows[0].rec.Status != app.StatusDone {
		t.Errorf("uploading under a broken policy: %+v", rows[0].rec)
	}
}

// TestPolicySandboxOff: where the policy switched the sandbox off, a start on the sandbox
// (--sandbox) says so plainly and starts on the user's source; the sandbox is not listed.
func TestPolicySandboxOff(t *testing.T) {
	tu := policyTestUI(t, `{"sandbox": false}`, true, ownSource("Ward 7"))
	tu.waitFor(t, "the message that the sandbox is off", func() bool {
		top := tu.win.Canvas().Overlays().Top()
		return top != nil && strings.Contains(shownTexts(top), sandboxOffText)
	})
	fyne.DoAndWait(func() {
		if len(tu.sources.profiles) != 1 || tu.sources.profiles[0].Name != "Ward 7" || tu.sources.selector.Selected != label(tu.sources.profiles[0]) {
			t.Errorf("the picker lists %+v, chosen %q; want Ward 7 alone", tu.sources.profiles, tu.sources.selector.Selected)
		}
	})
}

// TestPolicyReadOnlyFormFocus: Tab in a read-only source's form skips the disabled fields and
// reaches the secret, Test connection, Close and Store secret.
func TestPolicyReadOnlyFormFocus(t *testing.T) {
	tu := policyTestUI(t, managedRadiology, false)
	v := openSettingsForTest(t, tu, false)
	v.do(func() { v.sources.onEdit(v.sources.profiles[0]) })
	c := tu.win.Canvas()
	fyne.DoAndWait(func() {
		f := v.form
		names := map[fyne.Focusable]string{f.apiSecret: "API secret", f.testBtn: "Test connection", f.saveBtn: "Store secret",
			f.apiKey: "API key", f.uploadURL: "upload address", f.apiBase: "API address", f.maxSize: "size limit",
			f.parallel: "parallel uploads", f.auth: "sign-in method"}
		c.Unfocus()
		var order []string
		for range 12 {
			c.FocusNext()
			focused := c.Focused()
			name, known := names[focused]
			if b, ok := focused.(*widget.Button); ok && !known {
				name = b.Text
			} else if !known {
				name = fmt.Sprintf("%T", focused)
			}
			order = append(order, name)
			if len(order) > 1 && name == order[0] {
				break
			}
		}
		if want := []string{"API secret", "Test connection", "Close", "Store secret", "API secret"}; !slices.Equal(order, want) {
			t.Errorf("Tab goes %q, want %q", order, want)
		}
	})
}
