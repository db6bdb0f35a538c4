package client_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// TestEchoedSecretsAreScrubbed: a misconfigured gateway repeats the request in its error
// reply, raw, JSON-escaped or form-escaped, at the sign-in or at the upload. For every sign-in
// method, no secret or token the client knows reaches the error or an OnRetry cause, in any
// field, though the echo carried it and the excerpt shows the echo.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	keys := testKeys()
	const (
		nastySecret   = `s3cr"et/with<html>&+plus=and ümlaut-0123456789`
		staticToken   = "pasted-static-token-0123456789abcdefghij"
		proxyPassword = "proxy-pa$$ word-0042"
	)
	type method struct {
		name    string
		opts    func(s *stand) []client.Option
		secrets [][]byte // given to the client
		signIn  string   // the sign-in path; "" for a static token
	}
	methods := []method{
		{"legacy", func(s *stand) []client.Option {
			s.AddLegacySource("nasty", "nasty-key", nastySecret)
			return []client.Option{client.WithLegacyKey("nasty-key", nastySecret)}
		}, [][]byte{[]byte(nastySecret)}, "/auth/authenticate"},
		{"oauth RS384", func(s *stand) []client.Option {
			s.AddOAuthSource("rsa", "rsa-client", "rsa-kid", &keys.rsa.PublicKey)
			return []client.Option{client.WithOAuth("rsa-client", "rsa-kid", keys.rsaPEM)}
		}, [][]byte{keys.rsaPEM}, "/v2/auth/token"},
		{"oauth ES384", func(s *stand) []client.Option {
			s.AddOAuthSource("ec", "ec-client", "ec-kid", &keys.ec.PublicKey)
			return []client.Option{client.WithOAuth("ec-client", "ec-kid", keys.ecPEM)}
		}, [][]byte{keys.ecPEM}, "/v2/auth/token"},
		{"static token", func(s *stand) []client.Option {
			s.AddStaticToken("static", staticToken, time.Time{})
			return []client.Option{client.WithStaticToken(staticToken)}
		}, [][]byte{[]byte(staticToken)}, ""},
		{"legacy through a proxy with a password", func(s *stand) []client.Option {
			s.AddLegacySource("nasty", "nasty-key", nastySecret)
			proxy, _ := url.Parse(s.URL) // the stand-in takes proxy requests too, and repeats their headers
			proxy.User = url.UserPassword("nurse", proxyPassword)
			return []client.Option{client.WithLegacyKey("nasty-key", nastySecret),
				client.WithProxy(client.ProxyConfig{Mode: client.ProxyManual, URL: proxy.String()})}
		}, [][]byte{[]byte(nastySecret), []byte(proxyPassword), []byte(basicCredential("nurse", proxyPassword))}, "/auth/authenticate"},
	}
	for _, m := range methods {
		for _, stage := range []string{"sign in", "upload"} {
			if stage == "sign in" && m.signIn == "" {
				continue
			}
			for _, form := range []string{"", "application/json", "application/x-www-form-urlencoded"} {
				t.Run(fmt.Sprintf("%s/%s/%s", m.name, stage, form), func(t *testing.T) {
					s := newStand(t, redoxtest.Config{})
					echo := redoxtest.Fault{Echo: true, ContentType: form, Forever: true}
					path := "/upload"
					if stage == "sign in" {
						s.ScriptAuth(echo)
						path = m.signIn
					} else {
						s.Script(echo)
					}
					store := &memoryStore{}
					c := s.client(t, append(m.opts(s), client.WithTokenStore(store),
						client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 2, MaxTotalWait: time.Minute}))...)
					var errs []*client.Error
					_, err := c.Upload(t.Context(), writeFile(t, "a.pdf", 100), client.UploadOptions{
						OnRetry: func(_ int, _ time.Duration, cause *client.Error) { errs = append(errs, cause) },
					})
					errs = append(errs, asError(t, err))

					// What the echo carried: the credential of the stage, seen in the decoded echo.
					echoes := s.Echoes()
					if len(echoes) == 0 {
						t.Fatal("no echo was sent")
					}
					carried := decodeEcho(t, form, echoes[0])
					secrets := append(m.secrets, credentialsIn(carried)...)
					for _, tok := range store.saved {
						secrets = append(secrets, []byte(tok.AccessToken), []byte(tok.RefreshToken))
					}
					if len(credentialsIn(carried)) == 0 && !strings.Contains(carried, jsonInner(nastySecret)) {
						t.Fatalf("the echo %q carries no credential: the test proves nothing", carried)
					}

					// The request line, proxied or not: an innocuous part of the request, proving
					// that the excerpt shows the echo.
					markers := []string{"POST ", path}
					if form == "application/x-www-form-urlencoded" {
						markers = []string{"POST+", url.QueryEscape(path)}
					}
					for _, e := range errs {
						if !strings.Contains(e.Excerpt, markers[0]) || !strings.Contains(e.Excerpt, markers[1]) ||
							!strings.Contains(e.Excerpt, "[redacted]") {
							t.Errorf("excerpt %q: want the echo (%q) with its credential redacted", e.Excerpt, markers)
						}
						for _, text := range errorTexts(e) {
							if w := leaked(text, secrets); w != "" {
								t.Errorf("%q leaks %q", text, w)
							}
						}
					}
				})
			}
		}
	}
}

// basicCredential is what a Basic Authorization header carries.
func basicCredential(user, password string) string {
	return strings.TrimPrefix(basicHeader(user, password), "Basic ")
}

func basicHeader(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// decodeEcho undoes the escaping of an echo's form.
func decodeEcho(t *testing.T, form, body string) string {
	t.Helper()
	switch form {
	case "application/json":
		var v map[string]any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("echo %q: %v", body, err)
		}
		return fmt.Sprint(v)
	case "application/x-www-form-urlencoded":
		v, err := url.ParseQuery(body)
		if err != nil {
			t.Fatalf("echo %q: %v", body, err)
		}
		return v.Get("request")
	}
	return body
}

var (
	bearerIn    = regexp.MustCompile(`Bearer ([A-Za-z0-9._~+/=-]+)`)
	basicIn     = regexp.MustCompile(`Basic ([A-Za-z0-9+/=]+)`)
	assertionIn = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)
)

// credentialsIn returns the bearer tokens, Basic credentials and JWTs in text.
func credentialsIn(text string) [][]byte {
	var out [][]byte
	for _, re := range []*regexp.Regexp{bearerIn, basicIn} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			out = append(out, []byte(m[1]))
		}
	}
	for _, m := range assertionIn.FindAllString(text, -1) {
		out = append(out, []byte(m))
	}
	return out
}

// errorTexts returns every text of e: its message, its detail, each string field and its cause.
func errorTexts(e *client.Error) []string {
	texts := []string{e.Error(), e.Detail()}
	v := reflect.ValueOf(*e)
	for i := range v.NumField() {
		if f := v.Field(i); f.CanInterface() {
			switch x := f.Interface().(type) {
			case string:
				texts = append(texts, x)
			case error:
				texts = append(texts, x.Error())
			}
		}
	}
	return texts
}

// leaked returns the first run of 16 bytes (or the whole, when shorter) of any secret, raw or
// escaped as JSON or for a URL, that text holds; "" when none.
func leaked(text string, secrets [][]byte) string {
	for _, secret := range secrets {
		s := string(secret)
		if s == "" {
			continue
		}
		for _, form := range []string{s, jsonInner(s), jsonInner(jsonInner(s)), url.QueryEscape(s), url.QueryEscape(jsonInner(s))} {
			n := min(len(form), 16)
			for i := 0; i+n <= len(form); i++ {
				if strings.Contains(text, form[i:i+n]) {
					return form[i : i+n]
				}
			}
		}
	}
	return ""
}

// jsonInner is s as it appears inside a JSON string written by encoding/json.
func jsonInner(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// TestSignInReplyTokensNeverShown: a sign-in service that answers 200 with a reply the client
// cannot use (an expiry missing or of another type, a body cut off) may still send tokens in
// it, which the client never learnt as secrets. The error shows the reply's shape, its members'
// names and kinds, and no value; a reply that is not JSON (a proxy's page) is excerpted.
func TestSignInReplyTokensNeverShown(t *testing.T) {
	const access, refresh = "LEAKED-ACCESS-3f9a0c7e1b2d4c5e6f708192a3b4c5d6", "LEAKED-REFRESH-9e8d7c6b5a4f3e2d1c0b"
	keys := testKeys()
	for _, tc := range []struct {
		name, body string
		oauth      bool
		shows      string // in the error's detail
	}{
		{"legacy, expiry a number", `{"accessToken":"` + access + `","expires":1700000000,"refreshToken":"` + refresh + `"}`, false,
			"JSON object: accessToken (text, 46 characters), expires (number), refreshToken (text, 35 characters)"},
		{"legacy, cut off", `{"accessToken":"` + access + `","refreshToken":"` + refresh + `","expi`, false,
			"refreshToken (text, 35 characters), (cut off)"},
		{"oauth, no expiry", `{"access_token":"` + access + `","token_type":"bearer"}`, true,
			"JSON object: access_token (text, 46 characters), token_type (text, 6 characters)"},
		{"oauth, expiry as text", `{"access_token":"` + access + `","expires_in":"300"}`, true, "expires_in (text, 3 characters)"},
		{"a proxy's page", `<html>Sign in to the hospital proxy</html>`, false, "Sign in to the hospital proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStand(t, redoxtest.Config{})
			opts := []client.Option{client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 1})}
			if tc.oauth {
				s.AddOAuthSource("rsa", "rsa-client", "rsa-kid", &keys.rsa.PublicKey)
				opts = append(opts, client.WithOAuth("rsa-client", "rsa-kid", keys.rsaPEM))
			} else {
				s.AddLegacySource("ward", "ward-key", "ward-secret")
				opts = append(opts, client.WithLegacyKey("ward-key", "ward-secret"))
			}
			contentType := "application/json"
			if strings.HasPrefix(tc.body, "<") {
				contentType = "text/html"
			}
			s.ScriptAuth(redoxtest.Fault{Status: 200, Body: tc.body, ContentType: contentType, Forever: true})
			_, err := s.client(t, opts...).Upload(t.Context(), writeFile(t, "a.pdf", 100), client.UploadOptions{})
			e := asError(t, err)
			all := e.Error() + "\n" + client.Detail(err) + "\n" + fmt.Sprintf("%+v", *e)
			if strings.Contains(all, access) || strings.Contains(all, refresh) || strings.Contains(all, "LEAKED") {
				t.Errorf("the error shows a token from the reply:\n%s", all)
			}
			if e.Kind != client.KindBadResponse || !strings.Contains(client.Detail(err), tc.shows) {
				t.Errorf("%s error, detail %q; want a bad-response error whose detail shows %q", e.Kind, client.Detail(err), tc.shows)
			}
		})
	}
}
