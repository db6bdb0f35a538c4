package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/internal/smalldisk"
)

// TestReadOnlyHistoryIsSaidAtTheTop: on a read-only disk the window still opens, with the
// history readable, and says above everything that files cannot be sent and why.
func TestReadOnlyHistoryIsSaidAtTheTop(t *testing.T) {
	disk := smalldisk.Mount(t, "2m")
	core, err := app.Open(app.PathsIn(disk.Dir), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := core.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	disk.ReadOnly()

	tu := newTestUIIn(t, disk.Dir, true)
	if tu.core.ReadOnly() == nil {
		t.Fatal("the core on a read-only disk can be written")
	}
	fyne.DoAndWait(func() {
		var banner *widget.Label
		for _, o := range test.LaidOutObjects(tu.win.Content()) {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "can only be read") {
				banner = l
				break
			}
		}
		if banner == nil || banner.Importance != widget.DangerImportance || !strings.Contains(banner.Text, "read-only") {
			t.Errorf("no danger banner naming the read-only disk: %+v", banner)
		}
	})
}
