package app

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"redoxuploader/client"
)

func validLegacyProfile() Profile {
	p := NewProfile("Main Lab")
	p.APIKey = "0f1e2d3c-key"
	return p
}

func TestNewProfileDefaults(t *testing.T) {
	p := NewProfile("X")
	if p.Environment != EnvDevelopment || p.Auth != AuthLegacy || p.APIBase != client.DefaultAPIBase ||
		p.UploadURL != client.DefaultUploadURL || p.MaxSize != 10<<20 || p.Parallel != 3 || p.BuiltIn {
		t.Fatalf("defaults: %+v", p)
	}
	var ve *ValidationError
	if err := p.Validate(); !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.For("apiKey") == "" {
		t.Fatalf("a new legacy profile lacks only its API key; got %v", err)
	}
	if err := validLegacyProfile().Validate(); err != nil {
		t.Fatalf("valid profile refused: %v", err)
	}
}

func TestSandboxProfile(t *testing.T) {
	p := SandboxProfile("http://127.0.0.1:5555/upload", "http://127.0.0.1:5555")
	if !p.BuiltIn || p.Environment != EnvSandbox || p.Auth != AuthLegacy || p.Name != SandboxProfileName {
		t.Fatalf("sandbox profile: %+v", p)
	}
	// The sandbox signs in with the stand-in's demo key, which the caller supplies.
	p.APIKey = "demo"
	if err := p.Validate(); err != nil {
		t.Fatalf("sandbox profile refused: %v", err)
	}
	data, _ := json.Marshal(p)
	if strings.Contains(string(data), "uiltIn") {
		t.Fatalf("BuiltIn reaches JSON: %s", data)
	}
}

func TestProfileValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *Profile)
		field  string // "" = valid
		want   string // part of the message
	}{
		{"valid", func(p *Profile) {}, "", ""},
		{"empty name", func(p *Profile) { p.Name = "" }, "name", "Enter a name"},
		{"long name", func(p *Profile) { p.Name = strings.Repeat("n", 65) }, "name", "at most 64"},
		{"64 characters", func(p *Profile) { p.Name = strings.Repeat("é", 64) }, "", ""},
		{"control char", func(p *Profile) { p.Name = "a\nb" }, "name", "control characters"},
		{"tab", func(p *Profile) { p.Name = "a\tb" }, "name", "control characters"},
		{"not UTF-8", func(p *Profile) { p.Name = "a\xffb" }, "name", "not text"},
		{"right-to-left override", func(p *Profile) { p.Name = "Radiology\u202eevil" }, "name", "Remove the invisible character <U+202E> from the name"},
		{"left-to-right isolate", func(p *Profile) { p.Name = "\u2066Main" }, "name", "<U+2066>"},
		{"zero-width space", func(p *Profile) { p.Name = "Ma\u200bin" }, "name", "<U+200B>"},
		{"zero-width joiner", func(p *Profile) { p.Name = "Main\u200d" }, "name", "<U+200D>"},
		{"letters of any script", func(p *Profile) { p.Name = "أشعة راديولوجي 放射科" }, "", ""},
		{"key with a zero-width space", func(p *Profile) { p.APIKey = "ab\u200bcd" }, "apiKey", "invisible characters"},
		{"client ID with a bidi mark", func(p *Profile) { p.Auth, p.ClientID, p.KeyID = AuthOAuth, "cid\u200e", "kid" }, "clientId", "invisible characters"},
		{"spaces around", func(p *Profile) { p.Name = " Main" }, "name", "spaces at the start or end"},
		{"reserved", func(p *Profile) { p.Name = "Sandbox" }, "name", "built-in"},
		{"reserved any case", func(p *Profile) { p.Name = "sANDBOX" }, "name", "built-in"},
		{"reserved but built in", func(p *Profile) { p.Name = "Sandbox"; p.BuiltIn = true }, "", ""},
		{"environment", func(p *Profile) { p.Environment = "production" }, "environment", "Production"},
		{"empty environment", func(p *Profile) { p.Environment = "" }, "environment", "Choose"},
		{"each environment", func(p *Profile) { p.Environment = EnvStaging }, "", ""},
		{"sandbox environment", func(p *Profile) { p.Environment = EnvSandbox }, "", ""},
		{"auth", func(p *Profile) { p.Auth = "basic" }, "auth", "legacy"},
		{"legacy without key", func(p *Profile) { p.APIKey = "" }, "apiKey", "API key"},
		{"key with space", func(p *Profile) { p.APIKey = "ab cd" }, "apiKey", "spaces"},
		{"oauth", func(p *Profile) { p.Auth, p.ClientID, p.KeyID = AuthOAuth, "cid", "kid" }, "", ""},
		{"oauth without client", func(p *Profile) { p.Auth, p.KeyID = AuthOAuth, "kid" }, "clientId", "client ID"},
		{"oauth without key id", func(p *Profile) { p.Auth, p.ClientID = AuthOAuth, "cid" }, "keyId", "key ID"},
		{"token needs no id", func(p *Profile) { p.Auth, p.APIKey = AuthToken, "" }, "", ""},
		{"http to loopback", func(p *Profile) {
			p.UploadURL, p.APIBase = "http://127.0.0.1:8080/upload", "http://localhost:8080"
		}, "", ""},
		{"http to ::1", func(p *Profile) { p.UploadURL = "http://[::1]:9/upload" }, "", ""},
		{"http to remote", func(p *Profile) { p.UploadURL = "http://blob.redoxengine.com/upload" },
			"uploadUrl", "Use https:// — plain http is only allowed to this computer."},
		{"http API base", func(p *Profile) { p.APIBase = "http://api.redoxengine.com" },
			"apiBase", "Use https:// — plain http is only allowed to this computer."},
		{"ftp", func(p *Profile) { p.UploadURL = "ftp://blob.redoxengine.com/upload" }, "uploadUrl", "Start the address with https://"},
		{"no scheme", func(p *Profile) { p.UploadURL = "blob.redoxengine.com/upload" }, "uploadUrl", "https://"},
		{"empty URL", func(p *Profile) { p.UploadURL = "" }, "uploadUrl", "Enter the address"},
		{"user info", func(p *Profile) { p.APIBase = "https://me:pw@api.redoxengine.com" }, "apiBase", "user name or password"},
		{"bad URL", func(p *Profile) { p.UploadURL = "https://%zz" }, "uploadUrl", "not a web address"},
		{"zero size", func(p *Profile) { p.MaxSize = 0 }, "maxSize", "30 MiB"},
		{"negative size", func(p *Profile) { p.MaxSize = -1 }, "maxSize", "above 0"},
		{"30 MiB", func(p *Profile) { p.MaxSize = MaxAllowedSize }, "", ""},
		{"over 30 MiB", func(p *Profile) { p.MaxSize = MaxAllowedSize + 1 }, "maxSize", "at most 30 MiB"},
		{"parallel 0", func(p *Profile) { p.Parallel = 0 }, "parallel", "between 1 and 16"},
		{"parallel 16", func(p *Profile) { p.Parallel = 16 }, "", ""},
		{"parallel 17", func(p *Profile) { p.Parallel = 17 }, "parallel", "between 1 and 16"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validLegacyProfile()
			tc.change(&p)
			err := p.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			if len(ve.Problems) != 1 {
				t.Errorf("problems = %+v, want only %s", ve.Problems, tc.field)
			}
			msg := ve.For(tc.field)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("For(%q) = %q, want it to contain %q", tc.field, msg, tc.want)
			}
			if !strings.Contains(err.Error(), msg) {
				t.Errorf("Error() = %q lacks the field's message", err)
			}
		})
	}
}

func TestProfileValidateListsEveryProblem(t *testing.T) {
	p := Profile{Auth: AuthOAuth, UploadURL: "http://example.com/u", MaxSize: 0, Parallel: 99}
	var ve *ValidationError
	if !errors.As(p.Validate(), &ve) {
		t.Fatal("an empty profile passed")
	}
	var fields []string
	for _, pr := range ve.Problems {
		fields = append(fields, pr.Field)
		if pr.Message == "" {
			t.Errorf("%s has no message", pr.Field)
		}
	}
	want := "name environment clientId keyId apiBase uploadUrl maxSize parallel"
	if got := strings.Join(fields, " "); got != want {
		t.Fatalf("fields = %q, want %q", got, want)
	}
	if ve.For("auth") != "" {
		t.Errorf("For of a field without a problem = %q", ve.For("auth"))
	}
	if msg := ve.Error(); !strings.Contains(msg, "Upload address: Use https://") || !strings.Contains(msg, "Parallel uploads: ") {
		t.Errorf("Error() = %q", msg)
	}
}

func TestProfileSourceID(t *testing.T) {
	legacy := validLegacyProfile()
	if got := legacy.SourceID(); got != "legacy:0f1e2d3c-key@blob.redoxengine.com" {
		t.Errorf("legacy SourceID = %q", got)
	}
	// Stable across what does not change the source: name, environment, limits, case and port.
	renamed := legacy
	renamed.Name, renamed.Environment, renamed.MaxSize, renamed.Parallel = "Other", EnvProduction, 1, 1
	renamed.UploadURL = "https://BLOB.redoxengine.com:443/upload"
	if renamed.SourceID() != legacy.SourceID() {
		t.Errorf("SourceID changed with settings that keep the source: %q vs %q", renamed.SourceID(), legacy.SourceID())
	}
	canada := legacy
	canada.UploadURL = "https://blob.ca.redoxengine.com/upload"
	if canada.SourceID() == legacy.SourceID() {
		t.Error("another upload host gave the same SourceID")
	}

	oauth := legacy
	oauth.Auth, oauth.ClientID, oauth.KeyID = AuthOAuth, "client-1", "kid-1"
	if got := oauth.SourceID(); got != "oauth:client-1@blob.redoxengine.com" {
		t.Errorf("oauth SourceID = %q", got)
	}
	rotated := oauth
	rotated.KeyID = "kid-2"
	if rotated.SourceID() != oauth.SourceID() {
		t.Error("rotating the OAuth key changed the source")
	}

	token := legacy
	token.Auth = AuthToken
	id := token.SourceID()
	if !regexp.MustCompile(`^token:[0-9a-f]{12}@blob\.redoxengine\.com$`).MatchString(id) {
		t.Errorf("token SourceID = %q", id)
	}
	if token.SourceID() != id {
		t.Error("token SourceID not stable")
	}
	token.Name = "Another"
	if token.SourceID() == id {
		t.Error("two token profiles share a SourceID")
	}

	a := SandboxProfile("http://127.0.0.1:1111/upload", "http://127.0.0.1:1111")
	b := SandboxProfile("http://127.0.0.1:2222/upload", "http://127.0.0.1:2222")
	if a.SourceID() != "sandbox@127.0.0.1" || b.SourceID() != a.SourceID() {
		t.Errorf("sandbox SourceIDs = %q, %q", a.SourceID(), b.SourceID())
	}
}
