package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
		banner := findLabel(tu.win.Content(), "can only be read")
		if banner == nil || banner.Importance != widget.DangerImportance || !strings.Contains(banner.Text, "read-only") {
			t.Errorf("no danger banner naming the read-only disk: %+v", banner)
		}
	})
}

// findLabel returns the first label under o whose text contains s, or nil.
func findLabel(o fyne.CanvasObject, s string) *widget.Label {
	switch o := o.(type) {
	case *widget.Label:
		if strings.Contains(o.Text, s) {
			return o
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			if l := findLabel(c, s); l != nil {
				return l
			}
		}
	case *container.Scroll:
		return findLabel(o.Content, s)
	}
	return nil
}
