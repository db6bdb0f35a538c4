package handoff

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// helperEnv names the place a re-executed test binary takes as a window (see TestMain).
const helperEnv = "REDOX_HANDOFF_HELPER_PLACE"

// TestMain runs the window helper when the test binary was re-executed as one: it becomes the
// window for the place in $REDOX_HANDOFF_HELPER_PLACE, says "listening" and waits to be killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		l, _, err := Start(context.Background(), placeIn(dir, "window"), Request{})
		if err != nil || l == nil {
			fmt.Fprintln(os.Stderr, "helper: not the window:", err)
			os.Exit(1)
		}
		l.Serve(func(Request) error { return nil })
		fmt.Println("listening")
		select {}
	}
	os.Exit(m.Run())
}

// testOptions keep the waits short.
var testOptions = []Option{WithIOTimeout(2 * time.Second), WithStartupWait(5 * time.Second), WithOwnerWait(2 * time.Second)}

// testPlace is a place in a fresh private folder. Socket paths must be short, so the folder
// is made in the temporary folder rather than under the test's long name.
func testPlace(t *testing.T) Place {
	t.Helper()
	dir, err := os.MkdirTemp("", "handoff")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return placeIn(dir, "window")
}

// startWindow makes this test the window for place, serving with h.
func startWindow(t *testing.T, place Place, h Handler, opts ...Option) *Listener {
	t.Helper()
	l, handed, err := Start(t.Context(), place, Request{}, append(slices.Clone(testOptions), opts...)...)
	if err != nil || handed || l == nil {
		t.Fatalf("Start on a free place: listener %v, handed %v, error %v; want a listener", l, handed, err)
	}
	t.Cleanup(func() { l.Close() })
	if h != nil {
		l.Serve(h)
	}
	return l
}

// recorder is a Handler that keeps what it was handed.
type recorder struct {
	mu   sync.Mutex
	reqs []Request
}

func (r *recorder) handle(req Request) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return nil
}

func (r *recorder) got() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

// hand is a second start handing req to the window at place; it must not become the window.
func hand(t *testing.T, place Place, req Request, opts ...Option) error {
	t.Helper()
	l, handed, err := Start(t.Context(), place, req, append(slices.Clone(testOptions), opts...)...)
	if l != nil {
		l.Close()
		t.Fatal("a second start became the window while the first was open")
	}
	if err == nil && !handed {
		t.Fatal("Start returned neither a listener, nor handed, nor an error")
	}
	return err
}

// abs is a path that is absolute on this system.
func abs(parts ...string) string {
	root := string(filepath.Separator)
	if runtime.GOOS == "windows" {
		root = `C:\`
	}
	return filepath.Join(append([]string{root}, parts...)...)
}

func TestHandOverRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		req  Request
	}{
		{"one file", Request{Files: []string{abs("home", "ann", "scan.pdf")}}},
		{"names with spaces, quotes and other scripts", Request{Files: []string{abs("home", "ann", `Report "final", v2.pdf`),
			abs("home", "ann", "Ärztebrief 診療.pdf"), abs("home", "ann", "new\nline.pdf")}}},
		{"no files: only raise the window", Request{}},
		{"sandbox asked for", Request{Files: []string{abs("tmp", "a.pdf")}, Sandbox: true}},
		{"thousands of files", Request{Files: manyFiles(5000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			place := testPlace(t)
			var rec recorder
			startWindow(t, place, rec.handle)
			if err := hand(t, place, tt.req); err != nil {
				t.Fatalf("handing over: %v", err)
			}
			got := rec.got()
			if len(got) != 1 || !slices.Equal(got[0].Files, tt.req.Files) || got[0].Sandbox != tt.req.Sandbox {
				t.Fatalf("the window got %+v, want one request %+v", got, tt.req)
			}
		})
	}
}

func manyFiles(n int) []string {
	files := make([]string, n)
	for i := range files {
		files[i] = abs("data", "scans", fmt.Sprintf("scan %05d.pdf", i))
	}
	return files
}

// A request that comes while the window is still starting (before Serve) waits for it.
func TestRequestBeforeServeWaits(t *testing.T) {
	place := testPlace(t)
	l := startWindow(t, place, nil)
	read := make(chan struct{})
	l.opts.onRequest = func() { close(read) }
	c := dialRaw(t, place)
	writeRaw(t, c, `{"version":1,"files":["`+jsonPath(abs("early.pdf"))+`"],"sandbox":false}`+"\n")
	<-read // the window has the request before it is ready
	var rec recorder
	l.Serve(rec.handle)
	if s := readRaw(t, c); s != statusAdded {
		t.Fatalf("reply %q, want %q", s, statusAdded)
	}
	if got := rec.got(); len(got) != 1 || got[0].Files[0] != abs("early.pdf") {
		t.Fatalf("the window got %+v, want the early request", got)
	}
}

// A window that does not finish starting in time turns the request away, and does not take it
// later: the sender has been told it was not taken.
func TestStartupWaitExpires(t *testing.T) {
	place := testPlace(t)
	l := startWindow(t, place, nil, WithStartupWait(50*time.Millisecond))
	err := hand(t, place, Request{Files: []string{abs("late.pdf")}})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("error %v, want ErrBusy", err)
	}
	var rec recorder
	l.Serve(rec.handle)
	if err := hand(t, place, Request{Files: []string{abs("next.pdf")}}); err != nil {
		t.Fatal(err)
	}
	if got := rec.got(); len(got) != 1 || got[0].Files[0] != abs("next.pdf") {
		t.Fatalf("the window got %+v, want only the request after it was ready", got)
	}
}

func TestHandlerAnswers(t *testing.T) {
	tests := []struct {
		name    string
		handler error
		want    error
	}{
		{"not on the sandbox", fmt.Errorf("window: %w", ErrNotOnSandbox), ErrNotOnSandbox},
		{"another reason", errors.New("something else"), ErrRefused},
		{"closing, for good", ErrClosing, ErrNoAnswer}, // tries again until the owner wait ends
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			place := testPlace(t)
			startWindow(t, place, func(Request) error { return tt.handler })
			err := hand(t, place, Request{Sandbox: true}, WithOwnerWait(200*time.Millisecond))
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
		})
	}
}

// A sender waiting when the window closes starts again, and becomes the window itself.
func TestCloseHandsThePlaceToAWaitingSender(t *testing.T) {
	place := testPlace(t)
	read := make(chan struct{})
	l := startWindow(t, place, nil)
	l.opts.onRequest = func() { close(read) }
	type result struct {
		l      *Listener
		handed bool
		err    error
	}
	done := make(chan result)
	go func() {
		l2, handed, err := Start(context.Background(), place, Request{Files: []string{abs("a.pdf")}}, testOptions...)
		done <- result{l2, handed, err}
	}()
	<-read
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.handed || r.l == nil {
		t.Fatalf("the waiting sender: listener %v, handed %v, error %v; want it to become the window", r.l, r.handed, r.err)
	}
	defer r.l.Close()
	var rec recorder
	r.l.Serve(rec.handle)
	if err := hand(t, place, Request{}); err != nil {
		t.Fatalf("handing to the new window: %v", err)
	}
}

func TestCloseRemovesTheSocketAndFreesThePlace(t *testing.T) {
	place := testPlace(t)
	l := startWindow(t, place, nil)
	if runtime.GOOS != "windows" {
		for _, f := range []string{place.Socket, place.Lock} {
			fi, err := os.Stat(f)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v, %v; want mode 0600", filepath.Base(f), fi.Mode().Perm(), err)
			}
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(place.Socket); !os.IsNotExist(err) {
		t.Errorf("the socket is still there after Close: %v", err)
	}
	startWindow(t, place, nil) // the next start becomes the window
}

// A socket left by a window that was killed, and a file where the socket goes, do not stop
// the next start from becoming the window.
func TestStaleSocketIsReplaced(t *testing.T) {
	t.Run("a killed window", func(t *testing.T) {
		place := testPlace(t)
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+filepath.Dir(place.Socket))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, _ := bufio.NewReader(out).ReadString('\n'); line != "listening\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the helper window said %q; stderr: %s", line, stderr.String())
		}
		if err := hand(t, place, Request{}); err != nil {
			t.Fatalf("handing to the helper window: %v", err)
		}
		cmd.Process.Kill() // no chance to clean up
		cmd.Wait()
		if _, err := os.Lstat(place.Socket); err != nil {
			t.Fatalf("the killed window left no socket behind, so this tests nothing: %v", err)
		}
		var rec recorder
		startWindow(t, place, rec.handle)
		if err := hand(t, place, Request{Files: []string{abs("after.pdf")}}); err != nil {
			t.Fatalf("handing to the new window: %v", err)
		}
		if len(rec.got()) != 1 {
			t.Fatalf("the new window got %+v", rec.got())
		}
	})
	t.Run("a file in the socket's place", func(t *testing.T) {
		place := testPlace(t)
		if err := os.WriteFile(place.Socket, []byte("left over"), 0o600); err != nil {
			t.Fatal(err)
		}
		startWindow(t, place, nil)
	})
}

// Starts at the same moment: exactly one becomes the window, every other hands its files to it.
func TestConcurrentStarts(t *testing.T) {
	const starts = 8
	place := testPlace(t)
	var (
		rec       recorder
		wg        sync.WaitGroup
		mu        sync.Mutex
		listeners []*Listener
		errs      []error
	)
	begin := make(chan struct{})
	for i := range starts {
		wg.Go(func() {
			<-begin
			l, handed, err := Start(context.Background(), place, Request{Files: []string{abs(fmt.Sprintf("file%d.pdf", i))}}, testOptions...)
			if l != nil {
				l.Serve(rec.handle)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case l != nil:
				listeners = append(listeners, l)
			case err != nil || !handed:
				errs = append(errs, fmt.Errorf("start %d: handed %v, %w", i, handed, err))
			}
		})
	}
	close(begin)
	wg.Wait()
	for _, l := range listeners {
		defer l.Close()
	}
	if len(listeners) != 1 || len(errs) > 0 {
		t.Fatalf("%d starts became the window (want 1); errors: %v", len(listeners), errs)
	}
	if got := rec.got(); len(got) != starts-1 {
		t.Fatalf("the window got %d requests, want %d", len(got), starts-1)
	}
}

// WithBeforeSend runs before a request goes to an open window, and not when this start
// becomes the window.
func TestBeforeSendRunsOnlyWhenHandingOver(t *testing.T) {
	place := testPlace(t)
	calls := 0
	count := WithBeforeSend(func() { calls++ })
	var rec recorder
	startWindow(t, place, rec.handle, count)
	if calls != 0 {
		t.Fatalf("before becoming the window: %d calls", calls)
	}
	if err := hand(t, place, Request{}, count); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Fatalf("handing over once: %d calls, want 1", calls)
	}
}
