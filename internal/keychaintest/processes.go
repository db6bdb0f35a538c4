package keychaintest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// MarkedCommand returns a command whose process carries a mark of its own in its environment,
// as does every process it starts, however it starts it (forked, daemonised, D-Bus activated):
// Leftovers then finds those still running once it has ended. The environment is the test's
// own without the variables named in unset. Linux only (it reads /proc); elsewhere it skips.
func MarkedCommand(t *testing.T, unset []string, name string, args ...string) (cmd *exec.Cmd, mark string) {
	t.Helper()
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("counting a command's processes needs Linux's /proc")
	}
	mark = "REDOX_UPLOADER_TEST_MARK=" + strconv.Itoa(os.Getpid()) + "-" + strings.ReplaceAll(t.Name(), "/", "-")
	cmd = exec.Command(name, args...)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !slices.Contains(unset, k) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, mark)
	t.Cleanup(func() { // whatever the test found, stop what the command left running
		for _, p := range Leftovers(t, mark) {
			if proc, err := os.FindProcess(p.PID); err == nil {
				proc.Kill()
			}
		}
	})
	return cmd, mark
}

// Process is a running process: its ID and command line.
type Process struct {
	PID     int
	Command string
}

// Leftovers lists the running processes whose environment holds mark (see MarkedCommand).
func Leftovers(t *testing.T, mark string) []Process {
	t.Helper()
	paths, err := filepath.Glob("/proc/[0-9]*/environ")
	if err != nil {
		t.Fatal(err)
	}
	var found []Process
	for _, path := range paths {
		env, err := os.ReadFile(path)
		if err != nil || !slices.Contains(strings.Split(string(env), "\x00"), mark) {
			continue // gone, or not ours to read
		}
		dir := filepath.Dir(path)
		pid, _ := strconv.Atoi(filepath.Base(dir))
		cmdline, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
		found = append(found, Process{PID: pid, Command: string(bytes.TrimSpace(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))})
	}
	return found
}
