package smallfile

import (
	"errors"
	"testing"
)

// A file in /proc says it is empty and then gives more: the limit on what is read, not the
// size the file reports, is what holds.
func TestReadStopsAtTheCapWhateverTheSizeSaid(t *testing.T) {
	data, err := Read("/proc/self/status", "the test file", 16)
	if !errors.Is(err, ErrTooLarge) || data != nil {
		t.Fatalf("Read = %q, %v; want ErrTooLarge", data, err)
	}
}
