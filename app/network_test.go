package app

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

func TestNetworkSettingsValidate(t *testing.T) {
	s := redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}))
	dir := t.TempDir()
	good := filepath.Join(dir, "firewall.pem")
	bad := filepath.Join(dir, "notes.txt")
	os.WriteFile(good, []byte(caPEM), 0o600)
	os.WriteFile(bad, []byte("call IT"), 0o600)

	tests := []struct {
		name  string
		ns    NetworkSettings
		field string // "" when valid
	}{
		{"zero value", NetworkSettings{}, ""},
		{"system", NetworkSettings{ProxyMode: ProxySystem}, ""},
		{"none", NetworkSettings{ProxyMode: ProxyNone}, ""},
		{"manual", NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://proxy.hospital.example:8080"}, ""},
		{"manual with a user", NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://nurse@proxy.hospital.example:8080"}, ""},
		{"manual with a password", NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://nurse:pw@proxy:8080"}, "proxyUrl"},
		{"manual without URL", NetworkSettings{ProxyMode: ProxyManual}, "proxyUrl"},
		{"unknown mode", NetworkSettings{ProxyMode: "auto"}, "proxyMode"},
		{"CA file", NetworkSettings{ExtraCAFile: good}, ""},
		{"missing CA file", NetworkSettings{ExtraCAFile: filepath.Join(dir, "gone.pem")}, "extraCaFile"},
		{"CA file without a certificate", NetworkSettings{ExtraCAFile: bad}, "extraCaFile"},
		{"pasted PEM", NetworkSettings{ExtraCAPEM: caPEM}, ""},
		{"pasted garbage", NetworkSettings{ExtraCAPEM: "-----BEGIN CERTIFICATE-----\nxx\n"}, "extraCaPem"},
		{"stall at its least", NetworkSettings{StallSeconds: MinStallSeconds}, ""},
		{"stall at its most", NetworkSettings{StallSeconds: MaxStallSeconds}, ""},
		{"stall too short", NetworkSettings{StallSeconds: MinStallSeconds - 1}, "stallSeconds"},
		{"stall too long", NetworkSettings{StallSeconds: MaxStallSeconds + 1}, "stallSeconds"},
		{"stall negative", NetworkSettings{StallSeconds: -60}, "stallSeconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.ns.Validate()
			var ne *NetworkError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.field != "" && (!errors.As(err, &ne) || ne.Field != tt.field):
				t.Errorf("Validate = %v, want a *NetworkError for %s", err, tt.field)
			}
			if err != nil && strings.Contains(err.Error(), ":pw@") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}

	store := NewSettingsStore(filepath.Join(dir, "settings.json"))
	st := DefaultSettings()
	st.Network = NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://nurse:pw@proxy:8080"}
	if err := store.Save(st); err == nil {
		t.Error("Save kept a proxy password in the settings file")
	}
	st.Network = NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://proxy:8080", ExtraCAPEM: caPEM}
	if err := store.Save(st); err != nil {
		t.Fatal(err)
	}
	if back, err := store.Load(); err != nil || back.Network != st.Network {
		t.Errorf("Load = %+v, %v; want the network settings saved", back.Network, err)
	}
}

// TestStallSettingReachesTheClient: the saved time a transfer may stall is the one the
// clients of saved sources use; unset, it is the client's default.
func TestStallSettingReachesTheClient(t *testing.T) {
	core := checkCore(t, addressProfile("Radiology", "https://blob.example.org/upload", "https://api.example.org"))
	if err := core.Secrets.SetSecret(addressProfile("Radiology", "", ""), "secret"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		seconds int
		want    time.Duration
	}{{0, client.DefaultStallTimeout}, {300, 5 * time.Minute}} {
		if err := core.SaveNetwork(NetworkSettings{StallSeconds: tt.seconds}, SaveNetworkOptions{}); err != nil {
			t.Fatal(err)
		}
		p, err := core.Profile("Radiology")
		if err != nil {
			t.Fatal(err)
		}
		c, err := core.Client(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.StallTimeout(); got != tt.want {
			t.Errorf("saved %d s: the client gives up after %v, want %v", tt.seconds, got, tt.want)
		}
	}
}

// TestCoreTrustsExtraCA uploads through Core to a TLS stand-in whose certificate only the
// network settings make trusted, pasted and as a file.
func TestCoreTrustsExtraCA(t *testing.T) {
	keyring.MockInit()
	s := redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	demo := s.AddDemoSources()
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}))
	caFile := filepath.Join(t.TempDir(), "firewall.pem")
	if err := os.WriteFile(caFile, []byte(caPEM), 0o600); err != nil {
		t.Fatal(err)
	}

	base := t.TempDir()
	core, err := Open(Paths{Config: filepath.Join(base, "config"), Data: filepath.Join(base, "data")},
		Options{KeychainService: "redox-uploader-network-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close(t.Context()) })
	p := secretsTestProfile("Hospital", AuthLegacy, s, demo)
	st := DefaultSettings()
	if err := st.PutProfile(p); err != nil {
		t.Fatal(err)
	}
	if err := core.Settings.Save(st); err != nil {
		t.Fatal(err)
	}
	if err := core.Secrets.SetSecret(p, demo.Secret); err != nil {
		t.Fatal(err)
	}
	file := secretsTestFile(t)
	upload := func() error {
		c, err := core.Client(p)
		if err != nil {
			return err
		}
		_, err = c.Upload(t.Context(), file, client.UploadOptions{})
		return err
	}

	var ce *client.Error
	if err := upload(); !errors.As(err, &ce) || ce.Fix != client.FixCertificates || !strings.Contains(err.Error(), "extra trusted certificates") {
		t.Fatalf("upload without the extra CA = %v, want the unknown-authority message", err)
	}
	for _, ns := range []NetworkSettings{{ExtraCAPEM: caPEM}, {ExtraCAFile: caFile}} {
		if err := core.SaveNetwork(ns, SaveNetworkOptions{}); err != nil {
			t.Fatalf("SaveNetwork(%+v): %v", ns, err)
		}
		if err := upload(); err != nil {
			t.Errorf("upload with %+v: %v (%s)", ns, err, client.Detail(err))
		}
	}
	if n := len(s.Uploads()); n != 2 {
		t.Errorf("the stand-in received %d uploads, want 2", n)
	}

	// A certificate file removed after saving stops uploads with a message naming the setting.
	os.Remove(caFile)
	_, err = core.Client(p)
	ce = nil
	if !errors.As(err, &ce) || ce.Kind != client.KindNetwork || ce.Fix != client.FixCertificates ||
		!strings.Contains(SurfaceWindow.Explain(err), "Settings → Network") {
		t.Errorf("client with a missing certificate file: %v", err)
	}
}

// TestDefaultProxyMode: settings that name no proxy mode use the computer's own settings;
// the environment stays a choice.
func TestDefaultProxyMode(t *testing.T) {
	for _, tt := range []struct {
		saved string
		want  client.ProxyMode
	}{
		{"", client.ProxySystem},
		{"  ", client.ProxySystem},
		{ProxySystem, client.ProxySystem},
		{ProxyEnvironment, client.ProxyEnvironment},
		{"Environment", client.ProxyEnvironment},
		{ProxyNone, client.ProxyNone},
	} {
		pc, err := NetworkSettings{ProxyMode: tt.saved}.Proxy()
		if err != nil || pc.Mode != tt.want {
			t.Errorf("proxy mode %q = %v, %v; want %v", tt.saved, pc.Mode, err, tt.want)
		}
	}
	if got := (NetworkSettings{}).Mode(); got != ProxySystem {
		t.Errorf("NetworkSettings{}.Mode() = %q, want %q", got, ProxySystem)
	}
}

// TestSaveNetworkKeepsTheProxyPasswordWithTheSettings: the password given with the settings is
// stored with them, and "" keeps the stored one; when the keychain refuses it, neither the
// settings nor the password change, so they stay a pair.
func TestSaveNetworkKeepsTheProxyPasswordWithTheSettings(t *testing.T) {
	core := checkCore(t)
	first := NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://nurse@proxy.example.org:3128"}
	if err := core.SaveNetwork(first, SaveNetworkOptions{ProxyPassword: "first-Pa55"}); err != nil {
		t.Fatal(err)
	}
	if err := core.SaveNetwork(first, SaveNetworkOptions{}); err != nil { // a save that leaves the password
		t.Fatal(err)
	}
	if pw, err := core.Secrets.ProxyPassword(); err != nil || pw != "first-Pa55" {
		t.Fatalf("the proxy password after saving = %q, %v; want the one given first", pw, err)
	}

	keyring.MockInitWithError(errors.New("the keychain is locked"))
	t.Cleanup(keyring.MockInit)
	second := NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://nurse@other-proxy.example.org:3128"}
	if err := core.SaveNetwork(second, SaveNetworkOptions{ProxyPassword: "second-Pa55"}); err == nil {
		t.Fatal("SaveNetwork with a locked keychain succeeded")
	}
	st, err := core.LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	if st.Network != first {
		t.Errorf("the settings after the keychain refused the password: %+v, want still %+v", st.Network, first)
	}
}
