package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// TestNewClientSecrets: a client signs in with the secret given (trimmed and checked as
// SetSecret would) in preference to the keychain's, and only a secret from the keychain gets
// the keychain's token cache; a missing or unusable secret is refused before anything is sent.
func TestNewClientSecrets(t *testing.T) {
	s, d := secretsTestServer(t)
	tests := []struct {
		name      string
		auth      AuthMethod
		stored    string // in the keychain first; "" for none
		opts      func(sec Secrets) []ClientOption
		wantErr   string // "" when the upload goes through
		wantCache bool   // a token is cached in the keychain afterwards
	}{
		{"the keychain's", AuthLegacy, d.Secret,
			func(sec Secrets) []ClientOption { return []ClientOption{WithKeychain(sec)} }, "", true},
		{"given, with what pasting adds", AuthLegacy, "",
			func(sec Secrets) []ClientOption {
				return []ClientOption{WithKeychain(sec), WithSecret("  " + d.Secret + "\n")}
			}, "", false},
		{"given over a stored one", AuthLegacy, "not-the-secret",
			func(sec Secrets) []ClientOption { return []ClientOption{WithKeychain(sec), WithSecret(d.Secret)} }, "", false},
		{"given private key", AuthOAuth, "",
			func(Secrets) []ClientOption { return []ClientOption{WithSecret(string(d.PrivateKeyPEM))} }, "", false},
		{"given token with its Bearer", AuthToken, "",
			func(Secrets) []ClientOption { return []ClientOption{WithSecret("Bearer " + d.Token)} }, "", false},
		{"none stored", AuthLegacy, "",
			func(sec Secrets) []ClientOption { return []ClientOption{WithKeychain(sec)} }, "No secret is stored", false},
		{"given but two words", AuthLegacy, "",
			func(sec Secrets) []ClientOption { return []ClientOption{WithKeychain(sec), WithSecret("two words")} }, "one word", false},
		{"given a key that is no key", AuthOAuth, "",
			func(Secrets) []ClientOption { return []ClientOption{WithSecret("-----BEGIN PRIVATE KEY-----\nxx")} }, "private key cannot be used", false},
		{"from nowhere", AuthLegacy, "", func(Secrets) []ClientOption { return nil }, "no API secret was given", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sec := Secrets{Keychain: mockKeychain(t)}
			p := secretsTestProfile("Radiology", tt.auth, s, d)
			if tt.stored != "" {
				if err := sec.SetSecret(p, tt.stored); err != nil {
					t.Fatal(err)
				}
			}
			before := s.Stats()
			c, err := NewClient(p, tt.opts(sec)...)
			if err == nil {
				_, err = c.Upload(t.Context(), secretsTestFile(t), client.UploadOptions{})
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("upload: %v (%s)", err, client.Detail(err))
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("upload: %v, want an error saying %q", err, tt.wantErr)
			case tt.wantErr != "" && s.Stats() != before:
				t.Errorf("a refused client reached the server: %+v, then %+v", before, s.Stats())
			}
			tok, _ := sec.TokenStore(p).LoadToken()
			if cached := tok.AccessToken != ""; cached != tt.wantCache {
				t.Errorf("a token cached in the keychain: %v, want %v", cached, tt.wantCache)
			}
		})
	}
}

// TestNewClientProxyPassword: a manual proxy's password comes from a run's override, else from
// the keychain.
func TestNewClientProxyPassword(t *testing.T) {
	const stored, given = "stored-Pa55", "given-Pa55"
	s := redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	d := s.AddDemoSources()
	_, ns := nurseProxy(t, s, given)
	p := secretsTestProfile("Radiology", AuthToken, s, d)
	p.UploadURL = "https://redox.example.com/upload" // only the proxy reaches it; the certificate covers it

	for _, tt := range []struct {
		name           string
		keychain, flag string
		wantOK         bool
	}{
		{"the run's over the keychain's", stored, given, true},
		{"the keychain's", given, "", true},
		{"the keychain's, wrong", stored, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sec := Secrets{Keychain: mockKeychain(t)}
			if err := sec.SetProxyPassword(tt.keychain); err != nil {
				t.Fatal(err)
			}
			c, err := NewClient(p, WithKeychain(sec), WithSecret(d.Token), WithNetwork(ns),
				WithNetworkOverride(NetworkOverride{ProxyPassword: tt.flag}))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Upload(t.Context(), secretsTestFile(t), client.UploadOptions{})
			switch {
			case tt.wantOK && err != nil:
				t.Errorf("upload through the proxy: %v (%s)", err, client.Detail(err))
			case !tt.wantOK && (err == nil || !strings.Contains(err.Error(), "asked for a sign-in")):
				t.Errorf("upload through the proxy = %v, want the proxy's sign-in refused", err)
			}
			if err != nil && (strings.Contains(err.Error(), stored) || strings.Contains(client.Detail(err), stored)) {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// TestCoreClientOptions: options given when the core is opened reach every client it builds,
// the queue's included: a source given on the command line uploads with the run's secret,
// and a saved one waits as long as the run says. The Sandbox keeps its demo credentials and
// its own network.
func TestCoreClientOptions(t *testing.T) {
	s, d := secretsTestServer(t)
	run := []ClientOption{WithNetworkOverride(NetworkOverride{StallSeconds: 120}), WithSecret(d.Token)}
	core, err := Open(PathsIn(t.TempDir()), Options{KeychainService: "redox-uploader-clients-test", ClientOptions: run})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close(t.Context()) })
	mockKeychain(t)

	adHoc := secretsTestProfile("Command line", AuthToken, s, d) // not saved; no secret in the keychain
	sub := core.Queue.Subscribe()
	defer sub.Close()
	res, err := core.Queue.Submit(t.Context(), adHoc, []string{secretsTestFile(t)}, SubmitOptions{})
	if err != nil || len(res.IDs) != 1 {
		t.Fatalf("Submit: %v, %+v", err, res)
	}
	if r := lastEvent(waitFinalOn(t, sub, res.IDs[0])[res.IDs[0]]).Record; r.Status != StatusDone {
		t.Errorf("the queue's upload with the run's secret ended %s: %s (%s)", r.Status, r.ErrorMessage, r.ErrorDetail)
	}
	c, err := core.Client(adHoc)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.StallTimeout(); got != 2*time.Minute {
		t.Errorf("the run's --stall-timeout: the client waits %v, want 2m0s", got)
	}

	sandbox, err := core.Sandbox()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := core.Client(sandbox)
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.StallTimeout(); got != client.DefaultStallTimeout {
		t.Errorf("the Sandbox's client waits %v, want the default %v: network settings are not its", got, client.DefaultStallTimeout)
	}
	if _, err := sc.Upload(t.Context(), secretsTestFile(t), client.UploadOptions{}); err != nil {
		t.Errorf("a Sandbox upload with the run's secret given: %v (%s)", err, client.Detail(err))
	}
}

func TestNetworkOverrideApply(t *testing.T) {
	saved := NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://proxy.example.org:8080", ExtraCAPEM: "PEM", StallSeconds: 30}
	tests := []struct {
		name string
		o    NetworkOverride
		want NetworkSettings
	}{
		{"nothing", NetworkOverride{ProxyPassword: "pw"}, saved},
		{"no proxy", NetworkOverride{Proxy: " None "},
			NetworkSettings{ProxyMode: ProxyNone, ExtraCAPEM: "PEM", StallSeconds: 30}},
		{"the environment's", NetworkOverride{Proxy: "ENVIRONMENT"},
			NetworkSettings{ProxyMode: ProxyEnvironment, ExtraCAPEM: "PEM", StallSeconds: 30}},
		{"another proxy", NetworkOverride{Proxy: "https://nurse@gw.example.org:3128"},
			NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "https://nurse@gw.example.org:3128", ExtraCAPEM: "PEM", StallSeconds: 30}},
		{"a certificate file", NetworkOverride{CAFile: "firewall.pem"},
			NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://proxy.example.org:8080", ExtraCAFile: "firewall.pem", StallSeconds: 30}},
		{"a longer stall", NetworkOverride{StallSeconds: 600},
			NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://proxy.example.org:8080", ExtraCAPEM: "PEM", StallSeconds: 600}},
	}
	for _, tt := range tests {
		if got := tt.o.Apply(saved); got != tt.want {
			t.Errorf("%s: Apply = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestClientErrorsNameNoSecret: what NewClient refuses never quotes the secret.
func TestClientErrorsNameNoSecret(t *testing.T) {
	const canary = "CANARY 93ab"
	p := NewProfile("Radiology")
	p.APIKey = "key"
	_, err := NewClient(p, WithSecret(canary))
	if err == nil || strings.Contains(err.Error(), "CANARY") || errors.Is(err, ErrSecretNotFound) {
		t.Errorf("NewClient with a secret of two words: %v", err)
	}
}
