package ui

import (
	"encoding/pem"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"redoxuploader/app"
	"redoxuploader/client/redoxtest"
)

func TestNetworkSettings(t *testing.T) {
	tu := newTestUI(t, false)
	v := openSettingsForTest(t, tu, false)
	n := v.network

	// A password in the proxy address is refused beside the address, and nothing is saved.
	v.do(func() {
		n.mode.SetSelected(proxyLabel(app.ProxyManual))
		n.proxyURL.SetText("http://nurse:" + secretCanary + "@proxy.example.org:8080")
		n.onSave()
	})
	fyne.DoAndWait(func() {
		if msg := n.problems["proxyUrl"]; msg.Hidden || msg.Text == "" || strings.Contains(msg.Text, secretCanary) {
			t.Errorf("proxy address problem %q (hidden %v)", msg.Text, msg.Hidden)
		}
	})
	if st, _ := tu.core.LoadSettings(); st.Network.ProxyMode != "" {
		t.Errorf("an invalid proxy was saved: %+v", st.Network)
	}

	// Something that is not a certificate is refused beside the pasted certificates.
	v.do(func() {
		n.proxyURL.SetText("http://proxy.example.org:8080")
		n.caPEM.SetText("not a certificate")
		n.onSave()
	})
	fyne.DoAndWait(func() {
		if msg := n.problems["extraCaPem"]; msg.Hidden || msg.Text == "" {
			t.Errorf("certificate problem not shown: %q", msg.Text)
		}
	})

	// A valid manual proxy with a password: the address in the settings, the password only in
	// the keychain.
	v.do(func() {
		n.caPEM.SetText("")
		n.password.SetText(secretCanary)
		n.onSave()
	})
	st, err := tu.core.LoadSettings()
	if err != nil || st.Network.ProxyMode != app.ProxyManual || st.Network.ProxyURL != "http://proxy.example.org:8080" {
		t.Fatalf("saved %+v, %v", st.Network, err)
	}
	if pw, err := tu.core.Secrets.ProxyPassword(); err != nil || pw != secretCanary {
		t.Errorf("proxy password in the keychain: %q, %v", pw, err)
	}
	data, _ := os.ReadFile(tu.core.Settings.Path())
	if strings.Contains(string(data), secretCanary) {
		t.Error("the proxy password is in the settings file")
	}
}

// TestNetworkCheckConnection taps Check connection with the settings on the page, unsaved: the
// computer's own proxy settings by default, a server whose certificate authority is unknown,
// then the same with that authority's certificate pasted, then a setting that cannot be used.
func TestNetworkCheckConnection(t *testing.T) {
	s := redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	p := app.NewProfile("Radiology")
	p.Auth, p.APIKey, p.UploadURL, p.APIBase = app.AuthLegacy, "key-123", s.UploadURL(), s.APIBase()
	tu := newTestUI(t, false, p)
	v := openSettingsForTest(t, tu, false)
	n := v.network
	fyne.DoAndWait(func() {
		if n.mode.Selected != proxyLabel(app.ProxySystem) {
			t.Errorf("with nothing saved the page shows %q, want %q", n.mode.Selected, proxyLabel(app.ProxySystem))
		}
	})

	check := func() string {
		t.Helper()
		v.do(func() {
			test.Tap(n.check)
			if !n.check.Disabled() || n.checkResult.Hidden || n.checkResult.Text != "Checking…" {
				t.Errorf("while checking: button disabled %v, result %q", n.check.Disabled(), n.checkResult.Text)
			}
		})
		var text string
		fyne.DoAndWait(func() {
			if n.check.Disabled() || n.checkResult.Hidden {
				t.Errorf("after the check: button disabled %v, result hidden %v", n.check.Disabled(), n.checkResult.Hidden)
			}
			text = n.checkResult.Text
		})
		return text
	}

	got := check()
	fyne.DoAndWait(func() {
		if !strings.Contains(got, "Extra trusted certificates") || n.checkDetail.Hidden || !strings.Contains(n.checkInfo.Text, "connection check") {
			t.Errorf("unknown authority: result %q, details %q (hidden %v)", got, n.checkInfo.Text, n.checkDetail.Hidden)
		}
	})
	v.do(func() {
		n.caPEM.SetText(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})))
	})
	fyne.DoAndWait(func() {
		if !n.checkResult.Hidden {
			t.Error("the answer for the previous settings is still shown after a change")
		}
	})
	host := strings.TrimPrefix(s.URL, "https://")
	got = check()
	fyne.DoAndWait(func() {
		if !strings.HasPrefix(got, "Reached "+host+" without a proxy (HTTPS, ") || !n.checkDetail.Hidden {
			t.Errorf("with the certificate pasted: result %q, details shown %v", got, !n.checkDetail.Hidden)
		}
	})

	v.do(func() {
		n.mode.SetSelected(proxyLabel(app.ProxyManual))
		n.proxyURL.SetText("http://nurse:" + secretCanary + "@proxy.example.org:8080")
	})
	got = check()
	fyne.DoAndWait(func() {
		if !strings.Contains(got, "setting marked in red") || n.problems["proxyUrl"].Hidden || strings.Contains(n.problems["proxyUrl"].Text, secretCanary) {
			t.Errorf("password in the address: result %q, beside the field %q", got, n.problems["proxyUrl"].Text)
		}
	})
	if st := savedSettings(t, tu); st.Network != (app.NetworkSettings{}) {
		t.Errorf("checking saved %+v", st.Network)
	}
}

// TestClosingSettingsStopsTheCheck: a check waiting on a server that never answers ends when
// the settings close, rather than running on for the check's 15 seconds, and shows nothing.
func TestClosingSettingsStopsTheCheck(t *testing.T) {
	silent, _ := silentServer(t)
	p := app.NewProfile("Radiology")
	p.Auth, p.APIKey, p.UploadURL, p.APIBase = app.AuthLegacy, "key-123", silent+"/upload", silent
	tu := newTestUI(t, false, p)
	v := openSettingsForTest(t, tu, false)

	fyne.DoAndWait(func() { test.Tap(v.network.check) })
	fyne.DoAndWait(func() { v.dlg.Hide() })
	ended := make(chan struct{})
	go func() { v.wait(); close(ended) }()
	select {
	case <-ended:
	case <-time.After(app.NetworkCheckTimeout / 2):
		t.Fatalf("the check was still running %s after the settings closed", app.NetworkCheckTimeout/2)
	}
	fyne.DoAndWait(func() { // after what the stopped check queued
		if text := v.network.checkResult.Text; text != "Checking…" {
			t.Errorf("a stopped check's answer was shown: %q", text)
		}
	})
}

// TestNetworkStallChoice: the time a transfer may stall is chosen from plain durations and
// saved in seconds; a value IT wrote into the settings file is shown as it is and kept.
func TestNetworkStallChoice(t *testing.T) {
	tu := newTestUI(t, false)
	st, err := tu.core.LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	st.Network.StallSeconds = 45
	if err := tu.core.Settings.Save(st); err != nil {
		t.Fatal(err)
	}
	v := openSettingsForTest(t, tu, false)
	n := v.network
	fyne.DoAndWait(func() {
		if n.stall.Selected != "45 seconds" {
			t.Errorf("a saved 45 s shows as %q", n.stall.Selected)
		}
	})
	for _, tt := range []struct {
		choice string
		want   int
	}{{"45 seconds", 45}, {"5 minutes", 300}, {"1 minute (recommended)", 0}} {
		v.do(func() {
			n.stall.SetSelected(tt.choice)
			n.onSave()
		})
		if st, err := tu.core.LoadSettings(); err != nil || st.Network.StallSeconds != tt.want {
			t.Errorf("%q saved %d s (%v), want %d", tt.choice, st.Network.StallSeconds, err, tt.want)
		}
	}
}
