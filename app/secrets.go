package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"redoxuploader/client"
	"redoxuploader/internal/smallfile"
)

// MaxSecretSize caps a secret read from a person: an API secret or token is under 1 KB and a
// PEM private key a few KB (an RSA 16384-bit key about 13 KB), so 64 KB is any real one with
// room to spare, and a wrong file or endless input is refused instead of read into memory.
const MaxSecretSize = 64 << 10

// ReadPrivateKeyFile reads the PEM private key file a person named (--private-key, the file
// chosen in Settings), refusing a file larger than MaxSecretSize or one that is not a regular
// file (a folder, /dev/zero, a pipe) in plain words. It does not check the key.
func ReadPrivateKeyFile(path string) ([]byte, error) {
	return smallfile.Read(path, "the private key file", MaxSecretSize)
}

// Secrets keeps each profile's secret (legacy API secret, OAuth private key PEM or bearer
// token) and its token cache in the OS keychain, for NewClient (WithKeychain). Nothing it holds
// is ever logged, printed, saved elsewhere or put in an error message.
type Secrets struct {
	Keychain Keychain
	// Machine holds the secrets IT stored for every user of this computer; a managed source
	// uses its own when the user has none (see MachineSecrets).
	Machine MachineSecrets
	// Surface is where a missing secret is reported; its message says how IT stores one there.
	Surface Surface
}

func secretKey(p Profile) string { return "profile/" + p.Name + "/secret" }
func tokenKey(p Profile) string  { return "profile/" + p.Name + "/token" }

// SetSecret checks secret against p's sign-in method (an API secret, an OAuth private key in
// PEM, or a bearer token), stores it in the keychain, and drops p's cached token, which may
// belong to the old secret.
func (s Secrets) SetSecret(p Profile, secret string) error {
	if msg := nameProblem(p.Name, p.BuiltIn); msg != "" {
		return errors.New(msg)
	}
	value, err := normalizeSecret(p.Auth, secret)
	if err != nil {
		return err
	}
	if err := s.Keychain.Set(secretKey(p), value); err != nil {
		return fmt.Errorf("storing the %s of the source %q: %w", p.Auth.SecretName(), p.Name, err)
	}
	if err := s.Keychain.Delete(tokenKey(p)); err != nil {
		return fmt.Errorf("clearing the saved sign-in of the source %q: %w", p.Name, err)
	}
	return nil
}

// normalizeSecret trims what pasting adds and refuses what cannot work, without ever quoting
// the secret.
func normalizeSecret(m AuthMethod, secret string) (string, error) {
	if len(secret) > MaxSecretSize {
		return "", Sentencef("The %s is longer than %s, more than any %s holds; paste only the %s.",
			m.SecretName(), client.HumanSize(MaxSecretSize), m.SecretName(), m.SecretName())
	}
	secret = strings.TrimSpace(secret)
	oneWord := func(what string) error {
		if secret == "" {
			return Sentence("Enter the " + what + "; it is empty.")
		}
		if strings.IndexFunc(secret, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return Sentence("The " + what + " must be one word without spaces or line breaks; paste it again exactly.")
		}
		return nil
	}
	switch m {
	case AuthLegacy:
		return secret, oneWord("API secret")
	case AuthToken:
		if len(secret) > 7 && strings.EqualFold(secret[:7], "bearer ") {
			secret = strings.TrimSpace(secret[7:])
		}
		return secret, oneWord("access token")
	case AuthOAuth:
		if secret == "" {
			return "", Sentence("Enter the private key; it is empty.")
		}
		secret += "\n"
		if _, err := client.ParsePrivateKey([]byte(secret)); err != nil {
			return "", Sentencef("The private key cannot be used: %v. Paste the whole PEM text, from -----BEGIN to -----END, of an RSA or P-384 (ES384) key.", err)
		}
		return secret, nil
	default:
		return "", fmt.Errorf("choose a sign-in method for the source before storing its secret")
	}
}

// Secret returns p's secret from the keychain or, for a managed source without one there (or
// without a keychain to ask), the one IT stored for every user of this computer. When there is
// none the error matches ErrSecretNotFound and says how IT can store it.
func (s Secrets) Secret(p Profile) (string, error) {
	v, err := s.Keychain.Get(secretKey(p))
	if err != nil && p.Managed {
		switch mv, merr := s.Machine.Load(p); {
		case merr == nil:
			return mv, nil
		case !errors.Is(merr, ErrSecretNotFound):
			return "", merr // the machine's is there but this user cannot read it: say why
		}
	}
	if errors.Is(err, ErrSecretNotFound) {
		return "", fmt.Errorf("%w %s", err, s.Surface.storeSecretAdvice(p))
	}
	if err != nil {
		return "", readingSecretError(p, err)
	}
	return v, nil
}

// readingSecretError is err, met reading p's secret, in words that name it: a keychain that
// is locked or does not answer says so in a sentence of its own; any other error is prefixed.
func readingSecretError(p Profile, err error) error {
	reading := fmt.Sprintf("the %s of the source %q", p.Auth.SecretName(), p.Name)
	if k := keychainUnusableIn(err); k != nil {
		return k.reading(reading)
	}
	return fmt.Errorf("reading %s: %w", reading, err)
}

// DeleteProfile removes p's secret and cached token from the keychain; what is not there is
// not an error.
func (s Secrets) DeleteProfile(p Profile) error {
	for _, key := range []string{secretKey(p), tokenKey(p)} {
		if err := s.Keychain.Delete(key); err != nil {
			return fmt.Errorf("removing the keychain entries of the source %q: %w", p.Name, err)
		}
	}
	return nil
}

// TokenStore is p's token cache in the keychain, for client.WithTokenStore: a restart reuses a
// valid token instead of signing in again. A token saved for another source (the profile's API
// key, client ID or addresses changed since) is not handed out. A managed source, whose secret
// may be this computer's (MachineSecrets), also works where no keychain can be reached (a
// service, a server): it then signs in once a process instead.
func (s Secrets) TokenStore(p Profile) client.TokenStore {
	return keychainTokenStore{k: s.Keychain, key: tokenKey(p), source: p.SourceID(), apiBase: p.APIBase, withoutKeychain: p.Managed}
}

type keychainTokenStore struct {
	k       Keychain
	key     string
	source  string
	apiBase string
	// withoutKeychain: a keychain that cannot be reached caches nothing instead of failing.
	withoutKeychain bool
}

// unreachable reports whether err is a keychain that cannot be reached which ts works without.
func (ts keychainTokenStore) unreachable(err error) bool {
	return ts.withoutKeychain && KeychainUnusable(err)
}

// savedToken is the keychain entry of a token cache.
type savedToken struct {
	Access  string    `json:"access"`
	Expires time.Time `json:"expires,omitzero"`
	Refresh string    `json:"refresh,omitempty"`
	Source  string    `json:"source"`
	APIBase string    `json:"apiBase"`
}

// LoadToken returns the saved token, or a zero Token when there is none (or none usable).
func (ts keychainTokenStore) LoadToken() (client.Token, error) {
	v, err := ts.k.Get(ts.key)
	if errors.Is(err, ErrSecretNotFound) || ts.unreachable(err) {
		return client.Token{}, nil
	}
	if err != nil {
		return client.Token{}, fmt.Errorf("reading the saved sign-in: %w", err)
	}
	var st savedToken
	if json.Unmarshal([]byte(v), &st) != nil || st.Source != ts.source || st.APIBase != ts.apiBase {
		return client.Token{}, nil // unreadable or another source's: sign in again, then overwrite
	}
	return client.Token{AccessToken: st.Access, Expires: st.Expires, RefreshToken: st.Refresh}, nil
}

// SaveToken keeps t for the next process.
func (ts keychainTokenStore) SaveToken(t client.Token) error {
	data, err := json.Marshal(savedToken{Access: t.AccessToken, Expires: t.Expires, Refresh: t.RefreshToken,
		Source: ts.source, APIBase: ts.apiBase})
	if err != nil {
		return errors.New("encoding the sign-in for the keychain failed")
	}
	if err := ts.k.Set(ts.key, string(data)); err != nil && !ts.unreachable(err) {
		return fmt.Errorf("saving the sign-in: %w", err)
	}
	return nil
}
