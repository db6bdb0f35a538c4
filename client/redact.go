package client

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/maphash"
	"html"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Scrubbing: every text that came from a server (a reply body, a proxy's status text, a
// redirect's address) loses every secret and token the client knows before it reaches an
// *Error, since a misconfigured gateway may repeat a request, Authorization header and all.
const (
	redactedMark = "[redacted]"
	// minSecretLen: shorter texts cannot be told from ordinary words, and no real credential is
	// that short; they are not looked for.
	minSecretLen = 6
	// gramLen: a run of this many bytes of any form of a secret is redacted wherever it
	// appears, so a secret is found whole, cut short, or wrapped into lines of any width.
	gramLen = 12
	// maxRecentSecrets bounds the tokens and assertions remembered; older ones expired long ago.
	maxRecentSecrets = 64
)

// secretSet holds the secrets a client knows: those it was given (the legacy secret, the
// private key's text, a pasted token, a proxy password) and those it met since (access and
// refresh tokens, signed assertions). It is safe for concurrent use; a nil set scrubs only the
// patterns any credential has.
type secretSet struct {
	mu     sync.Mutex
	fixed  []string
	recent []string
	index  *secretIndex // built when first needed after a change
}

func newSecretSet() *secretSet { return &secretSet{} }

// add records secrets the client holds for its whole life.
func (s *secretSet) add(secrets ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range secrets {
		if len(v) >= minSecretLen && !slices.Contains(s.fixed, v) {
			s.fixed = append(s.fixed, v)
			s.index = nil
		}
	}
}

// remember records tokens and assertions as the client meets them; the newest
// maxRecentSecrets are kept.
func (s *secretSet) remember(secrets ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range secrets {
		if len(v) < minSecretLen || slices.Contains(s.recent, v) {
			continue
		}
		s.recent = append(s.recent, v)
		if len(s.recent) > maxRecentSecrets {
			s.recent = slices.Delete(s.recent, 0, len(s.recent)-maxRecentSecrets)
		}
		s.index = nil
	}
}

func (s *secretSet) currentIndex() *secretIndex {
	if s == nil {
		return &secretIndex{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index == nil {
		s.index = buildSecretIndex(append(slices.Clone(s.fixed), s.recent...))
	}
	return s.index
}

// scrub returns text with every secret the set knows, in every form a server may repeat it,
// and every credential-shaped text (a bearer token, a JWT, a private key block) replaced by
// "[redacted]".
func (s *secretSet) scrub(text string) string {
	if text == "" {
		return text
	}
	hidden := s.currentIndex().find(text)
	for _, p := range credentialPatterns() {
		for _, m := range p.FindAllStringSubmatchIndex(text, -1) {
			lo, hi := m[0], m[1]
			if len(m) > 2 && m[2] >= 0 {
				lo, hi = m[2], m[3]
			}
			hidden = markSpan(hidden, len(text), lo, hi)
		}
	}
	if hidden == nil {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		if !hidden[i] {
			b.WriteByte(text[i])
			i++
			continue
		}
		b.WriteString(redactedMark)
		for i < len(text) && hidden[i] {
			i++
		}
	}
	return b.String()
}

// excerpt scrubs a whole reply body, then cuts it to an Excerpt: a secret that straddles the
// cut is found whole first.
func (s *secretSet) excerpt(body []byte) string {
	return Excerpt([]byte(s.scrub(string(body))))
}

// scrubError scrubs in place every text of e that may hold a server's words.
func (s *secretSet) scrubError(e *Error) {
	if e == nil {
		return
	}
	e.Message = s.scrub(e.Message)
	e.Excerpt = s.scrub(e.Excerpt)
	e.Location = s.scrub(e.Location)
	if e.Err != nil {
		text := e.Err.Error()
		if clean := s.scrub(text); clean != text {
			e.Err = &scrubbedError{text: clean, cause: e.Err}
		}
	}
}

// scrubbedError stands in for a cause whose text repeated a secret: it shows the scrubbed
// text and answers errors.Is for the cause (context.Canceled, say), but gives no way back to
// the cause itself.
type scrubbedError struct {
	text  string
	cause error
}

func (e *scrubbedError) Error() string        { return e.text }
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.cause, target) }

// credentialPatterns find credentials whatever their owner: the first group, when there is
// one, is the part to hide. They are compiled when a text is first scrubbed, not when a
// program starts: only a failure from a server needs them.
var credentialPatterns = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`(?i)\bbearer(?:\s|%20|\+)+([A-Za-z0-9\-._~+/]{8,}=*)`),
		regexp.MustCompile(`(?i)authorization[^A-Za-z0-9]{1,8}(?:basic|bearer|digest)(?:\s|%20|\+)+([A-Za-z0-9\-._~+/]+=*)`),
		regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`), // a JWT
		regexp.MustCompile(`(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\z)`),
	}
})

// markSpan marks bytes lo to hi of a text of length n as hidden, allocating the marks when
// none exist yet.
func markSpan(hidden []bool, n, lo, hi int) []bool {
	if lo >= hi {
		return hidden
	}
	if hidden == nil {
		hidden = make([]bool, n)
	}
	for i := lo; i < hi; i++ {
		hidden[i] = true
	}
	return hidden
}

// secretIndex finds the secrets of a set in a text: every gramLen-byte run of every form of
// the long ones, and the short ones whole.
type secretIndex struct {
	seed  maphash.Seed
	grams map[uint64]struct{} // hashes of the runs: small, and no copy of a secret kept
	short []string            // longest first
}

func buildSecretIndex(secrets []string) *secretIndex {
	idx := &secretIndex{seed: maphash.MakeSeed(), grams: make(map[uint64]struct{})}
	seen := make(map[string]bool)
	for _, secret := range secrets {
		for _, form := range secretForms(secret) {
			switch {
			case seen[form] || len(form) < minSecretLen:
			case len(form) < gramLen:
				idx.short = append(idx.short, form)
			default:
				for i := 0; i+gramLen <= len(form); i++ {
					idx.grams[maphash.String(idx.seed, form[i:i+gramLen])] = struct{}{}
				}
			}
			seen[form] = true
		}
	}
	slices.SortFunc(idx.short, func(a, b string) int { return len(b) - len(a) })
	return idx
}

// find marks the bytes of text that belong to a known secret; nil when there are none.
func (idx *secretIndex) find(text string) []bool {
	var hidden []bool
	if len(idx.grams) > 0 {
		for i := 0; i+gramLen <= len(text); i++ {
			if _, ok := idx.grams[maphash.String(idx.seed, text[i:i+gramLen])]; ok {
				hidden = markSpan(hidden, len(text), i, i+gramLen)
			}
		}
	}
	for _, secret := range idx.short {
		for from := 0; ; {
			at := strings.Index(text[from:], secret)
			if at < 0 {
				break
			}
			at += from
			hidden = markSpan(hidden, len(text), at, at+len(secret))
			from = at + len(secret)
		}
	}
	return hidden
}

// secretEncodings are the ways a server may repeat a text: escaped for JSON (with and without
// HTML escaping, with "\/"), for a URL query or path, for HTML.
var secretEncodings = []func(string) string{
	func(s string) string { return jsonEscape(s, true) },
	func(s string) string { return jsonEscape(s, false) },
	func(s string) string { return strings.ReplaceAll(s, "/", `\/`) },
	url.QueryEscape,
	url.PathEscape,
	html.EscapeString,
}

// secretForms returns secret as it is and as secretEncodings make it, once or twice over (a
// JSON request body repeated inside a JSON reply is escaped twice).
func secretForms(secret string) []string {
	forms := []string{secret}
	for range 2 {
		for _, f := range forms {
			for _, encode := range secretEncodings {
				if g := encode(f); !slices.Contains(forms, g) {
					forms = append(forms, g)
				}
			}
		}
	}
	return forms
}

// jsonEscape returns s as it appears inside a JSON string.
func jsonEscape(s string, escapeHTML bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(s); err != nil {
		return s
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return string(out[1 : len(out)-1])
}

// keySecrets returns the texts a private key may be shown as: its DER encodings (PKCS#8, and
// PKCS#1 or SEC1) in base64, whose runs cover the lines of a PEM text however it is wrapped.
func keySecrets(key crypto.Signer) []string {
	var ders [][]byte
	if der, err := x509.MarshalPKCS8PrivateKey(key); err == nil {
		ders = append(ders, der)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		ders = append(ders, x509.MarshalPKCS1PrivateKey(k))
	case *ecdsa.PrivateKey:
		if der, err := x509.MarshalECPrivateKey(k); err == nil {
			ders = append(ders, der)
		}
	}
	var out []string
	for _, der := range ders {
		out = append(out, base64.StdEncoding.EncodeToString(der))
	}
	return out
}

// proxySecrets returns the password in a proxy URL and the Basic credential made of it, as a
// Proxy-Authorization header carries it.
func proxySecrets(raw string) []string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.User == nil {
		return nil
	}
	password, ok := u.User.Password()
	if !ok || password == "" {
		return nil
	}
	basic := base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + password))
	return []string{password, basic}
}

// environmentProxySecrets returns the proxy passwords of the environment's proxy settings.
func environmentProxySecrets() []string {
	var out []string
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		if v := os.Getenv(name); v != "" {
			if !strings.Contains(v, "://") {
				v = "http://" + v
			}
			out = append(out, proxySecrets(v)...)
		}
	}
	return out
}
