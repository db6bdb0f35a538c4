package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// profileForm adds or edits one source. Only the fields the chosen sign-in method needs are
// shown; each field has a red line under it for what Validate says about it. Secrets are typed
// into password fields and go straight to the keychain on Save; a stored one is never shown.
// Reading, checking and saving the form is in settings_form_save.go, its secret in
// settings_form_secret.go, and Test connection in settings_form_signin.go.
//
// A source the organisation's policy keeps from changing (sourceLock) is shown read-only, with
// the reason: its fields disabled and no Save; only its secret can be stored (onStoreSecret).
type profileForm struct {
	v        *settingsView
	original *app.Profile // the saved profile being edited; nil for a new one
	stored   secretState  // for original's secret
	lock     string       // why original cannot be changed here ("" when it can)

	name        *formEntry
	environment *widget.RadioGroup
	production  *widget.Label
	auth        *widget.Select
	apiKey      *formEntry
	apiSecret   *formEntry
	clientID    *formEntry
	keyID       *formEntry
	privateKey  *formEntry
	keyFile     *widget.Label // which key file was read
	keyFromFile string        // the PEM read from that file; never shown
	token       *formEntry
	uploadURL   *formEntry
	apiBase     *formEntry
	maxSize     *formEntry
	parallel    *widget.Select
	watch       *watchSection // Watched folders (settings_watch.go)

	errs    map[string]*widget.Label     // under each field, by JSON field name ("secret/oauth" for secrets)
	cells   map[string]fyne.CanvasObject // each field's cell, to scroll to
	focus   map[string]fyne.Focusable
	methods map[app.AuthMethod][]fyne.CanvasObject // the rows only that method shows
	scroll  *container.Scroll
	summary *widget.Label
	saveBtn *widget.Button

	testBtn    *widget.Button
	testing    *widget.ProgressBarInfinite
	testResult *widget.Label
	testDetail *widget.Accordion
	testInfo   *widget.Label
	testRun    int // counts test runs, so a stale answer is dropped
	cancelTest context.CancelFunc
}

func newProfileForm(v *settingsView, original *app.Profile) *profileForm {
	p := app.NewProfile("")
	if original != nil {
		p = *original
	}
	f := &profileForm{v: v, original: original, stored: secretMissing, errs: map[string]*widget.Label{}, cells: map[string]fyne.CanvasObject{},
		focus: map[string]fyne.Focusable{}, methods: map[app.AuthMethod][]fyne.CanvasObject{}}
	f.name = f.entry("name", p.Name, "For example: Radiology reports")
	f.environment = &widget.RadioGroup{Options: []string{string(app.EnvDevelopment), string(app.EnvStaging), string(app.EnvProduction)},
		Horizontal: true, Required: true, Selected: string(p.Environment), OnChanged: f.onEnvironment}
	f.production = &widget.Label{Text: "Real patient data: uploads go to your live Redox source.", Importance: widget.DangerImportance,
		TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	f.production.Hidden = p.Environment != app.EnvProduction
	f.auth = &widget.Select{Options: authOptions(), Selected: p.Auth.Label(), OnChanged: f.onAuth}
	f.apiKey = f.entry("apiKey", p.APIKey, "The API key Redox shows for this source")
	f.apiSecret = f.secretEntry("secret/legacy", false)
	f.clientID = f.entry("clientId", p.ClientID, "The client ID Redox shows for this source")
	f.keyID = f.entry("keyId", p.KeyID, "The key ID (kid) registered with Redox")
	f.privateKey = f.secretEntry("secret/oauth", true)
	f.keyFile = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.SuccessImportance}
	f.keyFile.Hide()
	f.token = f.secretEntry("secret/token", false)
	f.uploadURL = f.entry("uploadUrl", p.UploadURL, client.DefaultUploadURL)
	f.apiBase = f.entry("apiBase", p.APIBase, client.DefaultAPIBase)
	f.maxSize = f.entry("maxSize", formatMB(p.MaxSize), "10")
	f.parallel = &widget.Select{Options: parallelOptions(), Selected: strconv.Itoa(p.Parallel), OnChanged: func(string) { f.clearError("parallel") }}
	f.focus["parallel"] = f.parallel
	f.watch = newWatchSection(f, p)
	v.u.watch.section = f.watch
	f.focus["auth"] = f.auth
	if original != nil {
		f.stored = secretChecking
		f.lock = sourceLock(v.u.core.Policy(), *original)
	}
	f.showSecretPlaceholders()
	return f
}

// entry is a one-line field whose red line clears as soon as it is changed.
func (f *profileForm) entry(key, text, placeholder string) *formEntry {
	e := &formEntry{onEscape: f.v.onEscape}
	e.Text, e.PlaceHolder = text, placeholder
	e.OnChanged = func(string) { f.clearError(key) }
	e.OnSubmitted = func(string) { f.onSave() }
	e.ExtendBaseWidget(e)
	f.focus[key] = e
	return e
}

// secretEntry is a password field: what is typed shows as dots and is never filled in from
// the keychain.
func (f *profileForm) secretEntry(key string, multiLine bool) *formEntry {
	e := &formEntry{onEscape: f.v.onEscape}
	e.Password, e.MultiLine = true, multiLine
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	if !multiLine {
		e.OnSubmitted = func(string) { f.onSave() }
	}
	e.OnChanged = func(s string) {
		f.clearError(key)
		if multiLine && s != "" && f.keyFromFile != "" {
			f.keyFromFile = "" // what is pasted replaces the key file
			f.keyFile.Hide()
		}
	}
	e.ExtendBaseWidget(e)
	if multiLine {
		e.SetMinRowsVisible(4)
	}
	f.focus[key] = e
	return e
}

func (f *profileForm) content() fyne.CanvasObject {
	grid := container.New(layout.NewFormLayout())
	row := func(key, label string, field fyne.CanvasObject, hint string) []fyne.CanvasObject {
		cell := container.NewVBox(field)
		if key != "" {
			e := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
			e.Hide()
			f.errs[key] = e
			f.cells[key] = cell
			cell.Add(e)
		}
		if hint != "" {
			cell.Add(hintLabel(hint))
		}
		l := formLabel(label)
		grid.Add(l)
		grid.Add(cell)
		return []fyne.CanvasObject{l, cell}
	}

	var p app.Profile // what a read-only form shows as text
	if f.original != nil {
		p = *f.original
	}
	if f.original == nil {
		row("name", "Name", f.name, "A name people will recognise; it is shown above every upload.")
	} else {
		row("", "Name", &widget.Label{Text: visible.Name(f.original.Name), TextStyle: fyne.TextStyle{Bold: true}},
			f.editHint("The name cannot change: the upload history refers to it. To rename, add a new source and remove this one."))
	}
	row("environment", "Environment", container.NewVBox(f.fixed(f.environment, string(p.Environment)), f.production), "")
	row("auth", "Sign-in method", f.fixed(f.auth, p.Auth.Label()), f.editHint("Use the method this Redox source is set up for; your IT team knows which."))
	f.methods[app.AuthLegacy] = append(row("apiKey", "API key", f.fixed(f.apiKey, p.APIKey), ""),
		row("secret/legacy", "API secret", f.apiSecret, "")...)
	chooseKey := &widget.Button{Text: "Choose key file…", Icon: theme.FolderOpenIcon(), OnTapped: f.onChooseKeyFile}
	f.methods[app.AuthOAuth] = append(append(row("clientId", "Client ID", f.fixed(f.clientID, p.ClientID), ""),
		row("keyId", "Key ID", f.fixed(f.keyID, p.KeyID), "")...),
		row("secret/oauth", "Private key", container.NewVBox(f.privateKey, container.NewHBox(chooseKey), f.keyFile),
			"Paste the PEM text of the RSA or P-384 key, or choose the .pem file.")...)
	f.methods[app.AuthToken] = row("secret/token", "Access token", f.token, "A token your IT team got from Redox. It is used as it is and cannot be renewed.")
	row("uploadUrl", "Upload address", f.fixed(f.uploadURL, p.UploadURL), f.editHint("Usually "+client.DefaultUploadURL))
	row("apiBase", "API address", f.fixed(f.apiBase, p.APIBase), f.editHint("Usually "+client.DefaultAPIBase+" (in Canada https://api.ca.redoxengine.com)"))
	row("maxSize", "Size limit", f.fixed(container.NewHBox(fieldWidth(f.maxSize, 90), widget.NewLabel("MB")), formatMB(p.MaxSize)+" MB"),
		f.editHint("Redox's documented limit is 10 MB; some accounts allow up to 30 MB."))
	row("parallel", "Parallel uploads", f.fixed(container.NewHBox(fieldWidth(f.parallel, 90)), strconv.Itoa(p.Parallel)),
		f.editHint("How many files are sent at once, 1 to 16. 3 suits most connections."))
	row("watchFolders", "Watched folders", f.watch.foldersContent(), f.editHint("New files in these folders (a scanner's, a fax "+
		"server's) are sent to this source once complete, then moved into its "+app.WatchUploadedFolder+" folder (by date); "+
		"a file Redox refuses goes into "+app.WatchFailedFolder+" with a note saying why."))
	row("settleSeconds", "Settle time", f.watch.settleContent(), f.editHint(fmt.Sprintf("A file is sent once its size has "+
		"not changed for this long: long enough for the scanner to finish writing. 1 to %d seconds; empty means %d.",
		app.MaxSettleSeconds, int(app.DefaultWatchSettle.Seconds()))))

	f.testBtn = &widget.Button{Text: "Test connection", Icon: theme.ConfirmIcon(), OnTapped: f.onTest}
	f.testing = &widget.ProgressBarInfinite{}
	f.testing.Hide()
	f.testResult = &widget.Label{Wrapping: fyne.TextWrapWord}
	f.testResult.Hide()
	f.testInfo = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Monospace: true}}
	f.testDetail = widget.NewAccordion(widget.NewAccordionItem("Details for IT", f.testInfo))
	f.testDetail.Hide()
	row("", "Check", container.NewVBox(container.NewBorder(nil, nil, f.testBtn, nil, f.testing), f.testResult, f.testDetail),
		"Signs in to Redox with these details. Nothing is saved.")
	f.onAuth(f.auth.Selected)

	f.summary = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	f.summary.Hide()
	cancel := &widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: f.onCancel}
	f.saveBtn = &widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: f.onSave}
	if f.lock != "" {
		f.showReadOnly()
		cancel.Text, f.saveBtn.Text = "Close", "Store secret"
	}
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(cancel, f.saveBtn), f.summary)

	f.scroll = container.NewVScroll(container.NewPadded(grid))
	var top []fyne.CanvasObject
	if !f.v.direct {
		heading := "New Redox source"
		switch {
		case f.lock != "":
			heading = "“" + visible.Name(f.original.Name) + "”"
		case f.original != nil:
			heading = "Edit “" + visible.Name(f.original.Name) + "”"
		}
		top = append(top, &widget.Label{Text: heading, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText})
	}
	if f.lock != "" {
		top = append(top, organisationNote(f.lock+" You can still store its "+f.original.Auth.SecretName()+
			" in this computer's keychain below."))
	}
	if len(top) == 0 {
		return container.NewBorder(nil, bar, nil, nil, f.scroll)
	}
	return container.NewBorder(container.NewVBox(top...), bar, nil, nil, f.scroll)
}

// fixed is field, or on a read-only form its value as text instead: a disabled field's text is
// too faint to read.
func (f *profileForm) fixed(field fyne.CanvasObject, value string) fyne.CanvasObject {
	if f.lock == "" {
		return field
	}
	return &widget.Label{Text: visible.Name(value), Wrapping: fyne.TextWrapBreak}
}

// editHint is hint, the help on filling a field in, or "" on a read-only form.
func (f *profileForm) editHint(hint string) string {
	if f.lock != "" {
		return ""
	}
	return hint
}

// showReadOnly disables every field but the secret's: the organisation's policy keeps the
// source from changing (f.lock says why), and fixed shows their values instead.
func (f *profileForm) showReadOnly() {
	setEnabled(false, f.environment, f.auth, f.apiKey, f.clientID, f.keyID, f.uploadURL, f.apiBase, f.maxSize, f.parallel,
		f.watch.settle)
}

// focusFirst puts the cursor in the first field to fill in.
func (f *profileForm) focusFirst() {
	if f.original == nil {
		f.v.canvas.Focus(f.name)
	}
}

func (f *profileForm) method() app.AuthMethod {
	for _, m := range authChoices {
		if m.Label() == f.auth.Selected {
			return m
		}
	}
	return ""
}

func (f *profileForm) onEnvironment(string) {
	f.clearError("environment")
	f.production.Hidden = f.environment.Selected != string(app.EnvProduction)
	f.production.Refresh()
	f.scroll.Refresh()
}

// onAuth shows the fields of the chosen sign-in method and hides the others'.
func (f *profileForm) onAuth(string) {
	f.clearError("auth")
	m := f.method()
	for method, objs := range f.methods {
		for _, o := range objs {
			if method == m {
				o.Show()
			} else {
				o.Hide()
			}
		}
	}
	if f.scroll != nil {
		f.scroll.Refresh()
	}
}

func (f *profileForm) onCancel() { f.v.closeForm() }
