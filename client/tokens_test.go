package client_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// TestTokenReusedAndSharedAcrossUploads: twenty parallel uploads on a new client make one
// sign-in between them.
func TestTokenReusedAndSharedAcrossUploads(t *testing.T) {
	for _, method := range []string{"legacy", "oauth"} {
		t.Run(method, func(t *testing.T) {
			s := newStand(t, redoxtest.Config{})
			keys := testKeys()
			s.AddOAuthSource("ec", "ec-client", "ec-kid", &keys.ec.PublicKey)
			c := s.legacyClient(t)
			if method == "oauth" {
				c = s.client(t, client.WithOAuth("ec-client", "ec-kid", keys.ecPEM))
			}
			path := writeFile(t, "a.pdf", 4096)
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for range 20 {
				wg.Go(func() {
					_, err := c.Upload(t.Context(), path, client.UploadOptions{})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			st := s.Stats()
			if st.Authenticate+st.OAuthToken != 1 || st.Uploaded != 20 {
				t.Errorf("stats %+v: want 1 sign-in for 20 uploads", st)
			}
		})
	}
}

// TestExpiryMidBatch: when Redox expires the token between uploads, the next upload gets a
// 401, renews through the refresh token once and succeeds.
func TestExpiryMidBatch(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	c := s.legacyClient(t)
	path := writeFile(t, "a.pdf", 1000)
	for i := range 6 {
		if i == 3 {
			s.ExpireTokens()
		}
		res, err := c.Upload(t.Context(), path, client.UploadOptions{})
		if err != nil {
			t.Fatalf("upload %d: %v", i, err)
		}
		if want := map[bool]int{true: 2, false: 1}[i == 3]; res.Attempts != want {
			t.Errorf("upload %d took %d attempts, want %d", i, res.Attempts, want)
		}
	}
	if st := s.Stats(); st.Authenticate != 1 || st.Refresh != 1 || st.UploadRequests != 7 {
		t.Errorf("stats %+v: want 1 sign-in, 1 refresh, 7 upload requests", st)
	}
}

// TestRefreshFailureFallsBackToSignIn: a revoked refresh token leads to a full sign-in.
func TestRefreshFailureFallsBackToSignIn(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	store := &memoryStore{}
	c := s.legacyClient(t, client.WithTokenStore(store))
	path := writeFile(t, "a.pdf", 1000)
	if _, err := c.Upload(t.Context(), path, client.UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	s.RevokeToken(store.saved[0].RefreshToken)
	s.ExpireTokens()
	if _, err := c.Upload(t.Context(), path, client.UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Authenticate != 2 || st.Refresh != 1 {
		t.Errorf("stats %+v: want a failed refresh followed by a second sign-in", st)
	}
}

// TestTokenStoreSurvivesRestart: a second client with the same store signs in zero times.
func TestTokenStoreSurvivesRestart(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	store := &memoryStore{}
	path := writeFile(t, "a.pdf", 1000)
	for range 2 {
		if _, err := s.legacyClient(t, client.WithTokenStore(store)).Upload(t.Context(), path, client.UploadOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.Stats(); st.Authenticate != 1 || len(store.saved) != 1 {
		t.Errorf("stats %+v, %d tokens saved: want one sign-in for two clients sharing a store", st, len(store.saved))
	}
}

func TestWrongSecretIsACredentialsError(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	c := s.client(t, client.WithLegacyKey(s.demo.APIKey, "wrong-secret"))
	res, err := c.Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{})
	e := asError(t, err)
	if e.Kind != client.KindCredentials || e.Op != "sign in" || e.Fix != client.FixCredentials || res.Attempts != 1 || e.Attempts != 1 {
		t.Errorf("kind %v op %q fix %v attempts %d/%d; want credentials, sign in, 1 try", e.Kind, e.Op, e.Fix, res.Attempts, e.Attempts)
	}
	if !strings.Contains(e.Error(), "did not accept") || strings.Contains(e.Error()+e.Detail(), "wrong-secret") {
		t.Errorf("message %q / detail %q", e.Error(), e.Detail())
	}
	if st := s.Stats(); st.UploadRequests != 0 {
		t.Errorf("an upload was sent without a token: %+v", st)
	}
}

// TestRevokedStaticToken: one 401, no second try with the same token, a clear message.
func TestRevokedStaticToken(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	c := s.client(t, client.WithStaticToken(s.demo.Token))
	s.RevokeToken(s.demo.Token)
	res, err := c.Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{})
	if e := asError(t, err); e.Kind != client.KindCredentials || !strings.Contains(e.Error(), "new token") {
		t.Errorf("kind %v message %q", e.Kind, e.Error())
	}
	if st := s.Stats(); st.UploadRequests != 1 || res.Attempts != 1 {
		t.Errorf("%d upload requests, %d attempts: want 1", st.UploadRequests, res.Attempts)
	}
}

// TestSecond401IsCredentialsError: Redox refuses even the fresh token.
func TestSecond401IsCredentialsError(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	s.Script(redoxtest.Fault{Status: 401, Body: "Invalid request"}, redoxtest.Fault{Status: 401, Body: "Invalid request"})
	res, err := s.legacyClient(t).Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{})
	if e := asError(t, err); e.Kind != client.KindCredentials || e.Status != 401 || res.Attempts != 2 {
		t.Errorf("kind %v status %d attempts %d", e.Kind, e.Status, res.Attempts)
	}
	if st := s.Stats(); st.Authenticate+st.Refresh != 2 {
		t.Errorf("stats %+v: want the first sign-in and one renewal", st)
	}
}

// TestSignInTroubleIsRetried: a 503 from the sign-in endpoint is transient like any other; the
// failed sign-in is a try of its own, and OnRetry says so with its cause.
func TestSignInTroubleIsRetried(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	s.ScriptAuth(redoxtest.Fault{Status: 503})
	var retries []string
	res, err := s.legacyClient(t).Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{
		OnRetry: func(next int, _ time.Duration, cause *client.Error) {
			retries = append(retries, fmt.Sprintf("%d %s %d", next, cause.Op, cause.Status))
		},
	})
	if err != nil || res.Attempts != 2 {
		t.Errorf("err %v, %d tries; want success on the second", err, res.Attempts)
	}
	if want := []string{"2 sign in 503"}; !slices.Equal(retries, want) {
		t.Errorf("OnRetry calls %q, want %q", retries, want)
	}
	if st := s.Stats(); st.Authenticate != 2 || st.UploadRequests != 1 {
		t.Errorf("stats %+v: want 2 sign-in requests (a 503, then success) and 1 upload", st)
	}
}

func TestAuthenticateForTestConnection(t *testing.T) {
	s := newStand(t, redoxtest.Config{})
	c := s.legacyClient(t)
	tok, err := c.Authenticate(t.Context())
	if err != nil || tok.Expires.Before(time.Now().Add(23*time.Hour)) {
		t.Fatalf("token %v err %v", tok, err)
	}
	if _, err := c.Upload(t.Context(), writeFile(t, "a.pdf", 10), client.UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Authenticate != 1 {
		t.Errorf("the upload did not reuse the tested token: %+v", st)
	}
}

// TestTokenNeverPrinted: formatting a token, or a struct holding one, shows no secret part.
func TestTokenNeverPrinted(t *testing.T) {
	tok := client.Token{AccessToken: "ACCESS-CANARY", RefreshToken: "REFRESH-CANARY", Expires: time.Now()}
	holder := struct{ T client.Token }{tok}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{tok, &tok, holder} {
			if out := fmt.Sprintf(format, v); strings.Contains(out, "CANARY") {
				t.Errorf("%s of %T prints %q", format, v, out)
			}
		}
	}
}

// memoryStore is a TokenStore in memory, recording what it was asked to save.
type memoryStore struct {
	mu    sync.Mutex
	saved []client.Token
}

func (m *memoryStore) LoadToken() (client.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.saved) == 0 {
		return client.Token{}, nil
	}
	return m.saved[len(m.saved)-1], nil
}

func (m *memoryStore) SaveToken(t client.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.saved = append(m.saved, t)
	return nil
}

var _ = context.Background
