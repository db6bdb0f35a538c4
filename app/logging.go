package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"redoxuploader/internal/visible"
)

// The log file: JSON lines in Data/logs, rotated by size. Redox Uploader logs what IT needs to
// follow an upload (row id, base name, size, profile, source, outcome, retries, timings) and
// never a secret, a token, an Authorization header, file contents or a full local path.
const (
	LogFileName  = "redox-uploader.log"
	LogMaxSize   = 5 << 20 // bytes a log file may reach before it is rotated
	LogKeepFiles = 3       // rotated files kept: .1 (newest) to .3 (oldest)
)

// LogDir is the folder of the log files: Data/logs.
func (p Paths) LogDir() string { return filepath.Join(p.Data, "logs") }

// LogFile is the current log file: Data/logs/redox-uploader.log.
func (p Paths) LogFile() string { return filepath.Join(p.LogDir(), LogFileName) }

// RotatingFile is an io.Writer that appends to a file readable by the user only (0600, in a
// 0700 folder) and, when the next write would take the file past MaxSize, first renames it to
// name.1 (name.1 to name.2 and so on, dropping the oldest beyond Keep). Each Write goes whole
// into one file, so a log line is never split; a single write larger than MaxSize gets a file
// of its own. It is safe for concurrent use.
type RotatingFile struct {
	path    string
	maxSize int64
	keep    int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenRotatingFile opens (or creates) the file at path for appending, creating its folder.
// maxSize ≤ 0 means LogMaxSize; keep < 1 means LogKeepFiles.
func OpenRotatingFile(path string, maxSize int64, keep int) (*RotatingFile, error) {
	if maxSize <= 0 {
		maxSize = LogMaxSize
	}
	if keep < 1 {
		keep = LogKeepFiles
	}
	if err := ensurePrivateDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	r := &RotatingFile{path: path, maxSize: maxSize, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

// Path is the current file.
func (r *RotatingFile) Path() string { return r.path }

func (r *RotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening the log file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("opening the log file: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return fmt.Errorf("making the log file private: %w", err)
		}
	}
	r.f, r.size = f, fi.Size()
	return nil
}

// Write appends p, rotating first if p would take the file past the size limit.
func (r *RotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, fs.ErrClosed
	}
	if r.size > 0 && r.size+int64(len(p)) > r.maxSize {
		if err := r.rotate(); err != nil && r.f == nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// rotate shifts the old files up by one and starts an empty file. If a rename fails (on
// Windows another process may hold the file open) it carries on with the current file;
// r.f is nil afterwards only if no file could be reopened.
func (r *RotatingFile) rotate() error {
	closeErr := r.f.Close()
	r.f = nil
	var errs []error
	os.Remove(r.numbered(r.keep))
	for i := r.keep - 1; i >= 1; i-- {
		if err := os.Rename(r.numbered(i), r.numbered(i+1)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := os.Rename(r.path, r.numbered(1)); err != nil {
		errs = append(errs, err)
	}
	if err := r.open(); err != nil {
		return errors.Join(closeErr, err)
	}
	return errors.Join(append(errs, closeErr)...)
}

func (r *RotatingFile) numbered(i int) string { return r.path + "." + strconv.Itoa(i) }

// Close closes the file; later writes fail with fs.ErrClosed.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// NewLogger returns a logger writing JSON lines to w through a RedactingHandler: Info and
// above, or Debug and above when verbose. Invisible and direction-changing characters in
// names and messages are written as JSON escapes ("rtl\u202efdp.exe"), so a person reading
// the file sees them and a JSON reader still gets the true text (see visible.JSON).
func NewLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(NewRedactingHandler(slog.NewJSONHandler(visibleJSONWriter{w}, &slog.HandlerOptions{Level: level})))
}

// visibleJSONWriter passes each JSON line to w with visible.JSON's escapes. slog's JSON
// handler writes a whole line at a time, so no character is split between two writes.
type visibleJSONWriter struct{ w io.Writer }

func (v visibleJSONWriter) Write(p []byte) (int, error) {
	if _, err := v.w.Write(visible.JSON(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// DiscardLogger returns a logger that writes nothing.
func DiscardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Redacted replaces the value of an attribute that may hold a secret.
const Redacted = "[REDACTED]"

// secretKeyWords are the words that make an attribute key secret, in any case: the value of
// "apiSecret", "access_token" or "proxyPassword" is never written.
var secretKeyWords = []string{"secret", "token", "authorization", "password", "private"}

// secretKeyPattern matches the keys that hold a secret key word. Only keys that are not plain
// ASCII need it: its case folding also knows the long s (U+017F) as an "s" and the Kelvin sign
// (U+212A) as a "k". It is compiled on first use, which most programs never make.
var secretKeyPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)` + strings.Join(secretKeyWords, "|"))
})

// bearerPattern matches a bearer credential inside a string value; compiled on first use.
var bearerPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(bearer\s+)[^\s"',;]+`)
})

// RedactingHandler is a guard in front of another slog.Handler. The app only logs fields that
// hold no secret; this catches mistakes: the value of any attribute (at any group depth) whose
// key matches secret, token, authorization, password or private (ignoring case) becomes
// Redacted, and a "Bearer <credential>" inside any string value loses its credential.
type RedactingHandler struct {
	next slog.Handler
}

// NewRedactingHandler wraps next.
func NewRedactingHandler(next slog.Handler) *RedactingHandler { return &RedactingHandler{next: next} }

// Enabled reports what the wrapped handler reports.
func (h *RedactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle redacts the record's message and attributes, then passes it on. A record with
// nothing to redact, as almost every one is, goes on as it came.
func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	if recordIsClean(r) {
		return h.next.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, redactString(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs redacts attrs before the wrapped handler keeps them.
func (h *RedactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redactAttr(a)
	}
	return &RedactingHandler{next: h.next.WithAttrs(clean)}
}

// WithGroup opens a group in the wrapped handler.
func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{next: h.next.WithGroup(name)}
}

// recordIsClean reports whether redacting r would leave it as it is: no secret key, no bearer
// credential, and no value that redactAttr turns into text (errors and other values of any
// kind, LogValuers) at any group depth.
func recordIsClean(r slog.Record) bool {
	if hasBearer(r.Message) {
		return false
	}
	clean := true
	r.Attrs(func(a slog.Attr) bool {
		clean = attrIsClean(a)
		return clean
	})
	return clean
}

func attrIsClean(a slog.Attr) bool {
	if isSecretKey(a.Key) {
		return false
	}
	switch a.Value.Kind() {
	case slog.KindString:
		return !hasBearer(a.Value.String())
	case slog.KindGroup:
		for _, g := range a.Value.Group() {
			if !attrIsClean(g) {
				return false
			}
		}
		return true
	case slog.KindAny, slog.KindLogValuer:
		return false
	}
	return true
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if isSecretKey(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	switch v.Kind() {
	case slog.KindGroup:
		group := v.Group()
		clean := make([]slog.Attr, len(group))
		for i, g := range group {
			clean[i] = redactAttr(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(clean...)}
	case slog.KindString:
		return slog.String(a.Key, redactString(v.String()))
	case slog.KindAny:
		// Errors, structs, maps: log their text, so nothing escapes the string check.
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, redactString(err.Error()))
		}
		return slog.String(a.Key, redactString(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func redactString(s string) string {
	if !hasBearer(s) {
		return s
	}
	return bearerPattern().ReplaceAllString(s, "${1}"+Redacted)
}

// isSecretKey reports whether key holds one of secretKeyWords, ignoring case as
// secretKeyPattern does. A plain ASCII key, as every key the app writes is, is checked without
// the pattern.
func isSecretKey(key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return secretKeyPattern().MatchString(key)
		}
	}
	for _, word := range secretKeyWords {
		if containsFoldASCII(key, word) {
			return true
		}
	}
	return false
}

// hasBearer reports whether s holds "bearer" in any case: the only texts bearerPattern can
// change. No character outside ASCII folds to b, e, a or r, so an ASCII check finds them all.
func hasBearer(s string) bool { return containsFoldASCII(s, "bearer") }

// containsFoldASCII reports whether s holds word with its ASCII letters in either case; word is
// lower-case ASCII letters.
func containsFoldASCII(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 != word[0] {
			continue
		}
		j := 1
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// withoutPath returns s with the local path and its folder replaced by the base name and
// "…": a path can name a patient, so logs and diagnostics keep base names only.
func withoutPath(s, path string) string {
	if path == "" || s == "" {
		return s
	}
	s = strings.ReplaceAll(s, path, filepath.Base(path))
	if dir := filepath.Dir(path); dir != "." && dir != string(filepath.Separator) && len(dir) > 1 {
		s = strings.ReplaceAll(s, dir, "…")
	}
	return s
}
