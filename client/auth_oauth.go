package client

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// OAuthJWT signs in with OAuth 2.0 client credentials and a signed JWT assertion
// (/v2/auth/token), Redox's current method. RSA keys sign RS384, P-384 keys ES384.
type OAuthJWT struct {
	ClientID string
	KeyID    string
	Key      crypto.Signer // *rsa.PrivateKey or *ecdsa.PrivateKey on P-384; see ParsePrivateKey

	pemText string // the PEM WithOAuth parsed, scrubbed from server text like the key itself
}

// WithOAuth signs in with a client ID, the key ID registered with Redox, and a PEM private key.
func WithOAuth(clientID, keyID string, privateKeyPEM []byte) Option {
	return func(c *Client) error {
		key, err := ParsePrivateKey(privateKeyPEM)
		if err != nil {
			return fmt.Errorf("client: %w", err)
		}
		return WithCredentials(OAuthJWT{ClientID: clientID, KeyID: keyID, Key: key, pemText: string(privateKeyPEM)})(c)
	}
}

// assertionLifetime is how long a signed assertion is valid, as Redox requires.
const assertionLifetime = 5 * time.Minute

func (o OAuthJWT) secrets() []string {
	out := []string{o.pemText}
	if o.Key != nil {
		out = append(out, keySecrets(o.Key)...)
	}
	return out
}

func (o OAuthJWT) authenticator(ep endpoints) (Authenticator, error) {
	if o.ClientID == "" || o.KeyID == "" {
		return nil, errors.New("client: OAuth needs both the client ID and the key ID")
	}
	method, err := signingMethod(o.Key)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return &oauthAuth{ep: ep, cred: o, method: method, now: time.Now}, nil
}

type oauthAuth struct {
	ep     endpoints
	cred   OAuthJWT
	method jwt.SigningMethod
	now    func() time.Time
}

// Authenticate signs a new assertion and exchanges it for an access token; OAuth has no refresh
// token, so every renewal is a new assertion.
func (a *oauthAuth) Authenticate(ctx context.Context, _ Token) (Token, error) {
	tokenURL := a.ep.url("/v2/auth/token")
	assertion, err := a.assertion(tokenURL)
	if err != nil {
		return Token{}, &Error{Kind: KindCredentials, Op: opSignIn, Fix: FixCredentials, Err: err, noRequest: true,
			Message: "The source's private key could not sign the sign-in request. Ask IT to check the private key."}
	}
	a.ep.secrets.remember(assertion)
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return Token{}, prepareError(opSignIn, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	issued := a.now().Round(0) // a wall-clock instant: see tokenLife
	reply, err := a.ep.signIn(req)
	if err != nil {
		return Token{}, err
	}
	var r struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(reply, &r); err != nil || r.AccessToken == "" || r.ExpiresIn <= 0 {
		return Token{}, a.ep.signInReplyError(reply, err)
	}
	return Token{AccessToken: r.AccessToken, Expires: issued.Add(tokenLife(r.ExpiresIn))}, nil
}

// maxTokenLife caps the lifetime a sign-in reply claims (Redox's OAuth tokens live 300 s): an
// absurd expires_in would overflow into the past and sign in before every upload.
const maxTokenLife = 7 * 24 * time.Hour

// tokenLife is expires_in seconds as a duration, at most maxTokenLife. The expiry it makes is
// a wall-clock instant (the issue time without Go's monotonic reading): that reading stops
// while the computer sleeps, so a token that expired during sleep would still look valid and
// cost an upload refused with 401.
func tokenLife(expiresIn int64) time.Duration {
	if expiresIn > int64(maxTokenLife/time.Second) {
		return maxTokenLife
	}
	return time.Duration(expiresIn) * time.Second
}

// assertion returns a signed JWT: iss = sub = client ID, aud = the token URL, five minutes of
// validity and a random jti so no two assertions are alike.
func (a *oauthAuth) assertion(tokenURL string) (string, error) {
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	now := a.now()
	t := jwt.NewWithClaims(a.method, jwt.MapClaims{
		"iss": a.cred.ClientID,
		"sub": a.cred.ClientID,
		"aud": tokenURL,
		"iat": now.Unix(),
		"exp": now.Add(assertionLifetime).Unix(),
		"jti": hex.EncodeToString(jti[:]),
	})
	t.Header["kid"] = a.cred.KeyID
	return t.SignedString(a.cred.Key)
}

func signingMethod(key crypto.Signer) (jwt.SigningMethod, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("the RSA key has %d bits; Redox needs at least 2048", k.N.BitLen())
		}
		return jwt.SigningMethodRS384, nil
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P384() {
			return nil, fmt.Errorf("the EC key is on %s; ES384 needs a P-384 key", k.Curve.Params().Name)
		}
		return jwt.SigningMethodES384, nil
	default:
		return nil, fmt.Errorf("a %T cannot sign for Redox; use an RSA (RS384) or P-384 EC (ES384) key", key)
	}
}

// ParsePrivateKey reads the first private key in PEM text: PKCS#1 ("RSA PRIVATE KEY"),
// PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"). It checks that the key can sign for Redox.
func ParsePrivateKey(pemText []byte) (crypto.Signer, error) {
	rest := pemText
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no private key found: expected PEM text starting with -----BEGIN ... PRIVATE KEY-----")
		}
		var (
			key any
			err error
		)
		// PKCS#8 says so in its type, OpenSSL's older format in a header of its own.
		if block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
			return nil, errors.New("the private key is protected by a passphrase; export it without one (the OS keychain protects it)")
		}
		switch block.Type {
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "OPENSSH PRIVATE KEY":
			return nil, errors.New("this is an OpenSSH key; convert it to PEM (ssh-keygen -p -m PKCS8 -f FILE rewrites the file) and choose it again")
		default:
			continue // certificates, parameters: skip to the key
		}
		if err != nil {
			return nil, fmt.Errorf("the %s block is not a readable key: %w", block.Type, err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("a %T cannot sign", key)
		}
		if _, err := signingMethod(signer); err != nil {
			return nil, err
		}
		return signer, nil
	}
}
