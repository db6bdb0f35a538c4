package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// KeychainService is the service name the app's entries carry in the OS keychain.
const KeychainService = "Redox Uploader"

// DefaultKeychainTimeout is how long a keychain call may take: long enough for a person to
// answer the unlock prompt the OS may show.
const DefaultKeychainTimeout = 45 * time.Second

// Chunking: Windows Credential Manager holds at most 2,560 bytes a secret and macOS's
// `security` tool takes a command line of at most 4,096 bytes, so a longer value (a 4096-bit RSA
// key in PEM is about 3.3 KB) is stored as numbered chunks "key#1".."key#N" of at most
// chunkSize bytes, and the entry "key" holds chunkHeadPrefix + "N:" + the SHA-256 of the whole
// value in hex, which Get checks after putting the chunks back together.
const (
	chunkSize       = 2000
	maxChunks       = 32
	maxValueSize    = 60000 // fits in maxChunks chunks cut at character boundaries; no key, secret or token comes near
	chunkHeadPrefix = "redox-uploader-chunked:"
)

// ErrSecretNotFound means the keychain holds no entry under the key asked for.
var ErrSecretNotFound error = Sentence("No secret is stored in the keychain for this source.")

// ErrSecretTooBig means a value is too large for the keychain even in chunks.
var ErrSecretTooBig = Sentencef("The secret is too large to store in the keychain (the most is %d bytes); use a shorter key or token.", maxValueSize)

// KeychainTimeoutError means the keychain did not answer in time, typically because it is
// locked and waiting for a password nobody typed. The call may still complete later.
type KeychainTimeoutError struct {
	Timeout time.Duration
	Reading string // what could not be read, for the message (see KeychainUnavailableError); may be ""
}

func (e *KeychainTimeoutError) Error() string {
	d := e.Timeout
	if d <= 0 {
		d = DefaultKeychainTimeout
	}
	return couldNotRead("The keychain did not answer within "+humanDuration(d)+".", e.Reading) +
		" If it asked for a password, unlock it and try again."
}

// KeychainUnavailableError means the OS keychain cannot be reached or refused to open. Err is
// the underlying error (it never holds a secret), shown as Detail; ErrNoSessionBus when there
// is no desktop session to reach it through.
type KeychainUnavailableError struct {
	Err error
	// Reading names what could not be read, as `the API secret of the source "Radiology"`,
	// for the message to say; "" when no one thing was being read.
	Reading string
}

func (e *KeychainUnavailableError) Error() string {
	if errors.Is(e.Err, ErrNoSessionBus) {
		return couldNotRead("The system keychain cannot be reached: Redox Uploader is not running in a desktop session "+
			"(for example over SSH, from cron or from a service), so there is no keychain to ask.", e.Reading) +
			" Run it from a desktop session, or give the command a session of its own, for example: " +
			"dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets < PASSWORD-FILE; redox-uploader ...'. " +
			"Redox Uploader never stores your secrets anywhere else."
	}
	return couldNotRead("The system keychain is not available or is locked.", e.Reading) +
		" On Linux, unlock the login keyring or install a Secret Service (for example GNOME Keyring); " +
		"Redox Uploader never stores your secrets anywhere else."
}

// keychainUnusable is an error saying the keychain could not be used at all (locked, absent,
// not answering): KeychainUnavailableError and KeychainTimeoutError.
type keychainUnusable interface {
	error
	reading(what string) error // the same error, naming what could not be read because of it
}

// KeychainUnusable reports whether err says the keychain could not be used at all (locked,
// absent, not answering), as against a secret that is not there or not right.
func KeychainUnusable(err error) bool { return keychainUnusableIn(err) != nil }

// keychainUnusableIn returns the keychainUnusable in err's chain, or nil.
func keychainUnusableIn(err error) keychainUnusable {
	var k keychainUnusable
	if errors.As(err, &k) {
		return k
	}
	return nil
}

func (e *KeychainTimeoutError) reading(what string) error {
	named := *e
	named.Reading = what
	return &named
}

func (e *KeychainUnavailableError) reading(what string) error {
	named := *e
	named.Reading = what
	return &named
}

// couldNotRead ends sentence, which says why the keychain could not be used, with what could
// not be read because of it, when reading names it.
func couldNotRead(sentence, reading string) string {
	if reading == "" {
		return sentence
	}
	return strings.TrimSuffix(sentence, ".") + ", so " + reading + " could not be read."
}

// Detail is the technical cause, for IT.
func (e *KeychainUnavailableError) Detail() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

func (e *KeychainUnavailableError) Unwrap() error { return e.Err }

// damagedError means a chunked value could not be put back together: a chunk is missing or the
// checksum does not match. It counts as ErrSecretNotFound: there is no usable value.
type damagedError struct{ key string }

func (e *damagedError) Error() string {
	return "The keychain entry " + strconv.Quote(e.key) + " is incomplete or damaged; store the secret again."
}

func (e *damagedError) Is(target error) bool { return target == ErrSecretNotFound }

// Keychain reads and writes secrets in the OS keychain (macOS Keychain, Windows Credential
// Manager, the Secret Service on Linux) through go-keyring. Every call runs on its own goroutine
// and gives up after Timeout, so a locked keychain never blocks the caller longer; calls never
// fall back to any other storage. The zero value uses KeychainService and a 45 s timeout.
type Keychain struct {
	Service string
	Timeout time.Duration

	backend keyringBackend // nil: go-keyring; tests swap in their own
}

// keyringBackend is the part of go-keyring the Keychain uses.
type keyringBackend interface {
	Get(service, user string) (string, error)
	Set(service, user, value string) error
	Delete(service, user string) error
}

type goKeyring struct{}

func (goKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (goKeyring) Set(service, user, value string) error    { return keyring.Set(service, user, value) }
func (goKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// keychainMu makes each Keychain operation (several entries for a chunked value) atomic within
// the process and keeps concurrent callers from racing on go-keyring's shared provider.
var keychainMu sync.Mutex

// Get returns the value stored under key: ErrSecretNotFound when there is none, a
// *KeychainTimeoutError or a *KeychainUnavailableError when the keychain does not answer.
func (k Keychain) Get(key string) (string, error) {
	var value string
	err := k.do(func(b keyringBackend, svc string) error {
		var err error
		value, err = getValue(b, svc, key)
		return err
	})
	if err != nil {
		return "", err // after a timeout the abandoned call may still write value
	}
	return value, nil
}

// Set stores value under key, replacing what was there (and removing chunks an older, longer
// value left behind).
func (k Keychain) Set(key, value string) error {
	if len(value) > maxValueSize {
		return ErrSecretTooBig
	}
	return k.do(func(b keyringBackend, svc string) error { return setValue(b, svc, key, value) })
}

// Delete removes the value under key and its chunks. Deleting what is not there is not an
// error.
func (k Keychain) Delete(key string) error {
	return k.do(func(b keyringBackend, svc string) error {
		if err := b.Delete(svc, key); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return err
		}
		return deleteChunks(b, svc, key, 1)
	})
}

// do runs op under the process-wide lock on its own goroutine and waits at most the timeout.
func (k Keychain) do(op func(b keyringBackend, service string) error) error {
	b, svc, timeout := k.backend, k.Service, k.Timeout
	if b == nil {
		if err := noSessionBus(); err != nil {
			return err // go-keyring would start a dbus-daemon and a gnome-keyring-daemon that outlive us
		}
		b = goKeyring{}
	}
	if svc == "" {
		svc = KeychainService
	}
	if timeout <= 0 {
		timeout = DefaultKeychainTimeout
	}
	done := make(chan error, 1)
	go func() {
		keychainMu.Lock()
		defer keychainMu.Unlock()
		done <- op(b, svc)
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return classify(err)
	case <-timer.C:
		return &KeychainTimeoutError{Timeout: timeout}
	}
}

// classify turns go-keyring's errors into the app's.
func classify(err error) error {
	var damaged *damagedError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrSecretNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig), errors.Is(err, ErrSecretTooBig):
		return ErrSecretTooBig
	case errors.As(err, &damaged):
		return err
	default:
		return &KeychainUnavailableError{Err: err}
	}
}

func chunkKey(key string, i int) string { return key + "#" + strconv.Itoa(i) }

func checksum(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

func getValue(b keyringBackend, svc, key string) (string, error) {
	head, err := b.Get(svc, key)
	if err != nil || !strings.HasPrefix(head, chunkHeadPrefix) {
		return head, err
	}
	n, sum, ok := parseChunkHead(head)
	if !ok {
		return "", &damagedError{key: key}
	}
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		part, err := b.Get(svc, chunkKey(key, i))
		if errors.Is(err, keyring.ErrNotFound) {
			return "", &damagedError{key: key}
		}
		if err != nil {
			return "", err
		}
		sb.WriteString(part)
	}
	value := sb.String()
	if checksum(value) != sum {
		return "", &damagedError{key: key}
	}
	return value, nil
}

// parseChunkHead reads "redox-uploader-chunked:N:SHA256HEX".
func parseChunkHead(head string) (n int, sum string, ok bool) {
	count, sum, found := strings.Cut(strings.TrimPrefix(head, chunkHeadPrefix), ":")
	n, err := strconv.Atoi(count)
	if !found || err != nil || n < 1 || n > maxChunks || len(sum) != sha256.Size*2 {
		return 0, "", false
	}
	return n, sum, true
}

func setValue(b keyringBackend, svc, key, value string) error {
	// A value that looks like a chunk head is stored chunked too, so Get never mistakes it.
	if len(value) <= chunkSize && !strings.HasPrefix(value, chunkHeadPrefix) {
		if err := b.Set(svc, key, value); err != nil {
			return err
		}
		return deleteChunks(b, svc, key, 1)
	}
	n := 0
	for rest := value; rest != ""; {
		// Cut at most chunkSize bytes, at a character boundary so every chunk is valid text.
		cut := min(chunkSize, len(rest))
		for cut < len(rest) && cut > chunkSize-utf8.UTFMax && !utf8.RuneStart(rest[cut]) {
			cut--
		}
		part := rest[:cut]
		rest = rest[len(part):]
		n++
		if err := b.Set(svc, chunkKey(key, n), part); err != nil {
			return err
		}
	}
	// The head goes last, so a reader never finds a head whose chunks are not all written.
	if err := b.Set(svc, key, chunkHeadPrefix+strconv.Itoa(n)+":"+checksum(value)); err != nil {
		return err
	}
	return deleteChunks(b, svc, key, n+1)
}

// deleteChunks removes key#from, key#from+1, ... up to the first that is not there.
func deleteChunks(b keyringBackend, svc, key string, from int) error {
	for i := from; i <= maxChunks; i++ {
		err := b.Delete(svc, chunkKey(key, i))
		if errors.Is(err, keyring.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// humanDuration writes whole seconds as "45 s" and anything else as Go does.
func humanDuration(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + " s"
	}
	return d.String()
}
