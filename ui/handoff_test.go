package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"redoxuploader/app"
)

// Files handed over by a second start are added as a drop would add them, unless the second
// start asked for the sandbox and the window is on a real source.
func TestOpenHanded(t *testing.T) {
	tests := []struct {
		name        string
		onSandbox   bool
		sandboxOnly bool
		files       int
		want        error
	}{
		{"to the sandbox the window is on", true, false, 2, nil},
		{"for the sandbox, to the sandbox", true, true, 1, nil},
		{"to the real source the window is on", false, false, 1, nil},
		{"no files: only brought to the front", false, false, 0, nil},
		{"for the sandbox, to a real source: refused", false, true, 1, ErrNotOnSandbox},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tu *testUI
			if tt.onSandbox {
				tu = newTestUI(t, true)
			} else {
				tu = newTestUI(t, false, unreachableSource())
			}
			var files []string
			for i := range tt.files {
				files = append(files, writeTestFile(t, string(rune('a'+i))+"-handed.pdf", 1000+i))
			}
			if err := tu.OpenHanded(files, tt.sandboxOnly); !errors.Is(err, tt.want) {
				t.Fatalf("OpenHanded: %v, want %v", err, tt.want)
			}
			want := tt.files
			if tt.want != nil {
				want = 0
			}
			for _, it := range tu.waitQueued(t, want) {
				if !strings.HasSuffix(it.rec.Name, "-handed.pdf") {
					t.Errorf("row %+v", it.rec)
				}
				if tt.onSandbox && it.rec.Status != app.StatusDone {
					t.Errorf("row %+v, want done", it.rec)
				}
			}
			if tt.want != nil {
				tu.waitFor(t, "the explanation", func() bool {
					return strings.Contains(test.RenderToMarkup(tu.win.Canvas()), "The files were not added")
				})
			}
		})
	}
}

// unreachableSource is a real (not built-in) source with no secret stored, on a closed port.
func unreachableSource() app.Profile {
	p := app.NewProfile("Cardiology")
	p.APIKey = "key-1"
	p.APIBase, p.UploadURL = "http://127.0.0.1:1", "http://127.0.0.1:1/upload"
	return p
}

func TestOpenHandedAfterTheWindowClosed(t *testing.T) {
	tu := newTestUI(t, true)
	tu.closeWindow(t)
	if err := tu.OpenHanded([]string{writeTestFile(t, "late.pdf", 1000)}, false); !errors.Is(err, ErrWindowClosed) {
		t.Fatalf("OpenHanded: %v, want ErrWindowClosed", err)
	}
	select {
	case <-tu.Closed():
	default:
		t.Fatal("Closed is not closed after the window closed")
	}
	fyne.DoAndWait(func() {
		if n := len(tu.queue.items); n != 0 {
			t.Errorf("%d rows after the window closed", n)
		}
	})
}
