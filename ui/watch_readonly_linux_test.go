package ui

import (
	"strings"
	"testing"

	"redoxuploader/internal/smalldisk"
)

// TestWatchReadOnlyFolderSaidInSettings: a watched folder files cannot be moved out of is
// called read-only in the source's form as soon as it is watched, before any file was sent.
func TestWatchReadOnlyFolderSaidInSettings(t *testing.T) {
	disk := smalldisk.Mount(t, "1m")
	disk.ReadOnly()
	r := newWatchRig(t, disk.Dir)
	_, f := r.editSource(t)
	r.waitFor(t, "the folder shown read-only", func() bool {
		return strings.Contains(sectionTexts(f.watch), "Read-only folder: uploaded files stay in it")
	})
}
