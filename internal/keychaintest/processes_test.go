package keychaintest

import (
	"strconv"
	"strings"
	"testing"
)

// TestLeftoversFindsAMarkedProcess is the positive control of every "nothing left running"
// check built on Leftovers: a process the marked command left behind, started in the
// background so that it outlives the command, must be found; a mark nobody carries finds
// nothing. A Leftovers that could not read /proc would pass those checks without this.
func TestLeftoversFindsAMarkedProcess(t *testing.T) {
	cmd, mark := MarkedCommand(t, nil, "sh", "-c", "sleep 600 </dev/null >/dev/null 2>&1 & echo $!")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("starting the background process: %v", err)
	}
	pid := strings.TrimSpace(string(out))
	left := Leftovers(t, mark) // MarkedCommand's cleanup stops it when the test ends
	if len(left) != 1 || strconv.Itoa(left[0].PID) != pid || left[0].Command != "sleep 600" {
		t.Fatalf("Leftovers found %+v; want the background sleep 600 (PID %s)", left, pid)
	}
	if got := Leftovers(t, mark+"-nobody"); len(got) != 0 {
		t.Errorf("a mark nobody carries found %+v", got)
	}
}
