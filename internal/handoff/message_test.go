package handoff

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// dialRaw connects to the window at place as a sender that writes what the test says.
func dialRaw(t *testing.T, place Place) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("unix", place.Socket, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

func writeRaw(t *testing.T, c net.Conn, s string) {
	t.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		t.Fatal(err)
	}
}

func readRaw(t *testing.T, c net.Conn) status {
	t.Helper()
	s, err := readReply(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// jsonPath is p as it goes inside a JSON string (Windows' backslashes doubled).
func jsonPath(p string) string {
	b, _ := json.Marshal(p)
	return string(b[1 : len(b)-1])
}

// What the window refuses, and answers so, without calling its handler; it goes on taking
// good requests afterwards.
func TestWindowRefusesBadRequests(t *testing.T) {
	file := `"` + jsonPath(abs("a.pdf")) + `"`
	tests := []struct {
		name, msg string
		want      status
	}{
		{"not JSON", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", statusInvalid},
		{"binary garbage", "\x00\xff\xfe\x01garbage\n", statusInvalid},
		{"a JSON array", `["` + jsonPath(abs("a.pdf")) + `"]` + "\n", statusInvalid},
		{"no version", `{"files":[` + file + `]}` + "\n", statusVersion},
		{"a later version", `{"version":2,"files":[` + file + `]}` + "\n", statusVersion},
		{"an unknown field", `{"version":1,"files":[` + file + `],"run":"calc.exe"}` + "\n", statusInvalid},
		{"files not a list", `{"version":1,"files":` + file + `}` + "\n", statusInvalid},
		{"a relative path", `{"version":1,"files":["scan.pdf"]}` + "\n", statusInvalid},
		{"an empty path", `{"version":1,"files":[""]}` + "\n", statusInvalid},
		{"a NUL in a path", `{"version":1,"files":["` + jsonPath(abs("a")) + `\u0000.pdf"]}` + "\n", statusInvalid},
		{"cut short, then silence", `{"version":1,"files":[` + file, statusInvalid}, // the read times out
		{"too large", `{"version":1,"files":["` + jsonPath(abs("")) + strings.Repeat("a", MaxRequestSize) + `"]}` + "\n", statusTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			place := testPlace(t)
			var rec recorder
			timeout := 5 * time.Second
			if strings.HasPrefix(tt.name, "cut short") {
				timeout = 200 * time.Millisecond
			}
			startWindow(t, place, rec.handle, WithIOTimeout(timeout))
			c := dialRaw(t, place)
			go io.WriteString(c, tt.msg) // a large one is not all read: the reply comes first
			if s := readRaw(t, c); s != tt.want {
				t.Errorf("reply %q, want %q", s, tt.want)
			}
			if got := rec.got(); len(got) != 0 {
				t.Fatalf("the handler was called with %+v", got)
			}
			if err := hand(t, place, Request{Files: []string{abs("good.pdf")}}); err != nil {
				t.Fatalf("a good request after the bad one: %v", err)
			}
		})
	}
}

// What Start refuses to send: the window would refuse it, or it would arrive changed.
func TestStartRefusesBadRequests(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  error
	}{
		{"a relative path", []string{"scan.pdf"}, ErrInvalid},
		{"not UTF-8 (JSON would change the name)", []string{abs("scan\xff.pdf")}, ErrInvalid},
		{"a NUL", []string{abs("a\x00b")}, ErrInvalid},
		{"too large", []string{abs(strings.Repeat("a", MaxRequestSize))}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			place := testPlace(t)
			l, handed, err := Start(t.Context(), place, Request{Files: tt.files}, testOptions...)
			if l != nil {
				l.Close()
			}
			if !errors.Is(err, tt.want) || handed || l != nil {
				t.Fatalf("listener %v, handed %v, error %v; want error %v", l, handed, err, tt.want)
			}
		})
	}
}
