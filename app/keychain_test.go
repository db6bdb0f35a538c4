package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// mockKeychain points go-keyring at its in-memory mock and returns a Keychain with a service
// name of the test's own.
func mockKeychain(t *testing.T) Keychain {
	t.Helper()
	keyring.MockInit()
	return Keychain{Service: "redox-uploader-test/" + t.Name()}
}

// rsa4096PEM is a 4096-bit RSA private key in PKCS#8 PEM (about 3.3 KB), made once per run.
var rsa4096PEM = sync.OnceValue(func() string {
	key, err := rsa.GenerateKey(rand.Reader, 4096)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
})

// windowsLikeBackend is an in-memory keychain that refuses values over 2,560 bytes, as Windows
// Credential Manager does.
type windowsLikeBackend struct {
	mu      sync.Mutex
	entries map[string]string
	largest int
}

const windowsLimit = 2560

func (b *windowsLikeBackend) Get(svc, user string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.entries[svc+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (b *windowsLikeBackend) Set(svc, user, value string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(value) > windowsLimit {
		return keyring.ErrSetDataTooBig
	}
	if b.entries == nil {
		b.entries = map[string]string{}
	}
	b.entries[svc+"\x00"+user] = value
	b.largest = max(b.largest, len(value))
	return nil
}

func (b *windowsLikeBackend) Delete(svc, user string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.entries[svc+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(b.entries, svc+"\x00"+user)
	return nil
}

func (b *windowsLikeBackend) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.entries)
}

func TestKeychainGetSetDelete(t *testing.T) {
	k := mockKeychain(t)
	if _, err := k.Get("a"); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Get of a missing entry: %v, want ErrSecretNotFound", err)
	}
	if err := k.Set("a", "first"); err != nil {
		t.Fatal(err)
	}
	if err := k.Set("a", "second"); err != nil {
		t.Fatal(err)
	}
	if v, err := k.Get("a"); err != nil || v != "second" {
		t.Fatalf("Get after overwrite = %q, %v; want second", v, err)
	}
	if v, err := keyring.Get(k.Service, "a"); err != nil || v != "second" {
		t.Fatalf("the entry is not stored under the service and key as is: %q, %v", v, err)
	}
	if err := k.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("a"); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrSecretNotFound", err)
	}
	if err := k.Delete("a"); err != nil {
		t.Fatalf("deleting a missing entry: %v, want nil", err)
	}
}

func TestKeychainZeroValueUsesAppService(t *testing.T) {
	keyring.MockInit()
	if err := (Keychain{}).Set("zero", "v"); err != nil {
		t.Fatal(err)
	}
	if v, err := keyring.Get(KeychainService, "zero"); err != nil || v != "v" {
		t.Fatalf("zero Keychain stored under another service: %q, %v", v, err)
	}
}

func TestKeychainChunksA4096BitRSAKey(t *testing.T) {
	pemText := rsa4096PEM()
	if len(pemText) <= windowsLimit {
		t.Fatalf("test key is only %d bytes", len(pemText))
	}
	k := mockKeychain(t)
	if err := k.Set("key", pemText); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get("key")
	if err != nil || got != pemText {
		t.Fatalf("round trip: %d bytes, %v; want the %d-byte PEM back", len(got), err, len(pemText))
	}
	head, err := keyring.Get(k.Service, "key")
	if err != nil || !strings.HasPrefix(head, chunkHeadPrefix+"2:") {
		t.Fatalf("head entry = %q, %v; want %s2:<sha256>", head, err, chunkHeadPrefix)
	}
	for _, entry := range []string{"key", "key#1", "key#2"} {
		v, err := keyring.Get(k.Service, entry)
		if err != nil {
			t.Fatalf("%s: %v", entry, err)
		}
		if len(v) > windowsLimit {
			t.Errorf("%s holds %d bytes, more than Windows allows (%d)", entry, len(v), windowsLimit)
		}
	}

	// The same against a keychain that refuses what Windows refuses.
	b := &windowsLikeBackend{}
	wk := Keychain{Service: "win", backend: b}
	if err := wk.Set("key", pemText); err != nil {
		t.Fatalf("storing a 4096-bit RSA key where values over 2,560 bytes are refused: %v", err)
	}
	if got, err := wk.Get("key"); err != nil || got != pemText {
		t.Fatalf("round trip on the size-limited keychain: %d bytes, %v", len(got), err)
	}
	if b.largest > windowsLimit {
		t.Fatalf("largest entry written: %d bytes", b.largest)
	}
	if err := wk.Delete("key"); err != nil {
		t.Fatal(err)
	}
	if n := b.len(); n != 0 {
		t.Fatalf("Delete left %d entries behind", n)
	}
}

func TestKeychainShrinkingLeavesNoStaleChunks(t *testing.T) {
	k := mockKeychain(t)
	chunks := func(n int) []string {
		var got []string
		for i := 1; i <= n; i++ {
			if _, err := keyring.Get(k.Service, chunkKey("v", i)); err == nil {
				got = append(got, chunkKey("v", i))
			}
		}
		return got
	}
	steps := []struct {
		value      string
		wantChunks int
	}{
		{strings.Repeat("a", 3*chunkSize+1), 4},
		{strings.Repeat("b", 2*chunkSize), 2},
		{"short", 0},
		{strings.Repeat("c", chunkSize+1), 2},
		{strings.Repeat("d", chunkSize), 0}, // exactly chunkSize fits in one entry
	}
	for _, s := range steps {
		if err := k.Set("v", s.value); err != nil {
			t.Fatal(err)
		}
		if got, err := k.Get("v"); err != nil || got != s.value {
			t.Fatalf("after storing %d bytes: got %d bytes, %v", len(s.value), len(got), err)
		}
		if got := chunks(6); len(got) != s.wantChunks {
			t.Fatalf("after storing %d bytes the chunks are %v; want %d", len(s.value), got, s.wantChunks)
		}
	}
	if err := k.Set("v", strings.Repeat("e", 3*chunkSize)); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete("v"); err != nil {
		t.Fatal(err)
	}
	if got := chunks(6); len(got) != 0 {
		t.Fatalf("Delete left chunks %v", got)
	}
	if _, err := keyring.Get(k.Service, "v"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("Delete left the head entry: %v", err)
	}
}

func TestKeychainChunksKeepCharactersWhole(t *testing.T) {
	k := mockKeychain(t)
	value := strings.Repeat("é€😀", 700) // 2, 3 and 4 bytes: boundaries land mid-character
	// Would a cut every chunkSize bytes split a character? If not, the value tests nothing.
	midCharacter := false
	for at := chunkSize; at < len(value); at += chunkSize {
		midCharacter = midCharacter || !utf8.RuneStart(value[at])
	}
	if !midCharacter {
		t.Fatal("cuts every chunkSize bytes fall between characters")
	}
	if err := k.Set("u", value); err != nil {
		t.Fatal(err)
	}
	var parts []string
	for i := 1; ; i++ {
		part, err := keyring.Get(k.Service, chunkKey("u", i))
		if errors.Is(err, keyring.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		if !utf8.ValidString(part) || len(part) > chunkSize {
			t.Fatalf("chunk %d: %d bytes, valid UTF-8 %v", i, len(part), utf8.ValidString(part))
		}
		parts = append(parts, part)
	}
	// The chunks read must be the whole value: a scan that finds no chunk (named otherwise, or
	// the value stored in one piece) checks nothing and must not pass.
	if len(parts) < 2 || strings.Join(parts, "") != value {
		t.Fatalf("read %d chunks holding %d of the value's %d bytes", len(parts), len(strings.Join(parts, "")), len(value))
	}
	if got, err := k.Get("u"); err != nil || got != value {
		t.Fatalf("round trip: %v", err)
	}
}

func TestKeychainValueThatLooksLikeAChunkHead(t *testing.T) {
	k := mockKeychain(t)
	value := chunkHeadPrefix + "1:" + checksum("x")
	if err := k.Set("h", value); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get("h"); err != nil || got != value {
		t.Fatalf("got %q, %v; want the value back", got, err)
	}
}

func TestKeychainDamagedChunks(t *testing.T) {
	value := strings.Repeat("z", 2*chunkSize+10)
	cases := map[string]func(svc string){
		"chunk changed": func(svc string) { keyring.Set(svc, "d#2", "tampered") },
		"chunk missing": func(svc string) { keyring.Delete(svc, "d#3") },
		"bad head":      func(svc string) { keyring.Set(svc, "d", chunkHeadPrefix+"999:abc") },
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			k := mockKeychain(t)
			if err := k.Set("d", value); err != nil {
				t.Fatal(err)
			}
			damage(k.Service)
			_, err := k.Get("d")
			if !errors.Is(err, ErrSecretNotFound) || !strings.Contains(err.Error(), "damaged") {
				t.Fatalf("Get = %v; want a damaged-entry error matching ErrSecretNotFound", err)
			}
			if err := k.Set("d", "fresh"); err != nil {
				t.Fatal(err)
			}
			if got, err := k.Get("d"); err != nil || got != "fresh" {
				t.Fatalf("storing again after damage: %q, %v", got, err)
			}
		})
	}
}

func TestKeychainTooBig(t *testing.T) {
	k := mockKeychain(t)
	if err := k.Set("big", strings.Repeat("x", maxValueSize+1)); !errors.Is(err, ErrSecretTooBig) {
		t.Fatalf("Set of %d bytes: %v, want ErrSecretTooBig", maxValueSize+1, err)
	}
	if err := k.Set("max", strings.Repeat("x", maxValueSize)); err != nil {
		t.Fatalf("Set of the largest allowed value: %v", err)
	}
	if got, err := k.Get("max"); err != nil || len(got) != maxValueSize {
		t.Fatalf("largest value round trip: %d bytes, %v", len(got), err)
	}

	// A keychain's own refusal reads the same.
	keyring.MockInitWithError(keyring.ErrSetDataTooBig)
	t.Cleanup(keyring.MockInit)
	if err := k.Set("x", "y"); !errors.Is(err, ErrSecretTooBig) {
		t.Fatalf("keyring.ErrSetDataTooBig became %v", err)
	}
}

func TestKeychainUnavailable(t *testing.T) {
	k := Keychain{Service: "svc"}
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	for name, op := range map[string]func() error{
		"Get":    func() error { _, err := k.Get("a"); return err },
		"Set":    func() error { return k.Set("a", "b") },
		"Delete": func() error { return k.Delete("a") },
	} {
		err := op()
		var ue *KeychainUnavailableError
		if !errors.As(err, &ue) {
			t.Fatalf("%s: %v (%T), want *KeychainUnavailableError", name, err, err)
		}
		msg := err.Error()
		for _, want := range []string{"not available or is locked", "unlock the login keyring", "Secret Service", "never stores your secrets anywhere else"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message %q lacks %q", name, msg, want)
			}
		}
		// The system's own words are for IT, below the message, not in what a nurse reads.
		if strings.Contains(msg, "org.freedesktop.secrets") || !strings.Contains(ue.Detail(), "org.freedesktop.secrets") {
			t.Errorf("%s: message %q, detail %q: want the keychain's cause in the detail alone", name, msg, ue.Detail())
		}
	}
}

// TestLockedKeychainNamesWhatCouldNotBeRead: an upload that could not read its source's secret
// because the keychain is locked says so in one sentence naming the source, with the keychain's
// own words as the detail and the error kind "keychain" (not "credentials": the secret may be
// right), instead of "reading the access token of the source …: The system keychain…".
func TestLockedKeychainNamesWhatCouldNotBeRead(t *testing.T) {
	keyring.MockInit()
	t.Cleanup(keyring.MockInit)
	core, err := Open(PathsIn(t.TempDir()), Options{KeychainService: "redox-uploader-locked-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close(context.Background()) })
	p := NewProfile("Ward 4 Cardiology")
	p.APIKey = "key-1"
	if err := core.Settings.Update(func(st *Settings) error { return st.PutProfile(p) }); err != nil {
		t.Fatal(err)
	}
	keyring.MockInitWithError(errors.New("Cannot autolaunch D-Bus without X11 $DISPLAY"))
	path := filepath.Join(t.TempDir(), "Lab result.pdf")
	if err := os.WriteFile(path, []byte("result"), 0o600); err != nil {
		t.Fatal(err)
	}
	sub := core.Queue.SubscribeTo(OutcomeOrRetry)
	defer sub.Close()
	s, err := core.Queue.Submit(t.Context(), p, []string{path}, SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	for e := range sub.C {
		if e.Record.ID == s.IDs[0] && e.Final() {
			rec = e.Record
			break
		}
	}
	want := `The system keychain is not available or is locked, so the API secret of the source "Ward 4 Cardiology" could not be read.`
	if !strings.HasPrefix(rec.ErrorMessage, want) || strings.Contains(rec.ErrorMessage, "X11") ||
		!strings.Contains(rec.ErrorDetail, "X11") || rec.ErrorKind != ErrorKindKeychain {
		t.Errorf("row: message %q, detail %q, kind %q; want the message to begin %q, the cause as the detail, kind %q",
			rec.ErrorMessage, rec.ErrorDetail, rec.ErrorKind, want, ErrorKindKeychain)
	}
}

// blockingBackend never answers until released.
type blockingBackend struct{ release chan struct{} }

func (b blockingBackend) Get(string, string) (string, error) { <-b.release; return "late", nil }
func (b blockingBackend) Set(string, string, string) error   { <-b.release; return nil }
func (b blockingBackend) Delete(string, string) error        { <-b.release; return nil }

func TestKeychainTimeout(t *testing.T) {
	b := blockingBackend{release: make(chan struct{})}
	t.Cleanup(func() { close(b.release) }) // lets the abandoned calls finish and free the lock
	k := Keychain{Service: "svc", Timeout: 50 * time.Millisecond, backend: b}

	for name, op := range map[string]func() error{
		"Get":    func() error { _, err := k.Get("a"); return err },
		"Set":    func() error { return k.Set("a", "b") },
		"Delete": func() error { return k.Delete("a") },
	} {
		start := time.Now()
		err := op()
		var te *KeychainTimeoutError
		if !errors.As(err, &te) {
			t.Fatalf("%s: %v, want *KeychainTimeoutError", name, err)
		}
		if te.Timeout != 50*time.Millisecond {
			t.Errorf("%s: Timeout = %v", name, te.Timeout)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s blocked the caller for %v", name, d)
		}
	}
	want := "The keychain did not answer within 45 s. If it asked for a password, unlock it and try again."
	if got := (&KeychainTimeoutError{}).Error(); got != want {
		t.Errorf("default message = %q\nwant %q", got, want)
	}
	if got := (&KeychainTimeoutError{Timeout: 45 * time.Second}).Error(); got != want {
		t.Errorf("45 s message = %q", got)
	}
}
