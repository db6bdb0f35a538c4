package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
)

// fieldOrder is the order of the form's fields, for finding the first problem.
var fieldOrder = []string{"name", "environment", "auth", "apiKey", "secret/legacy", "clientId", "keyId", "secret/oauth",
	"secret/token", "uploadUrl", "apiBase", "maxSize", "parallel", "watchFolders", "settleSeconds"}

// profile builds the profile from the form and validates it, putting every problem beside
// its field.
func (f *profileForm) profile() (app.Profile, bool) {
	f.clearErrors()
	p := app.NewProfile(strings.TrimSpace(f.name.Text))
	if f.original != nil {
		p.Name = f.original.Name
	}
	p.Environment = app.Environment(f.environment.Selected)
	p.Auth = f.method()
	switch p.Auth {
	case app.AuthLegacy:
		p.APIKey = strings.TrimSpace(f.apiKey.Text)
	case app.AuthOAuth:
		p.ClientID, p.KeyID = strings.TrimSpace(f.clientID.Text), strings.TrimSpace(f.keyID.Text)
	}
	p.UploadURL = strings.TrimSpace(f.uploadURL.Text)
	p.APIBase = strings.TrimSpace(f.apiBase.Text)
	size, sizeOK := parseMB(f.maxSize.Text)
	p.MaxSize = size
	p.Parallel, _ = strconv.Atoi(f.parallel.Selected)
	settleOK := f.watch.read(&p)

	var invalid *app.ValidationError
	if err := p.Validate(); errors.As(err, &invalid) {
		for _, field := range fieldOrder {
			if msg := invalid.For(field); msg != "" {
				f.setError(field, msg)
			}
		}
	}
	if !sizeOK {
		f.setError("maxSize", fmt.Sprintf("Enter the size limit in MB: a number above 0 and at most %d.", app.MaxAllowedSize/megabyte))
	}
	return p, invalid == nil && sizeOK && settleOK
}

// onSave checks the form, marking every problem beside its field, then saves it off the Fyne
// goroutine (save). A form shown read-only stores the secret typed, and only that.
func (f *profileForm) onSave() {
	if f.lock != "" {
		f.onStoreSecret()
		return
	}
	p, ok := f.profile()
	secret, _, secretOK := f.checkSecret("")
	if !ok || !secretOK {
		f.showProblems()
		return
	}
	f.watch.savePreference()
	f.busy("Saving…")
	u := f.v.u
	f.v.run(func(ctx context.Context) {
		st, problem, saved := f.save(p, secret)
		fyne.Do(func() { f.saved(st, p, problem, saved) })
		if saved && ctx.Err() == nil { // else the window closed while the keychain answered: touch the core no more
			u.sources.showSettings(st, false)
			u.setStatus(fmt.Sprintf("The source “%s” was saved.", p.Name))
		}
	})
}

// saved shows how the save went: a problem beside its field, or the list again.
func (f *profileForm) saved(st app.Settings, p app.Profile, problem *app.FieldError, ok bool) {
	f.saveBtn.Enable()
	f.summary.Hide()
	if problem != nil {
		f.setError(problem.Field, problem.Message)
		f.showProblems()
	}
	if !ok || f.v.form != f {
		return
	}
	if f.v.sources != nil {
		f.v.sources.show(st.Profiles)
	}
	f.v.closeForm()
}

// save saves p (new or edited) and, when one was typed, its secret through
// Core.SaveProfile, off the Fyne goroutine. A problem with what was typed (a name taken, a
// secret that cannot be used) comes back as a field problem to show beside the field;
// anything else is shown here and reported as not saved.
func (f *profileForm) save(p app.Profile, secret string) (st app.Settings, problem *app.FieldError, ok bool) {
	u := f.v.u
	saved, err := u.core.SaveProfile(p, app.SaveProfileOptions{Secret: secret, Replace: f.original != nil})
	var (
		taken   *app.ProfileExistsError
		invalid *app.ValidationError
	)
	switch {
	case err == nil:
		return saved.Settings, nil, true
	case errors.As(err, &taken):
		return st, &app.FieldError{Field: "name", Message: fmt.Sprintf("Another source is already called “%s”. Choose a different name.", taken.Name)}, false
	case errors.As(err, &invalid) && len(invalid.Problems) > 0:
		return st, &invalid.Problems[0], false
	case app.KeychainUnusable(err): // locked, absent, timed out: not a wrong secret
		u.showError("The secret could not be stored in the keychain", err)
	default:
		u.showError("The source could not be saved", err)
	}
	return st, nil, false
}

// setError shows msg under the field key ("secret" means the chosen method's secret).
func (f *profileForm) setError(key, msg string) {
	if key == "secret" {
		key = "secret/" + string(f.method())
	}
	if e := f.errs[key]; e != nil {
		e.SetText(msg)
		e.Show()
	}
}

func (f *profileForm) clearError(key string) {
	if e := f.errs[key]; e != nil && e.Visible() {
		e.SetText("")
		e.Hide()
	}
}

func (f *profileForm) clearErrors() {
	for key := range f.errs {
		f.clearError(key)
	}
	f.summary.Hide()
}

// showProblems counts the fields marked in red and brings the first into view.
func (f *profileForm) showProblems() {
	var first string
	n := 0
	for _, key := range fieldOrder {
		if e := f.errs[key]; e != nil && e.Visible() {
			if first == "" {
				first = key
			}
			n++
		}
	}
	if n == 0 {
		return
	}
	f.summary.Importance = widget.DangerImportance
	if n == 1 {
		f.summary.SetText("Check the field marked in red.")
	} else {
		f.summary.SetText(fmt.Sprintf("Check the %d fields marked in red.", n))
	}
	f.summary.Show()
	f.scroll.Refresh()
	if cell := f.cells[first]; cell != nil {
		d := fyne.CurrentApp().Driver()
		y := d.AbsolutePositionForObject(cell).Y - d.AbsolutePositionForObject(f.scroll.Content).Y
		f.scroll.ScrollToOffset(fyne.NewPos(0, max(0, y-theme.Padding()*4)))
	}
	if w, ok := f.focus[first].(fyne.Disableable); ok && !w.Disabled() {
		f.v.canvas.Focus(f.focus[first])
	}
}

// busy disables the form's button and says what it is doing, until the work ends.
func (f *profileForm) busy(doing string) {
	f.saveBtn.Disable()
	f.summary.Importance = widget.MediumImportance
	f.summary.SetText(doing)
	f.summary.Show()
}
