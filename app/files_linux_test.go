package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"redoxuploader/client"
)

// TestHashErrorsNameNoPath: a file that cannot be read to the end while it is hashed (a drive
// that drops: /proc/self/mem answers an I/O error) fails with an error whose message and
// detail, which the history, its CSV export and the window show, hold no folder name: the path
// may name a patient, and the row keeps it in its own column.
func TestHashErrorsNameNoPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Ward 7 Doe Jane MRN4471")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "discharge.pdf")
	if err := os.Symlink("/proc/self/mem", path); err != nil {
		t.Fatal(err)
	}
	_, _, err := hashFile(path, 0)
	if err == nil {
		t.Fatal("hashing /proc/self/mem succeeded; want a read error")
	}
	if shown := err.Error() + "\n" + client.Detail(err); strings.Contains(shown, "MRN4471") {
		t.Errorf("the error names the folder:\n%s", shown)
	}
}
