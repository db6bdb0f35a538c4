package app

import (
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// policyCore opens a core in a fresh folder under the policy in policyJSON (none when ""),
// written to a file only its owner can write, as an administrator's is.
func policyCore(t *testing.T, policyJSON string) *Core {
	t.Helper()
	trustTestPolicies(t)
	opts := Options{KeychainService: "redox-uploader-policy-test"}
	if policyJSON != "" {
		opts.PolicyFile = writePolicy(t, policyJSON, 0o644)
	}
	core, err := Open(PathsIn(t.TempDir()), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close(t.Context()) })
	return core
}

// writePolicy writes a policy file with mode perm in a folder only its owner can write.
func writePolicy(t *testing.T, content string, perm os.FileMode) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "etc")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

// saveOwnSource saves a source of the user's own, as the window's form does.
func saveOwnSource(t *testing.T, core *Core, name string) Profile {
	t.Helper()
	p := NewProfile(name)
	p.APIKey = "own-key"
	if _, err := core.SaveProfile(p, SaveProfileOptions{}); err != nil {
		t.Fatal(err)
	}
	return p
}

const fullPolicy = `{
	"sources": [
		{"name": "Radiology", "environment": "Production", "auth": "oauth", "clientId": "rad-client", "keyId": "rad-key",
		 "uploadUrl": "https://blob.redoxengine.com/upload", "apiBase": "https://api.redoxengine.com", "maxSize": 20971520, "parallel": 2}
	],
	"userSources": false,
	"proxyMode": "manual", "proxyUrl": "http://proxy.hospital.example:3128",
	"minimumRetentionDays": 90,
	"notifications": false, "lockNotifications": true,
	"autoCopy": true,
	"sandbox": false
}`

// TestPolicyManagedSourcesAndLocks: a managed source appears without any user action, marked
// Managed, and hides a user's source of the same name; a user can neither change nor remove
// it, nor add or remove sources of their own once userSources is false; locked settings
// cannot change, and what is not locked can.
func TestPolicyManagedSourcesAndLocks(t *testing.T) {
	// The user's own settings first, then IT's policy arrives.
	trustTestPolicies(t)
	dir := t.TempDir()
	own, err := Open(PathsIn(dir), Options{KeychainService: "redox-uploader-policy-test"})
	if err != nil {
		t.Fatal(err)
	}
	saveOwnSource(t, own, "Radiology")
	saveOwnSource(t, own, "Ward 7")
	if err := own.SavePreferences(func(st *Settings) { st.Notifications, st.RetentionDays = true, 30 }); err != nil {
		t.Fatal(err)
	}
	own.Close(t.Context())

	core, err := Open(PathsIn(dir), Options{KeychainService: "redox-uploader-policy-test", PolicyFile: writePolicy(t, fullPolicy, 0o644)})
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close(t.Context())
	if core.Policy().Problem != nil {
		t.Fatalf("policy problem: %v", core.Policy().Problem)
	}
	st, err := core.LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range st.Profiles {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"Radiology", "Ward 7"}) {
		t.Fatalf("sources %q, want the managed Radiology first, then the user's Ward 7", names)
	}
	rad := st.Profiles[0]
	if !rad.Managed || rad.Auth != AuthOAuth || rad.ClientID != "rad-client" || rad.MaxSize != 20<<20 || rad.Parallel != 2 ||
		rad.Environment != EnvProduction {
		t.Errorf("managed source %+v, want the policy's, marked Managed", rad)
	}
	if st.Profiles[1].Managed {
		t.Error("the user's own source is marked Managed")
	}
	if p, err := core.Profile("radiology"); err != nil || !p.Managed {
		t.Errorf("Profile(radiology) = %+v, %v; want the managed source", p, err)
	}
	if st.Network.ProxyMode != ProxyManual || st.Network.ProxyURL != "http://proxy.hospital.example:3128" {
		t.Errorf("network %+v, want the policy's proxy", st.Network)
	}
	if st.Notifications || st.RetentionDays != 90 || st.AutoCopy {
		t.Errorf("notifications %v, retention %d, auto-copy %v; want off (locked), 90 (the minimum over the user's 30), "+
			"off (the user's saved choice over the policy's unlocked default)", st.Notifications, st.RetentionDays, st.AutoCopy)
	}

	edited := rad
	edited.Parallel = 5
	added := NewProfile("New")
	added.APIKey = "new-key" // valid: only the policy refuses it
	refusals := map[string]error{
		"changing the managed source": second(core.SaveProfile(edited, SaveProfileOptions{Replace: true})),
		"removing the managed source": third(core.RemoveProfile("Radiology")),
		"adding a source":             second(core.SaveProfile(added, SaveProfileOptions{})),
		"removing the user's source":  third(core.RemoveProfile("Ward 7")),
		"changing the proxy":          core.SaveNetwork(NetworkSettings{ProxyMode: ProxyNone}, SaveNetworkOptions{}),
		"notifications on":            core.SavePreferences(func(st *Settings) { st.Notifications = true }),
		"retention under the minimum": core.SavePreferences(func(st *Settings) { st.RetentionDays = 30 }),
		"the sandbox":                 second(core.Sandbox()),
	}
	for what, err := range refusals {
		if err == nil {
			t.Errorf("%s: allowed", what)
			continue
		}
		if what != "retention under the minimum" && !errors.Is(err, ErrSetByOrganisation) {
			t.Errorf("%s: %v, want a refusal matching ErrSetByOrganisation", what, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "organisation") || !strings.HasSuffix(msg, ".") {
			t.Errorf("%s: %q, want one plain sentence naming the organisation", what, msg)
		}
	}

	diag := core.Diagnostics("test")
	for _, want := range []string{"Policy: " + core.Policy().Origin, "managed sources: Radiology", "Radiology (set by the organisation's policy)",
		"sources of the user's own: locked", "proxy: set by the policy", "at least 90 days", "sandbox: not offered"} {
		if !strings.Contains(diag, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, diag)
		}
	}

	// What the policy leaves alone still changes, and the policy's values are not saved as the user's.
	ns := st.Network
	ns.StallSeconds = 120
	if err := core.SaveNetwork(ns, SaveNetworkOptions{}); err != nil {
		t.Errorf("changing the stall timeout: %v", err)
	}
	if err := core.SavePreferences(func(st *Settings) { st.AutoCopy, st.RetentionDays = true, 365 }); err != nil {
		t.Errorf("auto-copy and a retention over the minimum: %v", err)
	}
	saved, err := core.Settings.Load()
	if err != nil {
		t.Fatal(err)
	}
	if saved.Network.StallSeconds != 120 || saved.Network.ProxyMode != "" || saved.Network.ProxyURL != "" ||
		!saved.AutoCopy || saved.RetentionDays != 365 || len(saved.Profiles) != 2 || saved.Profiles[0].Managed {
		t.Errorf("the user's settings file holds %+v; want the stall timeout, auto-copy and retention saved, the policy's "+
			"proxy and sources not", saved)
	}
}

func second[A, B any](_ A, b B) B        { return b }
func third[A, B, C any](_ A, _ B, c C) C { return c }

// TestPolicyDefaults: an unlocked preference of the policy is the default of a user who has
// chosen none, and the user's choice afterwards.
func TestPolicyDefaults(t *testing.T) {
	core := policyCore(t, `{"notifications": false, "autoCopy": true}`)
	st, err := core.LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	if st.Notifications || !st.AutoCopy {
		t.Errorf("a new user: notifications %v, auto-copy %v; want the policy's defaults, off and on", st.Notifications, st.AutoCopy)
	}
	if err := core.SavePreferences(func(st *Settings) { st.Notifications, st.AutoCopy = true, false }); err != nil {
		t.Fatal(err)
	}
	if st, _ = core.LoadSettings(); !st.Notifications || st.AutoCopy {
		t.Errorf("after the user chose: notifications %v, auto-copy %v; want on and off", st.Notifications, st.AutoCopy)
	}
}

// TestPolicyThatCannotBeRead: a policy that is not JSON, or holds a lock of the wrong kind,
// starts the app, says what is wrong, and locks what it would have locked; a file a user could
// have written is ignored, with a warning, and locks nothing; a misspelt name is pointed out.
func TestPolicyThatCannotBeRead(t *testing.T) {
	for _, tc := range []struct {
		name, policy string
		perm         os.FileMode
		problem      string // in Problem
		sources      bool   // adding a source of one's own is refused
		notify       bool   // changing notifications is refused
		managed      bool   // the source in the policy applies
	}{
		{"not JSON", `{"sources": [`, 0o644, "cannot be used", true, true, false},
		{"a lock of the wrong kind", `{"lockNotifications": "yes"}`, 0o644, "lockNotifications: true or false", false, true, false},
		{"a misspelt name", `{"retentionDay": 30, "sources": [{"name": "Lab", "apiKey": "k"}]}`, 0o644, `"retentionDay" is not a setting`,
			false, false, true},
		{"a managed source that does not validate", `{"sources": [{"name": "Lab", "uploadUrl": "ftp://x"}]}`, 0o644, `source "Lab"`,
			true, false, false},
		{"writable by everyone", `{"sources": [{"name": "Lab", "apiKey": "k"}], "userSources": false, "lockNotifications": true}`, 0o666,
			"was ignored", false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			trustTestPolicies(t)
			core, err := Open(PathsIn(t.TempDir()), Options{KeychainService: "redox-uploader-policy-test",
				PolicyFile: writePolicy(t, tc.policy, tc.perm)})
			if err != nil {
				t.Fatalf("the app does not start: %v", err)
			}
			defer core.Close(t.Context())
			pol := core.Policy()
			if pol == nil || pol.Problem == nil || !strings.Contains(pol.Problem.Error(), tc.problem) {
				t.Fatalf("policy %+v; want a problem saying %q", pol, tc.problem)
			}
			mine := NewProfile("Mine")
			mine.APIKey = "own-key"
			if _, err := core.SaveProfile(mine, SaveProfileOptions{}); (err != nil) != tc.sources {
				t.Errorf("adding a source of one's own: %v, want refused: %v", err, tc.sources)
			}
			err = core.SavePreferences(func(st *Settings) { st.Notifications = !st.Notifications })
			if (err != nil) != tc.notify {
				t.Errorf("changing notifications: %v, want refused: %v", err, tc.notify)
			}
			if _, managed := pol.ManagedSource("Lab"); managed != tc.managed {
				t.Errorf("managed source Lab applied: %v, want %v", managed, tc.managed)
			}
		})
	}
}

// TestPolicyNamesFollowOneTable: every value name of the policy is read from policy.json as
// from the registry, with its first letter in lower case, and a file using them all is read
// without a problem.
func TestPolicyNamesFollowOneTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for _, s := range policySettings {
		key := strings.ToLower(s.name[:1]) + s.name[1:]
		switch s.kind {
		case policyBool:
			b.WriteString(`"` + key + `": true,`)
		case policyInt:
			b.WriteString(`"` + key + `": 30,`)
		default:
			b.WriteString(`"` + key + `": "",`)
		}
	}
	b.WriteString(`"sources": [{"name": "All", "environment": "Staging", "auth": "legacy", "apiKey": "k", "clientId": "", "keyId": "",
		"uploadUrl": "https://blob.redoxengine.com/upload", "apiBase": "https://api.redoxengine.com", "maxSize": 1024, "parallel": 1}]}`)
	p := &Policy{}
	if err := parsePolicyJSON(p, []byte(b.String())); err != nil || p.Problem != nil {
		t.Fatalf("a policy with every name: %v, %v", err, p.Problem)
	}
	if p.UserSources == nil || p.RetentionDays == nil || *p.RetentionDays != 30 || p.ProxyMode == nil || !p.LockAutoCopy ||
		len(p.Sources) != 1 || p.Sources[0].Environment != EnvStaging || p.Sources[0].MaxSize != 1024 {
		t.Errorf("read %+v, want every value set", p)
	}
	var fields []string
	for _, s := range policySourceSettings {
		fields = append(fields, s.name)
	}
	for _, n := range []string{"Name", "Environment", "Auth", "ApiKey", "ClientId", "KeyId", "UploadUrl", "ApiBase", "MaxSize", "Parallel"} {
		if !slices.Contains(fields, n) {
			t.Errorf("a managed source has no %s", n)
		}
	}
}

// slotsReader is a policy's top key holding the source keys given, as the registry reader
// gives them.
type slotsReader struct {
	jsonPolicy
	slots []namedReader
}

func (r slotsReader) sources() ([]namedReader, error) { return r.slots, nil }

// TestPolicyEmptySourceSlot: a Group Policy source slot left without values (its key, or only
// its unnamed default value) is no source and no problem; a slot with values is a source.
func TestPolicyEmptySourceSlot(t *testing.T) {
	p := &Policy{}
	readPolicy(p, slotsReader{jsonPolicy: jsonPolicy{}, slots: []namedReader{
		{key: "1", r: jsonPolicy{"Name": []byte(`"Cardiology"`), "ApiKey": []byte(`"k"`)}},
		{key: "2", r: jsonPolicy{}},
		{key: "3", r: jsonPolicy{"": []byte(`""`)}},
	}})
	if p.Problem != nil || len(p.Sources) != 1 || p.Sources[0].Name != "Cardiology" || p.UserSourcesLocked() {
		t.Errorf("read %+v, problem %v; want Cardiology alone, no problem, users' sources not locked", p.Sources, p.Problem)
	}
}

// TestPolicySavingReturnsEffectiveSettings: the settings SaveProfile and RemoveProfile return,
// which the window shows next, hold the managed sources as LoadSettings does.
func TestPolicySavingReturnsEffectiveSettings(t *testing.T) {
	core := policyCore(t, `{"sources": [{"name": "Radiology", "apiKey": "rad-key"}]}`)
	mine := NewProfile("Mine")
	mine.APIKey = "own-key"
	saved, err := core.SaveProfile(mine, SaveProfileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := saved.Settings.Profile("Radiology"); !ok || !p.Managed {
		t.Errorf("SaveProfile returned %+v; want the managed Radiology among them", saved.Settings.Profiles)
	}
	_, st, err := core.RemoveProfile("Mine")
	var left *SecretsLeftError
	if err != nil && !errors.As(err, &left) { // no keychain here: the settings part is what counts
		t.Fatal(err)
	}
	if p, ok := st.Profile("Radiology"); !ok || !p.Managed || len(st.Profiles) != 1 {
		t.Errorf("RemoveProfile returned %+v; want the managed Radiology alone", st.Profiles)
	}
}

// TestRunNetworkOverridesUnderPolicy: one run's network choices (the command line's --proxy
// and --ca-file) cannot send a file around what the organisation's policy sets: no proxy,
// another proxy or another certificate file is refused in one plain sentence, before anything
// is sent; the policy's own values given again, or a longer stall timeout, which no policy
// sets, are not. Without a policy each is the run's to choose.
func TestRunNetworkOverridesUnderPolicy(t *testing.T) {
	tlsServer := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsServer.Close)
	dir := t.TempDir()
	hospitalCA, otherCA := filepath.Join(dir, "hospital.pem"), filepath.Join(dir, "other.pem")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsServer.Certificate().Raw})
	for _, f := range []string{hospitalCA, otherCA} {
		if err := os.WriteFile(f, caPEM, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const proxy = "http://proxy.hospital.example:3128"
	managed := policyCore(t, fmt.Sprintf(`{"proxyMode": "manual", "proxyUrl": %q, "extraCaFile": %q}`, proxy, hospitalCA))
	free := policyCore(t, "")
	s, d := secretsTestServer(t)
	adHoc := secretsTestProfile("Command line", AuthToken, s, d)

	for _, tc := range []struct {
		name    string
		run     NetworkOverride
		refused string // what the refusal says under the policy; "" when allowed
	}{
		{"no proxy", NetworkOverride{Proxy: "none"}, "The proxy is set by your organisation"},
		{"the system's proxy", NetworkOverride{Proxy: "system"}, "The proxy is set by your organisation"},
		{"another proxy", NetworkOverride{Proxy: "http://elsewhere.example:8080"}, "The proxy is set by your organisation"},
		{"another certificate file", NetworkOverride{CAFile: otherCA}, "The extra trusted certificates file is set by your organisation"},
		{"the policy's proxy", NetworkOverride{Proxy: proxy}, ""},
		{"the policy's certificate file", NetworkOverride{CAFile: hospitalCA}, ""},
		{"a longer stall timeout", NetworkOverride{StallSeconds: 600}, ""},
	} {
		_, err := managed.Client(adHoc, WithSecret(d.Token), WithNetworkOverride(tc.run))
		switch {
		case tc.refused == "" && err != nil:
			t.Errorf("%s under the policy: %v, want it allowed", tc.name, err)
		case tc.refused != "" && (!errors.Is(err, ErrSetByOrganisation) || !strings.HasPrefix(err.Error(), tc.refused)):
			t.Errorf("%s under the policy: %v, want a refusal saying %q", tc.name, err, tc.refused)
		}
		if _, err := free.Client(adHoc, WithSecret(d.Token), WithNetworkOverride(tc.run)); err != nil {
			t.Errorf("%s without a policy: %v, want it allowed", tc.name, err)
		}
	}
}

// TestPolicyProxyAddressAlone: a policy that sets the proxy's address and not how to reach
// Redox sends every upload through that proxy, whatever mode the user saved, and the user
// cannot turn it off; the user's own saved mode is kept for the day the policy goes.
func TestPolicyProxyAddressAlone(t *testing.T) {
	const proxy = "http://proxy.hospital.example:3128"
	core := policyCore(t, `{"proxyUrl": "`+proxy+`"}`)
	if err := core.Settings.Update(func(st *Settings) error { st.Network.ProxyMode = ProxyNone; return nil }); err != nil {
		t.Fatal(err)
	}
	st, err := core.LoadSettings()
	if err != nil {
		t.Fatal(err)
	}
	if st.Network.ProxyMode != ProxyManual || st.Network.ProxyURL != proxy {
		t.Errorf("effective network %+v, want the policy's proxy, manual", st.Network)
	}
	if err := core.SaveNetwork(NetworkSettings{ProxyMode: ProxyNone}, SaveNetworkOptions{}); !errors.Is(err, ErrSetByOrganisation) {
		t.Errorf("turning the proxy off: %v, want it refused as set by the organisation", err)
	}
	longer := st.Network
	longer.StallSeconds = 300
	if err := core.SaveNetwork(longer, SaveNetworkOptions{}); err != nil {
		t.Fatalf("saving a longer stall timeout: %v", err)
	}
	own, err := core.Settings.Load()
	if err != nil {
		t.Fatal(err)
	}
	if own.Network.ProxyMode != ProxyNone || own.Network.ProxyURL != "" || own.Network.StallSeconds != 300 {
		t.Errorf("saved network %+v, want the user's own mode (none, no address) kept and the stall timeout saved", own.Network)
	}
}
