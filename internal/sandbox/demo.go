package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"
)

// Demo holds the credentials AddDemoSources registered.
type Demo struct {
	Source         string // "sandbox"
	APIKey, Secret string // legacy API key login
	Token          string // a static bearer token, never expires
	ClientID       string // OAuth client ID
	KeyID          string // OAuth key ID (kid)
	PrivateKeyPEM  []byte // PKCS#8 PEM of the ECDSA P-384 key registered for ClientID/KeyID
}

// AddDemoSources registers one credential of each kind (legacy API key,
// static token, OAuth ECDSA P-384 key) for source "sandbox", freshly
// generated, and returns them.
func (h *Handler) AddDemoSources() Demo {
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("sandbox: generating the demo key: %v", err))
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(fmt.Sprintf("sandbox: encoding the demo key: %v", err))
	}
	d := Demo{
		Source:        "sandbox",
		APIKey:        "sandbox-" + randomToken(),
		Secret:        randomToken(),
		Token:         randomToken(),
		ClientID:      "sandbox-client-" + randomID(),
		KeyID:         "sandbox-key-" + randomID(),
		PrivateKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
	}
	h.AddLegacySource(d.Source, d.APIKey, d.Secret)
	h.AddStaticToken(d.Source, d.Token, time.Time{})
	h.AddOAuthSource(d.Source, d.ClientID, d.KeyID, &key.PublicKey)
	return d
}
