package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// tokenTee records every token the sign-in endpoints of a Redox stand-in hand out, by
// reading their replies on the way out.
type tokenTee struct {
	next http.Handler

	mu     sync.Mutex
	tokens []string
}

func (tt *tokenTee) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/auth/authenticate", "/auth/refreshToken", "/v2/auth/token":
	default:
		tt.next.ServeHTTP(w, r)
		return
	}
	tw := &teeResponse{ResponseWriter: w}
	tt.next.ServeHTTP(tw, r)
	var reply map[string]any
	if json.Unmarshal(tw.body.Bytes(), &reply) != nil {
		return
	}
	tt.mu.Lock()
	defer tt.mu.Unlock()
	for _, k := range []string{"accessToken", "refreshToken", "access_token", "refresh_token"} {
		if v, ok := reply[k].(string); ok && v != "" {
			tt.tokens = append(tt.tokens, v)
		}
	}
}

func (tt *tokenTee) issued() []string {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return slices.Clone(tt.tokens)
}

type teeResponse struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeResponse) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// newCanaries returns a legacy secret and a static token made for this run: marked CANARY, so
// a scan can look for the word alone too, and unique, so no earlier run can be what it finds.
func newCanaries() (secret, token string) {
	suffix := make([]byte, 8)
	rand.Read(suffix)
	return "CANARY-legacy-secret-" + hex.EncodeToString(suffix), "CANARY-static-token-" + hex.EncodeToString(suffix)
}

// secretNeedles names what must never be written down: the given secrets, every token the
// tee saw issued, and each long line of a private key PEM.
func secretNeedles(secrets map[string]string, tee *tokenTee, privateKeyPEM ...[]byte) map[string]string {
	needles := map[string]string{}
	for what, s := range secrets {
		needles[what] = s
	}
	for i, tok := range tee.issued() {
		needles[fmt.Sprintf("issued token %d", i)] = tok
	}
	for k, pem := range privateKeyPEM {
		for i, l := range strings.Split(string(pem), "\n") {
			if len(l) >= 32 && !strings.HasPrefix(l, "-----") {
				needles[fmt.Sprintf("private key %d line %d", k, i)] = l
			}
		}
	}
	return needles
}

// scanForNeedles reads every file under roots and fails the test for each needle found in
// one. controls are harmless strings the files are known to hold: the test fails if one is
// missing, as then the scan does not read what it should. It returns the names it read.
func scanForNeedles(t *testing.T, roots []string, needles map[string]string, controls ...string) []string {
	t.Helper()
	var scanned []string
	found := map[string]bool{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			scanned = append(scanned, d.Name())
			for _, c := range controls {
				found[c] = found[c] || bytes.Contains(data, []byte(c))
			}
			for what, needle := range needles {
				if bytes.Contains(data, []byte(needle)) {
					t.Errorf("%s holds the %s", path, what)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range controls {
		if !found[c] {
			t.Errorf("the scan did not find %q, which the data folder holds: it does not read what it should", c)
		}
	}
	return scanned
}

// scanOutputs fails the test for each needle found in what the commands printed.
func scanOutputs(t *testing.T, outputs []string, needles map[string]string) {
	t.Helper()
	for i, out := range outputs {
		for what, needle := range needles {
			if strings.Contains(out, needle) {
				t.Errorf("output %d of the session shows the %s:\n%s", i, what, out)
			}
		}
	}
}
