package redoxtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fixedNow is the clock of the legacy login tests.
var fixedNow = time.Date(2015, 3, 24, 20, 52, 35, 0, time.UTC)

// legacyReply is the body of a successful legacy login or refresh, as Redox documents it.
type legacyReply struct {
	AccessToken  string `json:"accessToken"`
	Expires      string `json:"expires"`
	RefreshToken string `json:"refreshToken"`
}

// decodeLegacy parses a legacy login reply.
func decodeLegacy(t *testing.T, got reply) legacyReply {
	t.Helper()
	if got.status != http.StatusOK || got.header.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q %q, want 200 application/json", got.status, got.header.Get("Content-Type"), got.body)
	}
	var lr legacyReply
	if err := json.Unmarshal([]byte(got.body), &lr); err != nil {
		t.Fatalf("reply %q: %v", got.body, err)
	}
	if len(lr.AccessToken) < 32 || len(lr.RefreshToken) < 32 || lr.AccessToken == lr.RefreshToken {
		t.Fatalf("tokens %q and %q: want two distinct tokens of 32+ characters", lr.AccessToken, lr.RefreshToken)
	}
	return lr
}

func TestAuthenticate(t *testing.T) {
	s := newTestServer(t, Config{Now: func() time.Time { return fixedNow }})
	s.AddLegacySource("clinic", "key-1", "secret-1")

	lr := decodeLegacy(t, postJSON(t, s, "/auth/authenticate", map[string]string{"apiKey": "key-1", "secret": "secret-1"}))
	if want := "2015-03-25T20:52:35.000Z"; lr.Expires != want {
		t.Errorf("expires = %q, want %q", lr.Expires, want)
	}

	tests := []struct {
		name   string
		body   any
		status int
	}{
		{"wrong secret", map[string]string{"apiKey": "key-1", "secret": "nope"}, http.StatusUnauthorized},
		{"unknown key", map[string]string{"apiKey": "key-2", "secret": "secret-1"}, http.StatusUnauthorized},
		{"empty", map[string]string{}, http.StatusUnauthorized},
		{"not an object", "key-1", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantInvalidRequest(t, postJSON(t, s, "/auth/authenticate", tt.body), tt.status)
		})
	}
	if got := s.Stats().Authenticate; got != 1+len(tests) {
		t.Errorf("Stats().Authenticate = %d, want %d", got, 1+len(tests))
	}
}

func TestRefresh(t *testing.T) {
	s := newTestServer(t, Config{})
	s.AddLegacySource("clinic", "key-1", "secret-1")
	s.AddLegacySource("lab", "key-2", "secret-2")
	first := decodeLegacy(t, postJSON(t, s, "/auth/authenticate", map[string]string{"apiKey": "key-1", "secret": "secret-1"}))
	other := decodeLegacy(t, postJSON(t, s, "/auth/authenticate", map[string]string{"apiKey": "key-2", "secret": "secret-2"}))

	second := decodeLegacy(t, postJSON(t, s, "/auth/refreshToken", map[string]string{"apiKey": "key-1", "refreshToken": first.RefreshToken}))
	if second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken {
		t.Errorf("refresh returned the old tokens")
	}
	if got := uploadFile(t, s, second.AccessToken, []byte("x")); got.status != http.StatusCreated {
		t.Fatalf("upload with refreshed token: %d %q", got.status, got.body)
	}
	if src := s.Uploads()[0].Source; src != "clinic" {
		t.Errorf("upload source = %q, want clinic", src)
	}

	s.RevokeToken(other.RefreshToken)
	tests := []struct {
		name         string
		apiKey, body string
	}{
		{"used refresh token", "key-1", first.RefreshToken},
		{"revoked refresh token", "key-2", other.RefreshToken},
		{"another key's refresh token", "key-2", second.RefreshToken},
		{"access token", "key-1", second.AccessToken},
		{"unknown", "key-1", strings.Repeat("x", 43)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := postJSON(t, s, "/auth/refreshToken", map[string]string{"apiKey": tt.apiKey, "refreshToken": tt.body})
			wantInvalidRequest(t, got, http.StatusUnauthorized)
		})
	}

	t.Run("refresh after ExpireTokens", func(t *testing.T) {
		s.ExpireTokens()
		wantInvalidRequest(t, uploadFile(t, s, second.AccessToken, []byte("x")), http.StatusUnauthorized)
		third := decodeLegacy(t, postJSON(t, s, "/auth/refreshToken", map[string]string{"apiKey": "key-1", "refreshToken": second.RefreshToken}))
		if got := uploadFile(t, s, third.AccessToken, []byte("x")); got.status != http.StatusCreated {
			t.Errorf("upload after refresh: %d %q", got.status, got.body)
		}
	})
}

func TestWrongMethod(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, path := range []string{"/auth/authenticate", "/auth/refreshToken", "/v2/auth/token", "/upload"} {
		t.Run(path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := do(t, s.Client(), req); got.status != http.StatusMethodNotAllowed {
				t.Errorf("GET %s = %d, want 405", path, got.status)
			}
		})
	}
}
