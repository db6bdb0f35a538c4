package app

import (
	"encoding/pem"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// checkCore opens a Core that logs, with profiles saved and no network settings.
func checkCore(t *testing.T, profiles ...Profile) *Core {
	t.Helper()
	keyring.MockInit()
	core, err := Open(PathsIn(t.TempDir()), Options{KeychainService: "redox-uploader-check-test", Logging: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close(t.Context()) })
	st := DefaultSettings()
	for _, p := range profiles {
		if err := st.PutProfile(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := core.Settings.Save(st); err != nil {
		t.Fatal(err)
	}
	return core
}

// addressProfile is a saved source that uploads to uploadURL and signs in at apiBase.
func addressProfile(name, uploadURL, apiBase string) Profile {
	p := NewProfile(name)
	p.Auth, p.APIKey, p.UploadURL, p.APIBase = AuthLegacy, "key", uploadURL, apiBase
	return p
}

// TestCheckNetworkExtraCA: a TLS server signed by an unknown authority is refused with the
// message naming Extra trusted certificates, then reached once its certificate is on the
// (unsaved) settings, pasted or as a file; nothing is signed in or saved.
func TestCheckNetworkExtraCA(t *testing.T) {
	s := redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	core := checkCore(t, addressProfile("Radiology", s.UploadURL(), s.APIBase()))
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}))
	caFile := filepath.Join(t.TempDir(), "firewall.pem")
	if err := os.WriteFile(caFile, []byte(caPEM), 0o600); err != nil {
		t.Fatal(err)
	}

	_, err := core.CheckNetwork(t.Context(), NetworkSettings{ProxyMode: ProxyNone}, "")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Kind != client.KindNetwork || ce.Fix != client.FixCertificates ||
		!strings.Contains(SurfaceWindow.Explain(err), "Extra trusted certificates are added in Settings → Network") {
		t.Fatalf("check against an unknown authority = %v, want the unknown-authority message", err)
	}
	host := strings.TrimPrefix(s.URL, "https://")
	for _, ns := range []NetworkSettings{{ProxyMode: ProxyNone, ExtraCAPEM: caPEM}, {ProxyMode: ProxyNone, ExtraCAFile: caFile}} {
		check, err := core.CheckNetwork(t.Context(), ns, "")
		if err != nil {
			t.Fatalf("check with %+v: %v (%s)", ns, err, client.Detail(err))
		}
		if len(check.Reached) != 1 || check.Reached[0].URL.Host != host {
			t.Errorf("reached %v, want the one server %s (upload and API share it)", check.Reached, host)
		}
		if got := check.String(); !strings.HasPrefix(got, "Reached "+host+" without a proxy (HTTPS, ") {
			t.Errorf("result %q", got)
		}
	}
	if st := s.Stats(); st != (redoxtest.Stats{}) {
		t.Errorf("the check signed in or uploaded: %+v", st)
	}
	if st, _ := core.LoadSettings(); st.Network != (NetworkSettings{}) {
		t.Errorf("the check saved %+v", st.Network)
	}
}

// TestCheckNetworkSettingsProblems: settings that cannot be used come back as the
// *NetworkError Save gives, for the page to mark the field, before anything is sent.
func TestCheckNetworkSettingsProblems(t *testing.T) {
	core := checkCore(t)
	for _, tt := range []struct {
		ns    NetworkSettings
		field string
	}{
		{NetworkSettings{ProxyMode: "auto"}, "proxyMode"},
		{NetworkSettings{ProxyMode: ProxyManual, ProxyURL: "http://nurse:pw@proxy:8080"}, "proxyUrl"},
		{NetworkSettings{ProxyMode: ProxyManual}, "proxyUrl"},
		{NetworkSettings{ExtraCAFile: filepath.Join(t.TempDir(), "gone.pem")}, "extraCaFile"},
		{NetworkSettings{ExtraCAPEM: "not a certificate"}, "extraCaPem"},
	} {
		_, err := core.CheckNetwork(t.Context(), tt.ns, "")
		var ne *NetworkError
		if !errors.As(err, &ne) || ne.Field != tt.field {
			t.Errorf("check with %+v = %v, want a *NetworkError for %s", tt.ns, err, tt.field)
		}
	}
}

// nurseProxy starts a forward proxy to the TLS stand-in s that lets the user "nurse" through
// with password only, and returns it with network settings that go through it as that user,
// without the password, trusting s's certificate.
func nurseProxy(t *testing.T, s *redoxtest.Server, password string) (*redoxtest.ForwardProxy, NetworkSettings) {
	t.Helper()
	proxy := redoxtest.NewForwardProxy(redoxtest.ProxyConfig{User: "nurse", Password: password, Target: s.Listener.Addr().String()})
	t.Cleanup(proxy.Close)
	u, err := url.Parse(proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User("nurse")
	return proxy, NetworkSettings{ProxyMode: ProxyManual, ProxyURL: u.String(),
		ExtraCAPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}))}
}

// TestCheckNetworkProxyPassword: through a manual proxy that wants a sign-in, the password typed
// on the page is used, else the keychain's; a wrong one gets the proxy-sign-in message; neither
// shows in the result, the error or the log. Each server of the saved sources is asked once,
// however many addresses name it; the proxy carries a made-up host to the stand-in.
func TestCheckNetworkProxyPassword(t *testing.T) {
	const stored, typed = "stored-Pa55-canary", "typed-Pa55-canary"
	s := redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	named := "https://redox.example.com" // the stand-in's certificate covers *.example.com
	core := checkCore(t, addressProfile("Radiology", named+"/upload", named),
		addressProfile("Cardiology", s.UploadURL(), s.APIBase()), addressProfile("Lab", s.UploadURL(), named+"/"))
	if err := core.Secrets.SetProxyPassword(stored); err != nil {
		t.Fatal(err)
	}
	proxy, ns := nurseProxy(t, s, typed)

	_, refused := core.CheckNetwork(t.Context(), ns, "")
	if client.KindOf(refused) != client.KindNetwork || !strings.Contains(refused.Error(), "asked for a sign-in") {
		t.Errorf("check with the keychain's (wrong) password = %v, want the proxy sign-in message", refused)
	}
	check, err := core.CheckNetwork(t.Context(), ns, typed)
	if err != nil {
		t.Fatalf("check with the typed password: %v (%s)", err, client.Detail(err))
	}
	host := strings.TrimPrefix(s.URL, "https://")
	u, _ := url.Parse(proxy.URL)
	want := "Reached redox.example.com and " + host + " through " + u.Host + " (HTTPS, "
	if got := check.String(); !strings.HasPrefix(got, want) {
		t.Errorf("result %q, want it to start %q", got, want)
	}
	if err := core.Secrets.SetProxyPassword(typed); err != nil {
		t.Fatal(err)
	}
	if _, err := core.CheckNetwork(t.Context(), ns, ""); err != nil {
		t.Errorf("check with the keychain's right password: %v (%s)", err, client.Detail(err))
	}
	wantSeen := []string{"CONNECT redox.example.com:443", "CONNECT redox.example.com:443", "CONNECT " + host,
		"CONNECT redox.example.com:443", "CONNECT " + host}
	if seen := proxy.Seen(); !reflect.DeepEqual(seen, wantSeen) {
		t.Errorf("the proxy saw %q, want %q", seen, wantSeen)
	}
	if st := s.Stats(); st != (redoxtest.Stats{}) {
		t.Errorf("the check signed in or uploaded: %+v", st)
	}

	logged, err := os.ReadFile(core.Paths.LogFile())
	if err != nil {
		t.Fatal(err)
	}
	text := string(logged) + check.String() + client.Detail(refused)
	for _, secret := range []string{stored, typed} {
		if strings.Contains(text, secret) {
			t.Errorf("the proxy password %q is in the log or the result:\n%s", secret, text)
		}
	}
	if !strings.Contains(string(logged), "network check") {
		t.Errorf("the log has no line about the check:\n%s", logged)
	}
}

func TestCheckTargets(t *testing.T) {
	none := checkCore(t)
	if got, err := none.checkTargets(); err != nil || !reflect.DeepEqual(got, []string{client.DefaultAPIBase, client.DefaultUploadURL}) {
		t.Errorf("with no source saved: %q, %v; want Redox's own addresses", got, err)
	}
	canada := checkCore(t,
		addressProfile("Canada", client.DefaultUploadURL, "https://api.ca.redoxengine.com"),
		addressProfile("US", client.DefaultUploadURL, client.DefaultAPIBase))
	want := []string{"https://api.ca.redoxengine.com", client.DefaultUploadURL, client.DefaultAPIBase}
	if got, err := canada.checkTargets(); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("targets %q, %v; want %q", got, err, want)
	}
}

func TestNetworkCheckString(t *testing.T) {
	at := func(raw string) *url.URL { u, _ := url.Parse(raw); return u }
	proxy := at("http://proxy.example.org:8080")
	tests := []struct {
		reached []client.Reached
		took    time.Duration
		want    string
	}{
		{[]client.Reached{{URL: at(client.DefaultAPIBase), Proxy: proxy}, {URL: at(client.DefaultUploadURL), Proxy: proxy}}, 240 * time.Millisecond,
			"Reached api.redoxengine.com and blob.redoxengine.com through proxy.example.org:8080 (HTTPS, 240 ms)."},
		{[]client.Reached{{URL: at(client.DefaultAPIBase)}}, 2440 * time.Millisecond,
			"Reached api.redoxengine.com without a proxy (HTTPS, 2.4 s)."},
		{[]client.Reached{{URL: at("https://a.example"), Proxy: proxy}, {URL: at("http://localhost:8080")}, {URL: at("https://b.example"), Proxy: proxy}}, time.Millisecond,
			"Reached a.example and b.example through proxy.example.org:8080 and localhost:8080 without a proxy (HTTPS and HTTP, 1 ms)."},
	}
	for _, tt := range tests {
		if got := (NetworkCheck{Reached: tt.reached, Took: tt.took}).String(); got != tt.want {
			t.Errorf("String() = %q\n                 want %q", got, tt.want)
		}
	}
}

// TestTrySignInUsesSavedNetwork: a form's test sign-in, with a secret not yet stored, goes
// through the saved proxy as uploads do; a wrong secret is refused there, and nothing is
// stored or cached in the keychain.
func TestTrySignInUsesSavedNetwork(t *testing.T) {
	s := redoxtest.NewTLSServer(redoxtest.Config{})
	t.Cleanup(s.Close)
	demo := s.AddDemoSources()
	_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
	named := "https://redox.example.com:" + port // reachable only through the proxy; the certificate covers it
	proxy := redoxtest.NewForwardProxy(redoxtest.ProxyConfig{Target: s.Listener.Addr().String()})
	t.Cleanup(proxy.Close)
	p := addressProfile("Radiology", named+"/upload", named)
	p.APIKey = demo.APIKey
	core := checkCore(t)
	ca := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}))
	if err := core.SaveNetwork(NetworkSettings{ProxyMode: ProxyManual, ProxyURL: proxy.URL, ExtraCAPEM: ca}, SaveNetworkOptions{}); err != nil {
		t.Fatal(err)
	}

	tok, err := core.TrySignIn(t.Context(), p, "  "+demo.Secret+"\n")
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("TrySignIn through the saved proxy: %v (%s)", err, client.Detail(err))
	}
	if n := proxy.Count("CONNECT redox.example.com:" + port); n != 1 {
		t.Errorf("the proxy carried %q; want the sign-in's tunnel", proxy.Seen())
	}
	if _, err := core.TrySignIn(t.Context(), p, "wrong-secret"); client.KindOf(err) != client.KindCredentials {
		t.Errorf("a wrong secret: %v, want an authentication error", err)
	}
	if _, err := core.TrySignIn(t.Context(), p, "two words"); err == nil || !strings.Contains(err.Error(), "one word") {
		t.Errorf("a secret with a space: %v", err)
	}
	if _, err := core.Secrets.Secret(p); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("the tried secret was stored: %v", err)
	}
	if tok, err := core.Secrets.TokenStore(p).LoadToken(); err == nil && tok.AccessToken != "" {
		t.Error("the test sign-in cached a token")
	}
}
