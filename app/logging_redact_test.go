package app

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode"
)

// TestRedactingHandlerChecksEveryKind logs each shape a secret can take in a record of its
// own, so no other attribute sends the record down the redacting path: every one is caught.
func TestRedactingHandlerChecksEveryKind(t *testing.T) {
	const canary = "CANARY-s3cr3t-value"
	for _, tc := range []struct {
		name string
		msg  string
		args []any
	}{
		{"bearer in the message", "sent Bearer " + canary, nil},
		{"bearer in a string", "event", []any{"detail", "BEARER " + canary}},
		{"secret key, any case", "event", []any{"PROXY_PASSWORD", canary}},
		{"secret key with a long s", "event", []any{"api\u017fecret", canary}},
		{"secret key with a Kelvin sign", "event", []any{"to\u212aen", canary}},
		{"secret key of a number", "event", []any{"tokenCount", 4471}},
		{"error", "event", []any{"err", errors.New("bearer " + canary)}},
		{"stringer", "event", []any{"request", stringer("Authorization: Bearer " + canary)}},
		{"log valuer", "event", []any{"request", valuer("Bearer " + canary)}},
		{"nested group", "event", []any{slog.Group("a", slog.Group("b", "privateKey", canary))}},
		{"group holding a log valuer", "event", []any{slog.Group("a", "request", valuer("bearer "+canary))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			NewLogger(&buf, false).Info(tc.msg, tc.args...)
			out := buf.String()
			if strings.Contains(out, canary) || strings.Contains(out, "4471") || !strings.Contains(out, Redacted) {
				t.Errorf("the canary was not redacted:\n%s", out)
			}
		})
	}
}

type stringer string

func (s stringer) String() string { return string(s) }

type valuer string

func (v valuer) LogValue() slog.Value { return slog.StringValue(string(v)) }

// TestRedactingHandlerPassesCleanRecordsUnchanged: a record with nothing to redact is written
// exactly as redacting each attribute would have written it.
func TestRedactingHandlerPassesCleanRecordsUnchanged(t *testing.T) {
	var got, want bytes.Buffer
	record := slog.NewRecord(time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC), slog.LevelInfo, "upload finished", 0)
	record.AddAttrs(slog.Int64("row", 48213), slog.String("file", "discharge.pdf"), slog.Bool("sandbox", true),
		slog.Duration("took", 412e6), slog.Group("http", slog.Int("status", 201), slog.String("via", "proxy")),
		slog.String("message", "Bearings are fine"), slog.Float64("ratio", 0.5))
	if err := NewRedactingHandler(slog.NewJSONHandler(&got, nil)).Handle(t.Context(), record); err != nil {
		t.Fatal(err)
	}
	redacted := slog.NewRecord(record.Time, record.Level, redactString(record.Message), record.PC)
	record.Attrs(func(a slog.Attr) bool {
		redacted.AddAttrs(redactAttr(a))
		return true
	})
	if err := slog.NewJSONHandler(&want, nil).Handle(t.Context(), redacted); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("a clean record was written as\n%s\nwant\n%s", got.String(), want.String())
	}
}

// TestIsSecretKeyAgreesWithPattern: the quick key check says what secretKeyPattern says, for
// every key word with each letter in each of its case forms (the long s and the Kelvin sign
// among them), in ASCII keys and in keys that are not.
func TestIsSecretKeyAgreesWithPattern(t *testing.T) {
	keys := []string{"", "apiKey", "file", "secre", "tok en", "authorisation", "passw0rd", "privat",
		"Authorization", "X-AUTHORIZATION", "access_token", "proxyPassword", "PrivateKey", "apiSecret",
		"Größe", "datei", "tök", "ſecre", "İtoken"}
	for _, word := range secretKeyWords {
		for i, c := range word {
			for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
				keys = append(keys, "x"+word[:i]+string(f)+word[i+1:], "é"+word[:i]+string(f)+word[i+1:])
			}
		}
	}
	for _, key := range keys {
		if got, want := isSecretKey(key), secretKeyPattern().MatchString(key); got != want {
			t.Errorf("isSecretKey(%q) = %v, the pattern says %v", key, got, want)
		}
	}
}

// TestHasBearerAgreesWithLowerCase: the quick check finds "bearer" wherever lower-casing the
// text would, whatever character stands beside or in place of each letter.
func TestHasBearerAgreesWithLowerCase(t *testing.T) {
	texts := []string{"", "bearer", "BEARER", "BeArEr x", "bear er", "bearerbearer", "Bearing", "xbEARER",
		"b\u0130arer", "be\u212arer", "bearé", "\xffbearer\xff"}
	const word = "bearer"
	for i := range word {
		for _, r := range []rune{'@', '[', '`', '{', 0x0130, 0x212A, 0x017F, 0xFFFD, 'é'} {
			texts = append(texts, word[:i]+string(r)+word[i+1:], word[:i]+string(r)+word)
		}
		texts = append(texts, word[:i]+strings.ToUpper(word[i:i+1])+word[i+1:])
	}
	for _, s := range texts {
		if got, want := hasBearer(s), strings.Contains(strings.ToLower(s), word); got != want {
			t.Errorf("hasBearer(%q) = %v, lower-casing says %v", s, got, want)
		}
	}
}
