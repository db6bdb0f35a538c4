package ui

import (
	"os"
	"strings"
	"testing"

	"redoxuploader/app"
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
	if msg := n.problems["proxyUrl"]; msg.Hidden || msg.Text == "" || strings.Contains(msg.Text, secretCanary) {
		t.Errorf("proxy address problem %q (hidden %v)", msg.Text, msg.Hidden)
	}
	if st, _ := tu.core.LoadSettings(); st.Network.ProxyMode != "" {
		t.Errorf("an invalid proxy was saved: %+v", st.Network)
	}

	// Something that is not a certificate is refused beside the pasted certificates.
	v.do(func() {
		n.proxyURL.SetText("http://proxy.example.org:8080")
		n.caPEM.SetText("not a certificate")
		n.onSave()
	})
	if msg := n.problems["extraCaPem"]; msg.Hidden || msg.Text == "" {
		t.Errorf("certificate problem not shown: %q", msg.Text)
	}

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
