package ui

import (
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// pressKey gives the window a key as Fyne's desktop driver does: to the widget that has the
// keyboard, else to the window's key handler.
func (tu *testUI) pressKey(key fyne.KeyName) {
	fyne.DoAndWait(func() {
		c := tu.win.Canvas()
		ev := &fyne.KeyEvent{Name: key}
		if focused := c.Focused(); focused != nil {
			focused.TypedKey(ev)
		} else if on := c.OnTypedKey(); on != nil {
			on(ev)
		}
	})
}

// tab moves the keyboard to the next widget, as Tab does.
func (tu *testUI) tab() { fyne.DoAndWait(func() { tu.win.Canvas().FocusNext() }) }

// keyHandlerIs says whether the window's key handler is handler itself, not one handing keys
// on to it.
func (tu *testUI) keyHandlerIs(handler func(*fyne.KeyEvent)) (is bool) {
	fyne.DoAndWait(func() {
		is = reflect.ValueOf(tu.win.Canvas().OnTypedKey()).Pointer() == reflect.ValueOf(handler).Pointer()
	})
	return is
}

func (tu *testUI) dialogsOpen() (n int) {
	fyne.DoAndWait(func() { n = len(tu.win.Canvas().Overlays().List()) })
	return n
}

// TestDialogKeys: Escape closes a dialog (a question: No), Enter takes its default button, also
// once Tab has given a button the keyboard; the window's key handler is back after.
func TestDialogKeys(t *testing.T) {
	const none, no, yes = "closed", "no", "yes"
	tests := []struct {
		name   string
		open   func(tu *testUI, answered chan<- string)
		keys   []fyne.KeyName // fyne.KeyTab moves the keyboard to the next button
		answer string
	}{
		{"message, Escape", openMessage, []fyne.KeyName{fyne.KeyEscape}, none},
		{"message, Enter", openMessage, []fyne.KeyName{fyne.KeyReturn}, none},
		{"error, Escape", openError, []fyne.KeyName{fyne.KeyEscape}, none},
		{"error, keypad Enter", openError, []fyne.KeyName{fyne.KeyEnter}, none},
		{"error, Tab to Details, Escape", openError, []fyne.KeyName{fyne.KeyTab, fyne.KeyEscape}, none},
		{"error, Tab to Close, Enter", openError, []fyne.KeyName{fyne.KeyTab, fyne.KeyTab, fyne.KeyReturn}, none},
		{"question, Enter", openQuestion, []fyne.KeyName{fyne.KeyReturn}, yes},
		{"question, Escape", openQuestion, []fyne.KeyName{fyne.KeyEscape}, no},
		{"question, Tab to No, Enter", openQuestion, []fyne.KeyName{fyne.KeyTab, fyne.KeyReturn}, no},
		{"question, Tab to Yes, Escape", openQuestion, []fyne.KeyName{fyne.KeyTab, fyne.KeyTab, fyne.KeyEscape}, no},
		{"question, Tab to Yes, Enter", openQuestion, []fyne.KeyName{fyne.KeyTab, fyne.KeyTab, fyne.KeyReturn}, yes},
	}
	tu := newTestUI(t, true)
	var before []fyne.KeyName
	handler := func(ev *fyne.KeyEvent) { before = append(before, ev.Name) }
	fyne.DoAndWait(func() { tu.win.Canvas().SetOnTypedKey(handler) })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answered := make(chan string, 1)
			tt.open(tu, answered)
			flushUI()
			if n := tu.dialogsOpen(); n != 1 {
				t.Fatalf("%d dialogs open, want 1", n)
			}
			for _, k := range tt.keys {
				if k == fyne.KeyTab {
					tu.tab()
					continue
				}
				tu.pressKey(k)
			}
			if n := tu.dialogsOpen(); n != 0 {
				t.Fatalf("%v left %d dialog(s) open", tt.keys, n)
			}
			select {
			case got := <-answered:
				if got != tt.answer {
					t.Errorf("%v answered %s, want %s", tt.keys, got, tt.answer)
				}
			default:
				if tt.answer != none {
					t.Errorf("%v gave no answer, want %s", tt.keys, tt.answer)
				}
			}
			before = nil
			tu.pressKey(fyne.KeyA)
			if len(before) != 1 {
				t.Errorf("after the dialog closed the window's key handler got %v, want [A]", before)
			}
			if !tu.keyHandlerIs(handler) {
				t.Error("the window's key handler was not put back")
			}
		})
	}
}

// TestDialogKeysStacked: a question over a message: Escape closes the question alone, the next
// closes the message, and the window's key handler is back after both.
func TestDialogKeysStacked(t *testing.T) {
	tu := newTestUI(t, true)
	var before []fyne.KeyName
	handler := func(ev *fyne.KeyEvent) { before = append(before, ev.Name) }
	fyne.DoAndWait(func() { tu.win.Canvas().SetOnTypedKey(handler) })
	answered := make(chan string, 1)
	openMessage(tu, answered)
	openQuestion(tu, answered)
	flushUI()
	tu.pressKey(fyne.KeyEscape)
	if n := tu.dialogsOpen(); n != 1 || <-answered != "no" {
		t.Fatalf("after one Escape %d dialogs are open, want the message's", n)
	}
	tu.pressKey(fyne.KeyReturn)
	if n := tu.dialogsOpen(); n != 0 {
		t.Fatalf("after Enter %d dialogs are open, want none", n)
	}
	tu.pressKey(fyne.KeyA)
	if len(before) != 1 {
		t.Errorf("after both dialogs closed the window's key handler got %v, want [A]", before)
	}
	if !tu.keyHandlerIs(handler) {
		t.Error("the window's key handler was not put back")
	}
}

func openMessage(tu *testUI, _ chan<- string) {
	tu.showMessage("The sandbox is switched off", "Ask IT.")
}

func openError(tu *testUI, _ chan<- string) {
	tu.showError("The files could not be added", &recordError{msg: "Redox refused them.", detail: "403 from Redox"})
}

func openQuestion(tu *testUI, answered chan<- string) {
	tu.confirm("The file has changed", "Send the new version?", "Send new version", func(yes bool) {
		if yes {
			answered <- "yes"
		} else {
			answered <- "no"
		}
	})
}

// TestErrorDetailsOpenWithTheKeyboard: Tab gives "Details for IT" the keyboard, Enter shows the
// detail (the dialog grows to it) and hides it again.
func TestErrorDetailsOpenWithTheKeyboard(t *testing.T) {
	tu := newTestUI(t, true)
	openError(tu, nil)
	flushUI()
	shown := func() (detail bool, height float32) {
		fyne.DoAndWait(func() {
			top := tu.win.Canvas().Overlays().Top()
			height = top.(*widget.PopUp).Content.Size().Height
			for _, o := range test.LaidOutObjects(top) {
				if l, ok := o.(*widget.Label); ok && l.Text == "403 from Redox" {
					detail = l.Visible()
				}
			}
		})
		return detail, height
	}
	if detail, _ := shown(); detail {
		t.Fatal("the detail shows before it is asked for")
	}
	_, closed := shown()
	tu.tab()
	tu.pressKey(fyne.KeyReturn)
	if detail, open := shown(); !detail || open <= closed {
		t.Errorf("after Tab, Enter the detail shows: %v, the dialog %.0f high (was %.0f)", detail, open, closed)
	}
	tu.pressKey(fyne.KeyReturn)
	if detail, _ := shown(); detail {
		t.Error("Enter again left the detail showing")
	}
	tu.pressKey(fyne.KeyEscape)
	if n := tu.dialogsOpen(); n != 0 {
		t.Errorf("Escape on Details for IT left %d dialog(s) open", n)
	}
}
