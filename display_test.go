//go:build !headless

package main

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/go-gl/glfw/v3.3/glfw"
)

func TestMissingDisplay(t *testing.T) {
	for _, tc := range []struct {
		goos, display, wayland string
		missing                bool
	}{
		{goos: "linux", missing: true},
		{goos: "linux", display: ":0"},
		{goos: "linux", wayland: "wayland-0"},
		{goos: "freebsd", missing: true},
		{goos: "openbsd", display: "localhost:10.0"},
		{goos: "windows"},
		{goos: "darwin"},
	} {
		env := map[string]string{"DISPLAY": tc.display, "WAYLAND_DISPLAY": tc.wayland}
		p := missingDisplay(tc.goos, func(k string) string { return env[k] })
		if (p != nil) != tc.missing {
			t.Errorf("%s, DISPLAY=%q, WAYLAND_DISPLAY=%q: %v, want missing=%v", tc.goos, tc.display, tc.wayland, p, tc.missing)
		}
	}
}

// TestWindowWithoutDisplay opens the window with no display, as over SSH: one plain paragraph,
// exit status 1, and no GLFW panic (which is what Fyne does on its own).
func TestWindowWithoutDisplay(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("only Linux and the BSDs run without a display")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	var shown []windowProblem
	report := reportDisplayProblem
	reportDisplayProblem = func(p windowProblem) { shown = append(shown, p) }
	t.Cleanup(func() { reportDisplayProblem = report })

	if code := runWindow([]string{"--data-dir", t.TempDir()}); code != exitFailed {
		t.Errorf("exit status %d, want %d", code, exitFailed)
	}
	if len(shown) != 1 || shown[0].Message != noDisplayMessage {
		t.Fatalf("shown %+v, want the no-display message once", shown)
	}
}

func TestDisplayMessages(t *testing.T) {
	for _, msg := range []string{noDisplayMessage, unreachableDisplayMessage, noOpenGLMessage} {
		if !strings.Contains(msg, "cannot open its window") || !strings.Contains(msg, "'redox-uploader help'") {
			t.Errorf("%q does not say the window cannot open and where the commands are", msg)
		}
		if strings.Contains(msg, "\n") || strings.Contains(msg, "GLFW") || strings.Contains(msg, "DISPLAY") {
			t.Errorf("%q is not one plain paragraph", msg)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	const section = "Remote desktops and VDI"
	if !strings.Contains(noOpenGLMessage, `"`+section+`"`) || !strings.Contains(string(readme), "\n## "+section+"\n") {
		t.Errorf("the OpenGL message does not point at the README's section %q", section)
	}
	p := windowProblem{Message: "It failed.", Detail: "APIUnavailable: GLX: GLX extension not found"}
	if got, want := p.String(), "It failed.\n\nDetail for IT: APIUnavailable: GLX: GLX extension not found"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// BenchmarkDisplayCheck is what the display check adds to the window's start: an invisible
// window with an OpenGL 2.1 context, made and destroyed (GLFW's initialisation it shares with
// Fyne). On a display: xvfb-run -a go test -run '^$' -bench DisplayCheck .
func BenchmarkDisplayCheck(b *testing.B) {
	runtime.LockOSThread() // GLFW wants one thread
	if p := checkDisplay(os.Getenv); p != nil {
		b.Skip(p.String())
	}
	defer glfw.Terminate()
	for b.Loop() {
		if p := probeOpenGL(); p != nil {
			b.Fatal(p)
		}
	}
}

// BenchmarkDisplayCheckCold includes GLFW's initialisation, as the first check of a run does.
func BenchmarkDisplayCheckCold(b *testing.B) {
	runtime.LockOSThread()
	for b.Loop() {
		if p := checkDisplay(os.Getenv); p != nil {
			b.Skip(p.String())
		}
		glfw.Terminate()
	}
}
