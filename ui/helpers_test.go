package ui

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/zalando/go-keyring"

	"redoxuploader/app"
	_ "redoxuploader/internal/localefix" // no Fyne locale noise under C.UTF-8
)

// testUI is a UI on Fyne's test driver, with fyne.Do on uiLoop, over a real core in a temp
// folder, with the keychain in memory and file dialogs that answer what the test says.
type testUI struct {
	*UI
	core      *app.Core
	openPath  string       // what the "open file" dialog returns
	openCalls atomic.Int32 // how many times it was opened
	savePath  string       // what the "save file" dialog returns
}

// newTestUI opens a core in a temp folder, saves profiles into its settings first, and builds
// the window. With sandbox it starts on the built-in sandbox.
func newTestUI(t testing.TB, sandbox bool, profiles ...app.Profile) *testUI {
	t.Helper()
	return newTestUIIn(t, t.TempDir(), sandbox, profiles...)
}

// newTestUIIn is newTestUI with the core's files in dir.
func newTestUIIn(t testing.TB, dir string, sandbox bool, profiles ...app.Profile) *testUI {
	t.Helper()
	return newTestUIWith(t, dir, app.Options{}, sandbox, profiles...)
}

// newTestUIWith is newTestUIIn with the core opened with opts (the test keychain's service
// set for it).
func newTestUIWith(t testing.TB, dir string, opts app.Options, sandbox bool, profiles ...app.Profile) *testUI {
	t.Helper()
	keyring.MockInit()
	a := newTestApp(t)
	opts.KeychainService = "redox-uploader-ui-test"
	core, err := app.Open(app.PathsIn(dir), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) > 0 {
		st := app.DefaultSettings()
		st.Profiles = profiles
		if err := core.Settings.Save(st); err != nil {
			t.Fatal(err)
		}
	}
	tu := &testUI{core: core}
	fyne.DoAndWait(func() { // as main does, on the Fyne goroutine
		tu.UI = New(a, core, Options{Sandbox: sandbox, Dialogs: tu.dialogs()})
	})
	t.Cleanup(func() { // as main does: the window's work ends before the core closes
		tu.closeWindow(t)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		core.Close(ctx)
	})
	<-tu.started
	return tu
}

// closeWindow closes the window as a person does, then waits, as ShowAndRun does when the
// window has closed, for the work it started to end.
func (tu *testUI) closeWindow(t testing.TB) {
	t.Helper()
	fyne.DoAndWait(func() {
		if !tu.bg.done() { // Fyne's test driver cannot close a window twice
			tu.win.Close()
		}
	})
	if !tu.shutdown() {
		t.Errorf("%d goroutine(s) of the window still running %s after it closed", tu.bg.running.Load(), closeWait)
	}
}

// dialogs are file dialogs that answer openPath and savePath.
func (tu *testUI) dialogs() Dialogs {
	return Dialogs{
		OpenFile: func(string) (string, error) {
			tu.openCalls.Add(1)
			return tu.openPath, nil
		},
		SaveFile: func(string) (string, error) { return tu.savePath, nil },
	}
}

// waitFor polls cond on the Fyne goroutine (uiLoop) until it holds; the UI does its work on
// other goroutines and reports back through fyne.Do, so there is no single thing to wait on.
func (tu *testUI) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ok := false
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// silentServer listens on loopback, accepts connections and says nothing on them, not even
// the TLS handshake. It returns its https address and a channel closed once a connection came.
func silentServer(t testing.TB) (url string, accepted <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	came := make(chan struct{})
	go func() {
		var once sync.Once
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			once.Do(func() { close(came) })
		}
	}()
	return "https://" + ln.Addr().String(), came
}

// writeTestFile creates a file of n bytes in a temp folder.
func writeTestFile(t testing.TB, name string, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(i*7 + len(name))
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
