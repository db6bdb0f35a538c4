package redoxtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// assertion describes a client assertion to sign.
type assertion struct {
	method jwt.SigningMethod
	key    any    // private key
	kid    string // omitted when empty
	typ    string // default JWT
	claims jwt.MapClaims
}

// sign returns the compact JWT.
func (a assertion) sign(t *testing.T) string {
	t.Helper()
	tok := jwt.NewWithClaims(a.method, a.claims)
	if a.kid != "" {
		tok.Header["kid"] = a.kid
	}
	if a.typ != "" {
		tok.Header["typ"] = a.typ
	}
	signed, err := tok.SignedString(a.key)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// validClaims are claims Redox accepts for clientID at aud.
func validClaims(clientID, aud string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss": clientID,
		"sub": clientID,
		"aud": aud,
		"iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(),
		"jti": rand.Text(),
	}
}

// jwtBearer is the client assertion type Redox accepts.
const jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// tokenForm is the form of a client-credentials token request.
func tokenForm(jwtString string) url.Values {
	return url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {jwtBearer},
		"client_assertion":      {jwtString},
	}
}

// postForm posts a token request.
func postForm(t *testing.T, s *Server, contentType string, form url.Values) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/v2/auth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return do(t, s.Client(), req)
}

// testKeys are the signing keys of the OAuth tests.
type testKeys struct {
	rsa         *rsa.PrivateKey
	ec, otherEC *ecdsa.PrivateKey
}

// newKeys generates an RSA 2048 key and two ECDSA P-384 keys.
func newKeys(t *testing.T) testKeys {
	t.Helper()
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var ec [2]*ecdsa.PrivateKey
	for i := range ec {
		if ec[i], err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
			t.Fatal(err)
		}
	}
	return testKeys{rsa: r, ec: ec[0], otherEC: ec[1]}
}

func TestOAuthToken(t *testing.T) {
	keys := newKeys(t)
	s := newTestServer(t, Config{})
	s.AddOAuthSource("rsa-source", "rsa-client", "rsa-kid", &keys.rsa.PublicKey)
	s.AddOAuthSource("ec-source", "ec-client", "ec-kid", &keys.ec.PublicKey)
	aud := s.URL + "/v2/auth/token"
	const form = "application/x-www-form-urlencoded"

	rs := func(edit func(jwt.MapClaims)) assertion {
		c := validClaims("rsa-client", aud)
		if edit != nil {
			edit(c)
		}
		return assertion{method: jwt.SigningMethodRS384, key: keys.rsa, kid: "rsa-kid", claims: c}
	}
	es := func(edit func(jwt.MapClaims)) assertion {
		c := validClaims("ec-client", aud)
		if edit != nil {
			edit(c)
		}
		return assertion{method: jwt.SigningMethodES384, key: keys.ec, kid: "ec-kid", claims: c}
	}
	with := func(a assertion, edit func(*assertion)) assertion { edit(&a); return a }

	tests := []struct {
		name        string
		assertion   assertion
		contentType string
		form        func(url.Values)
		status      int
		code        string // error code, or the source for 200
	}{
		{name: "RSA RS384", assertion: rs(nil), status: 200, code: "rsa-source"},
		{name: "ECDSA ES384", assertion: es(nil), status: 200, code: "ec-source"},
		{name: "aud as a list", assertion: es(func(c jwt.MapClaims) { c["aud"] = []string{"https://else", aud} }), status: 200, code: "ec-source"},
		{name: "exp with skew", assertion: es(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(5*time.Minute + 20*time.Second).Unix() }), status: 200, code: "ec-source"},
		{name: "wrong kid", assertion: with(es(nil), func(a *assertion) { a.kid = "other-kid" }), status: 401, code: "invalid_client"},
		{name: "wrong aud", assertion: es(func(c jwt.MapClaims) { c["aud"] = "https://api.redoxengine.com/v2/auth/token" }), status: 401, code: "invalid_client"},
		{name: "expired exp", assertion: rs(func(c jwt.MapClaims) {
			c["iat"] = time.Now().Add(-4 * time.Minute).Unix()
			c["exp"] = time.Now().Add(-time.Minute).Unix()
		}), status: 401, code: "invalid_client"},
		{name: "exp too far after iat", assertion: es(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(time.Hour).Unix() }), status: 401, code: "invalid_client"},
		{name: "iat too old", assertion: es(func(c jwt.MapClaims) { c["iat"] = time.Now().Add(-6 * time.Minute).Unix() }), status: 401, code: "invalid_client"},
		{name: "iat in the future", assertion: es(func(c jwt.MapClaims) {
			c["iat"] = time.Now().Add(6 * time.Minute).Unix()
			c["exp"] = time.Now().Add(8 * time.Minute).Unix()
		}), status: 401, code: "invalid_client"},
		{name: "RS384 for the ECDSA kid", assertion: with(rs(nil), func(a *assertion) { a.kid = "ec-kid"; a.claims = validClaims("ec-client", aud) }), status: 401, code: "invalid_client"},
		{name: "ES384 for the RSA kid", assertion: with(es(nil), func(a *assertion) { a.kid = "rsa-kid"; a.claims = validClaims("rsa-client", aud) }), status: 401, code: "invalid_client"},
		{name: "RS256", assertion: with(rs(nil), func(a *assertion) { a.method = jwt.SigningMethodRS256 }), status: 401, code: "invalid_client"},
		{name: "signed by another key", assertion: with(es(nil), func(a *assertion) { a.key = keys.otherEC }), status: 401, code: "invalid_client"},
		{name: "iss is not the client", assertion: es(func(c jwt.MapClaims) { c["iss"] = "rsa-client" }), status: 401, code: "invalid_client"},
		{name: "sub is not the client", assertion: es(func(c jwt.MapClaims) { c["sub"] = "someone" }), status: 401, code: "invalid_client"},
		{name: "no kid", assertion: with(es(nil), func(a *assertion) { a.kid = "" }), status: 400, code: "invalid_request"},
		{name: "typ not JWT", assertion: with(es(nil), func(a *assertion) { a.typ = "JOSE+JSON" }), status: 400, code: "invalid_request"},
		{name: "no jti", assertion: es(func(c jwt.MapClaims) { delete(c, "jti") }), status: 400, code: "invalid_request"},
		{name: "no iat", assertion: es(func(c jwt.MapClaims) { delete(c, "iat") }), status: 400, code: "invalid_request"},
		{name: "no exp", assertion: es(func(c jwt.MapClaims) { delete(c, "exp") }), status: 400, code: "invalid_request"},
		{name: "garbage assertion", assertion: es(nil), form: func(v url.Values) { v.Set("client_assertion", "not.a.jwt") }, status: 400, code: "invalid_request"},
		{name: "no assertion", assertion: es(nil), form: func(v url.Values) { v.Del("client_assertion") }, status: 400, code: "invalid_request"},
		{name: "wrong grant_type", assertion: es(nil), form: func(v url.Values) { v.Set("grant_type", "password") }, status: 400, code: "invalid_request"},
		{name: "wrong assertion type", assertion: es(nil), form: func(v url.Values) { v.Set("client_assertion_type", "jwt") }, status: 400, code: "invalid_request"},
		{name: "JSON body", assertion: es(nil), contentType: "application/json", status: 400, code: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tokenForm(tt.assertion.sign(t))
			if tt.form != nil {
				tt.form(f)
			}
			ct := form
			if tt.contentType != "" {
				ct = tt.contentType
			}
			got := postForm(t, s, ct, f)
			if got.status != tt.status || got.header.Get("Content-Type") != "application/json" {
				t.Fatalf("got %d %q %s, want %d JSON", got.status, got.header.Get("Content-Type"), got.body, tt.status)
			}
			if tt.status != http.StatusOK {
				var e map[string]string
				if err := json.Unmarshal([]byte(got.body), &e); err != nil || e["error"] != tt.code || e["error_description"] == "" {
					t.Errorf("error body %s, want error %q with a description", got.body, tt.code)
				}
				return
			}
			checkOAuthToken(t, s, got, tt.code)
		})
	}
	if got := s.Stats().OAuthToken; got != len(tests) {
		t.Errorf("Stats().OAuthToken = %d, want %d", got, len(tests))
	}
}

// checkOAuthToken checks a 200 token reply and that its token uploads as source.
func checkOAuthToken(t *testing.T, s *Server, got reply, source string) {
	t.Helper()
	var body struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   *int   `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal([]byte(got.body), &body); err != nil {
		t.Fatalf("reply %s: %v", got.body, err)
	}
	if len(body.AccessToken) < 32 || body.ExpiresIn == nil || *body.ExpiresIn != 300 || body.TokenType != "bearer" {
		t.Fatalf("reply %s, want access_token, expires_in 300, token_type bearer", got.body)
	}
	if up := uploadFile(t, s, body.AccessToken, []byte("oauth")); up.status != http.StatusCreated {
		t.Fatalf("upload with OAuth token: %d %s", up.status, up.body)
	}
	uploads := s.Uploads()
	if last := uploads[len(uploads)-1]; last.Source != source {
		t.Errorf("upload source = %q, want %q", last.Source, source)
	}
}

func TestOAuthReplay(t *testing.T) {
	keys := newKeys(t)
	s := newTestServer(t, Config{})
	s.AddOAuthSource("ec-source", "ec-client", "ec-kid", &keys.ec.PublicKey)
	jwtString := assertion{
		method: jwt.SigningMethodES384, key: keys.ec, kid: "ec-kid",
		claims: validClaims("ec-client", s.URL+"/v2/auth/token"),
	}.sign(t)

	const form = "application/x-www-form-urlencoded"
	if got := postForm(t, s, form, tokenForm(jwtString)); got.status != http.StatusOK {
		t.Fatalf("first use: %d %s", got.status, got.body)
	}
	got := postForm(t, s, form, tokenForm(jwtString))
	if got.status != http.StatusUnauthorized || !strings.Contains(got.body, `"invalid_client"`) {
		t.Errorf("replay: %d %s, want 401 invalid_client", got.status, got.body)
	}
}

func TestOAuthTLSAndAudience(t *testing.T) {
	keys := newKeys(t)
	tests := []struct {
		name   string
		cfg    Config
		aud    func(s *Server) string
		status int
	}{
		{"https token URL", Config{}, func(s *Server) string { return s.URL + "/v2/auth/token" }, http.StatusOK},
		{"http token URL on TLS", Config{}, func(s *Server) string { return "http" + strings.TrimPrefix(s.URL, "https") + "/v2/auth/token" }, http.StatusUnauthorized},
		{"override", Config{Audience: "https://api.redoxengine.com/v2/auth/token"}, func(*Server) string { return "https://api.redoxengine.com/v2/auth/token" }, http.StatusOK},
		{"override ignores own URL", Config{Audience: "https://api.redoxengine.com/v2/auth/token"}, func(s *Server) string { return s.URL + "/v2/auth/token" }, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewTLSServer(tt.cfg)
			t.Cleanup(s.Close)
			s.AddOAuthSource("ec-source", "ec-client", "ec-kid", &keys.ec.PublicKey)
			a := assertion{method: jwt.SigningMethodES384, key: keys.ec, kid: "ec-kid", claims: validClaims("ec-client", tt.aud(s))}
			got := postForm(t, s, "application/x-www-form-urlencoded", tokenForm(a.sign(t)))
			if got.status != tt.status {
				t.Errorf("got %d %s, want %d", got.status, got.body, tt.status)
			}
		})
	}
}

func TestDemoSources(t *testing.T) {
	s := newTestServer(t, Config{})
	d := s.AddDemoSources()
	if d.Source != "sandbox" {
		t.Errorf("Source = %q", d.Source)
	}

	block, _ := pem.Decode(d.PrivateKeyPEM)
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("PrivateKeyPEM is not a PKCS#8 PEM block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	a := assertion{method: jwt.SigningMethodES384, key: key, kid: d.KeyID, claims: validClaims(d.ClientID, s.APIBase()+"/v2/auth/token")}
	checkOAuthToken(t, s, postForm(t, s, "application/x-www-form-urlencoded", tokenForm(a.sign(t))), "sandbox")

	lr := decodeLegacy(t, postJSON(t, s, "/auth/authenticate", map[string]string{"apiKey": d.APIKey, "secret": d.Secret}))
	for _, token := range []string{lr.AccessToken, d.Token} {
		if got := uploadFile(t, s, token, []byte("demo")); got.status != http.StatusCreated {
			t.Errorf("upload: %d %s", got.status, got.body)
		}
	}
	for _, u := range s.Uploads() {
		if u.Source != "sandbox" {
			t.Errorf("upload source = %q, want sandbox", u.Source)
		}
	}
}
