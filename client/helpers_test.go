package client_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"redoxuploader/client"
	"redoxuploader/client/redoxtest"
)

// fastRetry keeps retry tests quick while exercising the same code paths.
var fastRetry = client.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxTotalWait: 5 * time.Second}

// millisecondRetries is a policy of at most tries tries, a millisecond apart, failing for at
// most budget in all.
func millisecondRetries(tries int, budget time.Duration) client.Option {
	return client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: tries, BaseDelay: time.Millisecond,
		MaxDelay: time.Millisecond, MaxTotalWait: budget})
}

// stand is a redoxtest server with the demo sources registered.
type stand struct {
	*redoxtest.Server
	demo redoxtest.Demo
}

func newStand(t testing.TB, cfg redoxtest.Config) *stand {
	t.Helper()
	s := redoxtest.NewServer(cfg)
	t.Cleanup(s.Close)
	return &stand{Server: s, demo: s.AddDemoSources()}
}

// legacyClient returns a client signed in with the stand's demo API key.
func (s *stand) legacyClient(t testing.TB, extra ...client.Option) *client.Client {
	t.Helper()
	return s.client(t, append([]client.Option{client.WithLegacyKey(s.demo.APIKey, s.demo.Secret)}, extra...)...)
}

func (s *stand) client(t testing.TB, opts ...client.Option) *client.Client {
	t.Helper()
	base := []client.Option{client.WithUploadURL(s.UploadURL()), client.WithAPIBase(s.APIBase()), client.WithRetryPolicy(fastRetry)}
	c, err := client.New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return c
}

// writeFile writes a file of n pseudo-random bytes under t.TempDir and returns its path.
func writeFile(t testing.TB, name string, n int) string {
	t.Helper()
	data := make([]byte, n)
	rand.Read(data)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

type keyPair struct {
	rsa    *rsa.PrivateKey
	ec     *ecdsa.PrivateKey
	rsaPEM []byte // PKCS#1
	ecPEM  []byte // SEC1
}

// testKeys returns an RSA 2048 key and a P-384 key, generated once per test binary.
var testKeys = sync.OnceValue(func() keyPair {
	var k keyPair
	k.rsa, _ = rsa.GenerateKey(rand.Reader, 2048)
	k.ec, _ = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	k.rsaPEM = pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k.rsa))
	der, _ := x509.MarshalECPrivateKey(k.ec)
	k.ecPEM = pemBlock("EC PRIVATE KEY", der)
	return k
})

// asError asserts that err is a *client.Error and returns it.
func asError(t testing.TB, err error) *client.Error {
	t.Helper()
	if err == nil {
		t.Fatal("upload succeeded; want an error")
	}
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not a *client.Error", err, err)
	}
	return e
}
