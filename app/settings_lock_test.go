package app

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// addProfiles adds the profiles prefix-0 … prefix-(n-1) to the settings, one Update each.
func addProfiles(s *SettingsStore, prefix string, n int) error {
	for i := range n {
		p := validLegacyProfile()
		p.Name = fmt.Sprintf("%s-%d", prefix, i)
		if err := s.Update(func(st *Settings) error { return st.PutProfile(p) }); err != nil {
			return fmt.Errorf("adding %s: %w", p.Name, err)
		}
	}
	return nil
}

// missingProfiles lists the profiles addProfiles made for prefixes that the file at path lacks.
func missingProfiles(t *testing.T, path string, prefixes []string, n int) []string {
	t.Helper()
	st, err := NewSettingsStore(path).Load()
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, prefix := range prefixes {
		for i := range n {
			if name := fmt.Sprintf("%s-%d", prefix, i); st.index(name) < 0 {
				missing = append(missing, name)
			}
		}
	}
	if want := len(prefixes) * n; len(st.Profiles) != want-len(missing) {
		t.Errorf("the file holds %d profiles, want %d", len(st.Profiles), want-len(missing))
	}
	return missing
}

// TestSettingsUpdateConcurrentStoresLoseNothing: writers in one process, each with its own
// SettingsStore (so its own open of the lock file, as another process would have), add
// profiles at the same time; every one is saved. gofrs/flock takes flock(2) on Linux, which
// locks an open file description, not a process, so two opens in one process exclude each
// other (LockFileEx on Windows, a handle); TestSettingsUpdateGivesUpWhileLocked shows it too.
func TestSettingsUpdateConcurrentStoresLoseNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config", "settings.json")
	const writers, each = 6, 20
	var prefixes []string
	errs := make([]error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		prefix := fmt.Sprintf("writer%d", w)
		prefixes = append(prefixes, prefix)
		wg.Go(func() {
			<-start
			errs[w] = addProfiles(NewSettingsStore(path), prefix, each)
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	t.Logf("%d updates by %d writers in %v", writers*each, writers, time.Since(began))
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if missing := missingProfiles(t, path, prefixes, each); len(missing) > 0 {
		t.Fatalf("%d of %d profiles lost: %v", len(missing), writers*each, missing)
	}
}

// The settings-writer helper's settings, in its environment.
const (
	settingsChildEnv    = "REDOX_SETTINGS_CHILD" // the settings file
	settingsChildPrefix = "SETTINGS_CHILD_PREFIX"
	settingsChildCount  = "SETTINGS_CHILD_COUNT"
)

// TestSettingsUpdateAcrossProcessesLoseNothing: this test binary, run as several processes
// let go at the same moment, adds profiles to one settings file; every one is saved.
func TestSettingsUpdateAcrossProcessesLoseNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config", "settings.json")
	const children, each = 3, 20
	type child struct {
		cmd         *exec.Cmd
		stdin       io.Closer
		out, stderr bytes.Buffer
		copied      chan struct{} // out is complete
	}
	var prefixes []string
	procs := make([]*child, children)
	for i := range procs {
		prefix := fmt.Sprintf("process%d", i)
		prefixes = append(prefixes, prefix)
		c := &child{cmd: helperCommand(t, "settings-writer", settingsChildEnv+"="+path, settingsChildPrefix+"="+prefix,
			settingsChildCount+"="+strconv.Itoa(each)), copied: make(chan struct{})}
		c.cmd.Stderr = &c.stderr
		var err error
		if c.stdin, err = c.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		stdout, err := c.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.cmd.Process.Kill() })
		ready := make(chan string, 1)
		go func() {
			defer close(c.copied)
			r := bufio.NewReader(stdout)
			line, _ := r.ReadString('\n')
			ready <- line
			io.Copy(&c.out, r)
		}()
		if line := <-ready; strings.TrimSpace(line) != "ready" {
			c.cmd.Process.Kill()
			<-c.copied
			c.cmd.Wait()
			t.Fatalf("child %d did not start: %q\n%s", i, line, c.stderr.String())
		}
		procs[i] = c
	}
	for _, c := range procs { // every child is waiting: let them all go at once
		c.stdin.Close()
	}
	for i, c := range procs {
		<-c.copied
		if err := c.cmd.Wait(); err != nil {
			t.Errorf("child %d: %v\n%s%s", i, err, c.out.String(), c.stderr.String())
		}
	}
	if missing := missingProfiles(t, path, prefixes, each); len(missing) > 0 {
		t.Fatalf("%d of %d profiles lost: %v", len(missing), children*each, missing)
	}
}

// settingsWriterHelper is one process of TestSettingsUpdateAcrossProcessesLoseNothing: it
// says it is ready, waits for its standard input to close, then adds its profiles.
func settingsWriterHelper() error {
	n, err := strconv.Atoi(os.Getenv(settingsChildCount))
	if err != nil {
		return err
	}
	fmt.Println("ready")
	if _, err := io.Copy(io.Discard, os.Stdin); err != nil {
		return err
	}
	return addProfiles(NewSettingsStore(os.Getenv(settingsChildEnv)), os.Getenv(settingsChildPrefix), n)
}

// TestSettingsUpdateGivesUpWhileLocked: while another store's Update holds the lock, an Update
// waits its time, then fails in plain words without calling fn or writing; Load still reads.
// Once the lock is free, it succeeds.
func TestSettingsUpdateGivesUpWhileLocked(t *testing.T) {
	holder := settingsTestStore(t)
	if err := holder.Save(Settings{Profiles: []Profile{validLegacyProfile()}, RetentionDays: 30}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(holder.Path())
	if err != nil {
		t.Fatal(err)
	}
	held, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- holder.Update(func(st *Settings) error {
			close(held)
			<-release
			st.RetentionDays = 90
			return nil
		})
	}()
	<-held

	waiter := NewSettingsStore(holder.Path())
	waiter.lockWait = 100 * time.Millisecond
	called := false
	began := time.Now()
	err = waiter.Update(func(st *Settings) error {
		called = true
		st.AutoCopy = true
		return nil
	})
	t.Logf("gave up after %v: %v", time.Since(began), err)
	if err == nil || called {
		t.Fatalf("Update while locked: err %v, fn called %v", err, called)
	}
	for _, want := range []string{"Another Redox Uploader window or command is saving the settings; try again in a moment.", holder.Path() + ".lock"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if got, _ := os.ReadFile(holder.Path()); !bytes.Equal(got, before) {
		t.Errorf("the file changed while locked:\n%s", got)
	}
	if st, err := waiter.Load(); err != nil || st.RetentionDays != 30 {
		t.Errorf("Load while locked: retention %d, %v", st.RetentionDays, err)
	}

	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := waiter.Update(func(st *Settings) error { st.AutoCopy = true; return nil }); err != nil {
		t.Fatalf("Update once the lock is free: %v", err)
	}
	if st, err := waiter.Load(); err != nil || st.RetentionDays != 90 || !st.AutoCopy || len(st.Profiles) != 1 {
		t.Fatalf("after both updates: %+v, %v", st, err)
	}
}

// TestSettingsUpdateWritesNothingWhenRefused: when fn fails, or leaves settings that do not
// validate, Update returns why and the file stays as it was.
func TestSettingsUpdateWritesNothingWhenRefused(t *testing.T) {
	s := settingsTestStore(t)
	if err := s.Save(Settings{Profiles: []Profile{validLegacyProfile()}, Active: "Main Lab"}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	errStop := errors.New("stop")
	cases := map[string]struct {
		fn   func(*Settings) error
		want func(error) bool
	}{
		"fn fails": {func(st *Settings) error {
			st.RemoveProfile("Main Lab")
			st.RetentionDays = 7
			return errStop
		}, func(err error) bool { return errors.Is(err, errStop) }},
		"invalid result": {func(st *Settings) error {
			st.RetentionDays = -1
			return nil
		}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "0 days") }},
		"unknown active": {func(st *Settings) error {
			st.Active = "Nope"
			return nil
		}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "Nope") }},
	}
	for name, c := range cases {
		if err := s.Update(c.fn); !c.want(err) {
			t.Errorf("%s: Update returned %v", name, err)
		}
		if got, _ := os.ReadFile(s.Path()); !bytes.Equal(got, before) {
			t.Errorf("%s: the file changed:\n%s", name, got)
		}
	}
}
