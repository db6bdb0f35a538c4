package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

const (
	testTimeout = time.Minute // how long "Test connection" waits for Redox to answer
	megabyte    = 1 << 20     // the size limit is shown in MB of 1024 × 1024 bytes, as sizes are

	stopUploadsWait = 5 * time.Second // how long removing a source waits for its uploads under way to stop
)

// authChoices are the sign-in methods in the order the form offers them, each named by its
// Label, as the command line names it.
var authChoices = []app.AuthMethod{app.AuthLegacy, app.AuthOAuth, app.AuthToken}

// retentionChoices are the history retentions offered, in days; 0 keeps the history forever.
var retentionChoices = []int{0, 30, 90, 365}

// showSettings opens the settings: the saved Redox sources and the general preferences.
func (u *UI) showSettings() { u.openSettings(false) }

// showAddSource opens the settings directly on a new, empty source (the first-run screen's
// "Add a Redox source").
func (u *UI) showAddSource() { u.openSettings(true) }

// settingsView is the settings dialog. Its list page has two tabs, Sources (the saved profiles,
// each with Edit and Remove) and General; Add and Edit swap the page for a profileForm. The
// settings file and the keychain are only touched off the Fyne goroutine, through run.
type settingsView struct {
	u      *UI
	dlg    *dialog.CustomDialog
	root   *fyne.Container   // the list page, or a profile form
	list   fyne.CanvasObject // the list page; nil when opened on a new source
	direct bool              // opened on a new source: leaving the form closes the dialog

	sources     *fyne.Container // one row per saved profile
	sourcesNote *widget.Label   // loading, none yet, or why the settings could not be read
	profiles    []app.Profile   // what sources shows, by name

	autoCopy      *widget.Check
	notifications *widget.Check
	retention     *widget.Select

	form *profileForm // the form on show, or nil

	canvas       fyne.Canvas
	overlays     int // overlays on the window while this dialog is the top one
	prevTypedKey func(*fyne.KeyEvent)

	networkMu sync.Mutex     // one network save at a time, so its settings and proxy password stay a pair
	network   *networkPage   // the Network tab
	work      sync.WaitGroup // work under way off the Fyne goroutine; tests wait for it
}

// openSettings shows the dialog, on a new source when newSource is set. It returns nil and
// shows nothing when a dialog is already open over the window (this one, say, reopened with
// Ctrl+,): that one is answered first.
func (u *UI) openSettings(newSource bool) *settingsView {
	c := u.win.Canvas()
	if c.Overlays().Top() != nil {
		return nil
	}
	v := &settingsView{u: u, direct: newSource, canvas: c, root: container.NewStack()}
	title := "Settings"
	if newSource {
		title = "Add a Redox source"
	}
	v.dlg = dialog.NewCustomWithoutButtons(title, v.root, u.win)
	v.dlg.SetOnClosed(v.onClosed)
	if newSource {
		v.openForm(nil)
	} else {
		v.list = v.listPage()
		v.root.Objects = []fyne.CanvasObject{v.list}
	}
	size := c.Size()
	v.dlg.Resize(fyne.NewSize(min(780, size.Width-24), min(660, size.Height-24)))
	v.dlg.Show()
	if v.form != nil {
		v.form.focusFirst()
	}
	// Fyne's dialogs ignore Escape: it reaches the window only when no field has the focus,
	// so the window's key handler answers it here and the form's entries hand it on too.
	v.overlays = len(c.Overlays().List())
	v.prevTypedKey = c.OnTypedKey()
	c.SetOnTypedKey(v.onTypedKey)
	if !newSource {
		v.run(v.load)
	}
	return v
}

// run does fn off the Fyne goroutine. Handlers call it last, once the widgets are as they
// should be while fn runs.
func (v *settingsView) run(fn func()) {
	v.work.Add(1)
	go func() {
		defer v.work.Done()
		fn()
	}()
}

// wait returns when the work started by run has finished (for tests; what that work passed to
// fyne.Do may still be waiting its turn on the UI goroutine).
func (v *settingsView) wait() { v.work.Wait() }

func (v *settingsView) listPage() fyne.CanvasObject {
	v.sourcesNote = &widget.Label{Text: "Reading the settings…", Wrapping: fyne.TextWrapWord}
	v.sources = container.NewVBox()
	add := &widget.Button{Text: "Add a source", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: v.onAdd}
	intro := &widget.Label{Text: "The secret of each source stays in this computer's keychain, never in a file.",
		Truncation: fyne.TextTruncateEllipsis}
	sourcesTab := container.NewBorder(container.NewBorder(nil, nil, nil, container.NewVBox(add), intro), nil, nil, nil,
		container.NewVScroll(container.NewVBox(v.sourcesNote, v.sources)))

	v.autoCopy = &widget.Check{Text: "Copy the URI of each finished upload to the clipboard automatically", OnChanged: v.onAutoCopy}
	v.notifications = &widget.Check{Text: "Show a system notification when a batch of uploads finishes", OnChanged: v.onNotifications}
	v.retention = &widget.Select{Options: retentionOptions(0), OnChanged: v.onRetention}
	for _, w := range []fyne.Disableable{v.autoCopy, v.notifications, v.retention} {
		w.Disable() // until the settings are read
	}
	keep := container.New(layout.NewFormLayout(),
		formLabel("Upload history"), container.NewVBox(container.NewHBox(v.retention),
			hintLabel("Older uploads are removed from the history when Redox Uploader starts. Files already in Redox are not affected.")))
	generalTab := container.NewVBox(v.autoCopy, v.notifications, widget.NewSeparator(), keep)

	v.network = newNetworkPage(v)
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon("Sources", theme.StorageIcon(), container.NewPadded(sourcesTab)),
		container.NewTabItemWithIcon("General", theme.SettingsIcon(), container.NewPadded(generalTab)),
		container.NewTabItemWithIcon("Network", theme.ComputerIcon(), container.NewPadded(v.network.content())),
	)
	closeBtn := &widget.Button{Text: "Close", OnTapped: v.onClose}
	return container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), closeBtn), nil, nil, tabs)
}

// load reads the settings off the Fyne goroutine and shows them.
func (v *settingsView) load() {
	st, err := v.u.core.LoadSettings()
	fyne.Do(func() { v.show(st, err) })
}

func (v *settingsView) show(st app.Settings, err error) {
	if err != nil {
		v.sourcesNote.Importance = widget.DangerImportance
		v.sourcesNote.SetText("The settings could not be read: " + err.Error())
		v.sourcesNote.Show()
		return
	}
	v.showProfiles(st.Profiles)
	v.showGeneral(st)
	v.network.show(st)
}

// showProfiles lists the saved sources by name.
func (v *settingsView) showProfiles(profiles []app.Profile) {
	v.profiles = slices.Clone(profiles)
	slices.SortStableFunc(v.profiles, func(a, b app.Profile) int { return strings.Compare(a.Name, b.Name) })
	rows := make([]fyne.CanvasObject, 0, 2*len(v.profiles))
	for i, p := range v.profiles {
		if i > 0 {
			rows = append(rows, widget.NewSeparator())
		}
		rows = append(rows, v.sourceRow(p))
	}
	v.sources.Objects = rows
	v.sources.Refresh()
	v.sourcesNote.Importance = widget.MediumImportance
	if len(v.profiles) == 0 {
		v.sourcesNote.SetText("No Redox source is set up yet. Add the one your IT team has the details for, or try the sandbox from the main window.")
		v.sourcesNote.Show()
	} else {
		v.sourcesNote.Hide()
	}
}

// sourceRow is one saved source: its name and environment (Production unmistakable), how it
// signs in and where it uploads, and its Edit and Remove buttons.
func (v *settingsView) sourceRow(p app.Profile) fyne.CanvasObject {
	name := &widget.Label{Text: visible.Name(p.Name), TextStyle: fyne.TextStyle{Bold: true}}
	env := &widget.Label{Text: string(p.Environment)}
	if p.Environment == app.EnvProduction {
		env.Text, env.Importance, env.TextStyle = "PRODUCTION · real patient data", widget.DangerImportance, fyne.TextStyle{Bold: true}
	}
	detail := &widget.Label{Text: fmt.Sprintf("%s · %s · files up to %s · %d at once",
		p.Auth.Label(), hostOf(p.UploadURL), client.HumanSize(p.MaxSize), p.Parallel),
		Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText}
	if p.Validate() != nil {
		detail.Text, detail.Importance = "Needs attention: some details are missing or wrong. Choose Edit to fix them.", widget.DangerImportance
	}
	edit := &widget.Button{Text: "Edit", Icon: theme.DocumentCreateIcon(), OnTapped: func() { v.onEdit(p) }}
	remove := &widget.Button{Text: "Remove", Icon: theme.DeleteIcon(), OnTapped: func() { v.onRemove(p) }}
	return container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(edit, remove)),
		container.NewVBox(container.NewHBox(name, env), detail))
}

// showGeneral sets the General tab from st without saving anything back.
func (v *settingsView) showGeneral(st app.Settings) {
	v.autoCopy.Checked = st.AutoCopy
	v.notifications.Checked = st.Notifications
	v.retention.Options = retentionOptions(st.RetentionDays)
	v.retention.Selected = retentionLabel(st.RetentionDays)
	for _, w := range []fyne.Disableable{v.autoCopy, v.notifications, v.retention} {
		w.Enable()
	}
	v.autoCopy.Refresh()
	v.notifications.Refresh()
	v.retention.Refresh()
}

func (v *settingsView) onAutoCopy(on bool) {
	v.saveGeneral(func(st *app.Settings) { st.AutoCopy = on }, func() { v.u.autoCopy.Store(on) })
}

func (v *settingsView) onNotifications(on bool) {
	v.saveGeneral(func(st *app.Settings) { st.Notifications = on }, nil)
}

func (v *settingsView) onRetention(choice string) {
	days, _ := strconv.Atoi(strings.TrimSuffix(choice, " days")) // "Keep forever" reads as 0
	v.saveGeneral(func(st *app.Settings) { st.RetentionDays = days }, nil)
}

// saveGeneral changes one general setting in the settings file off the Fyne goroutine; if
// that fails it says why and shows what is saved.
func (v *settingsView) saveGeneral(change func(*app.Settings), saved func()) {
	v.run(func() {
		err := v.u.core.Settings.Update(func(st *app.Settings) error {
			change(st)
			return nil
		})
		if err != nil {
			v.u.showError("The setting could not be saved", err)
			if st, err := v.u.core.LoadSettings(); err == nil {
				fyne.Do(func() { v.showGeneral(st) })
			}
			return
		}
		if saved != nil {
			saved()
		}
	})
}

func (v *settingsView) onAdd() { v.openForm(nil) }

func (v *settingsView) onEdit(p app.Profile) { v.openForm(&p) }

// onRemove asks first, saying how many files are still waiting or being sent to the source,
// then removes it (removeSource).
func (v *settingsView) onRemove(p app.Profile) {
	text, yes, no := removeQuestion(visible.Name(p.Name), v.u.core.Queue.PendingFor(p.Name))
	v.u.confirmWith("Remove this source?", text, yes, no, func(ok bool) {
		if ok {
			v.run(func() { v.removeSource(p) })
		}
	})
}

// removeQuestion is what the confirmation of removing the source name says, and its buttons,
// when inFlight of its files are waiting or being sent.
func removeQuestion(name string, inFlight int) (text, yes, no string) {
	text = fmt.Sprintf("“%s” will be removed from this computer and its secret deleted from the keychain. "+
		"Uploads already made stay in the history, but they cannot be resent without this source.", name)
	if inFlight == 0 {
		return text, "Remove", "Cancel"
	}
	files, them, they := fmt.Sprintf("%d files are", inFlight), "them", "they stay"
	if inFlight == 1 {
		files, them, they = "1 file is", "it", "it stays"
	}
	stop := fmt.Sprintf("%s still waiting or being sent to “%s”. Removing the source stops %s: %s in the history as "+
		"cancelled, and you can add %s again for another source.", files, name, them, they, them)
	return stop + "\n\n" + text, "Stop " + them + " and remove", "Keep the source"
}

// removeSource stops the source's uploads under way, waiting a few seconds for those being
// sent, then removes the source from the settings and its secret and saved sign-in from the
// keychain. It runs off the Fyne goroutine.
func (v *settingsView) removeSource(p app.Profile) {
	queue := v.u.core.Queue
	release := queue.Hold(p.Name) // a file dropped meanwhile ends cancelled instead of going out
	defer release()
	if n := queue.PendingFor(p.Name); n > 0 {
		v.u.setStatus(fmt.Sprintf("Stopping the uploads to “%s”…", p.Name))
	}
	ctx, cancel := context.WithTimeout(context.Background(), stopUploadsWait)
	stopped, _ := queue.StopProfile(ctx, p.Name) // one still stopping after the wait ends cancelled all the same, unsent
	cancel()
	_, st, err := v.u.core.RemoveProfile(p.Name)
	if errors.Is(err, app.ErrNoProfile) { // removed elsewhere meanwhile: show what is saved now
		st, err = v.u.core.LoadSettings()
	}
	var left *app.SecretsLeftError
	if err != nil && !errors.As(err, &left) {
		v.u.showError("The source could not be removed", err)
		return
	}
	fyne.Do(func() { v.showProfiles(st.Profiles) })
	v.u.sources.reload(false)
	if left != nil {
		v.u.showError("The source was removed, but its secret is still in the keychain", left.Err)
		return
	}
	done := fmt.Sprintf("The source “%s” was removed.", p.Name)
	if stopped > 0 {
		done += fmt.Sprintf(" Uploads to it cancelled: %d.", stopped)
	}
	v.u.setStatus(done)
}

// openForm swaps the page for the form of p, or of a new source when p is nil.
func (v *settingsView) openForm(p *app.Profile) {
	v.form = newProfileForm(v, p)
	v.root.Objects = []fyne.CanvasObject{v.form.content()}
	v.root.Refresh()
	if v.list != nil { // else openSettings focuses it once the dialog shows
		v.form.focusFirst()
	}
	if p != nil {
		v.form.checkStoredSecret()
	}
}

// closeForm goes back to the list, or closes the dialog when it was opened on the form.
func (v *settingsView) closeForm() {
	if v.form != nil {
		v.form.stopTest()
		v.form = nil
	}
	v.canvas.Unfocus() // the focused field is gone with the form
	if v.direct {
		v.dlg.Hide()
		return
	}
	v.root.Objects = []fyne.CanvasObject{v.list}
	v.root.Refresh()
}

func (v *settingsView) onClose() { v.dlg.Hide() }

func (v *settingsView) onClosed() {
	v.canvas.SetOnTypedKey(v.prevTypedKey)
	v.canvas.Unfocus()
	if v.form != nil {
		v.form.stopTest()
	}
	if v.network != nil {
		v.network.stopCheck()
	}
}

func (v *settingsView) onTypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		v.onEscape()
		return
	}
	if v.prevTypedKey != nil {
		v.prevTypedKey(ev)
	}
}

// onEscape closes what is on top: a message over the settings, else the form, else the
// dialog.
func (v *settingsView) onEscape() {
	if o := v.canvas.Overlays(); len(o.List()) > v.overlays {
		o.Top().Hide()
		return
	}
	if v.form != nil {
		v.form.onCancel()
		return
	}
	v.dlg.Hide()
}

// saveProfile saves p (new or edited) and, when one was typed, its secret through
// Core.SaveProfile, off the Fyne goroutine. A problem with what was typed (a name taken, a
// secret that cannot be used) comes back as a field problem to show beside the field;
// anything else is shown here and reported as not saved.
func (v *settingsView) saveProfile(p app.Profile, secret string, isNew bool) (st app.Settings, problem *app.FieldError, ok bool) {
	saved, err := v.u.core.SaveProfile(p, app.SaveProfileOptions{Secret: secret, Replace: !isNew})
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
	case isKeychainFailure(err):
		v.u.showError("The secret could not be stored in the keychain", err)
	default:
		v.u.showError("The source could not be saved", err)
	}
	return st, nil, false
}

// isKeychainFailure tells the keychain not answering (locked, absent, timed out) from a secret
// that is wrong in itself.
func isKeychainFailure(err error) bool {
	var timeout *app.KeychainTimeoutError
	var unavailable *app.KeychainUnavailableError
	return errors.As(err, &timeout) || errors.As(err, &unavailable)
}

// secretState is what the keychain holds for the profile being edited.
type secretState int

const (
	secretChecking secretState = iota // not known yet
	secretStored
	secretMissing
	secretUnknown // the keychain did not answer
)

// profileForm adds or edits one source. Only the fields the chosen sign-in method needs are
// shown; each field has a red line under it for what Validate says about it. Secrets are typed
// into password fields and go straight to the keychain on Save; a stored one is never shown.
type profileForm struct {
	v        *settingsView
	original *app.Profile // the saved profile being edited; nil for a new one
	stored   secretState  // for original's secret

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

// fieldOrder is the order of the form's fields, for finding the first problem.
var fieldOrder = []string{"name", "environment", "auth", "apiKey", "secret/legacy", "clientId", "keyId", "secret/oauth",
	"secret/token", "uploadUrl", "apiBase", "maxSize", "parallel"}

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
	f.focus["auth"] = f.auth
	if original != nil {
		f.stored = secretChecking
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

	if f.original == nil {
		row("name", "Name", f.name, "A name people will recognise; it is shown above every upload.")
	} else {
		row("", "Name", &widget.Label{Text: visible.Name(f.original.Name), TextStyle: fyne.TextStyle{Bold: true}},
			"The name cannot change: the upload history refers to it. To rename, add a new source and remove this one.")
	}
	row("environment", "Environment", container.NewVBox(f.environment, f.production), "")
	row("auth", "Sign-in method", f.auth, "Use the method this Redox source is set up for; your IT team knows which.")
	f.methods[app.AuthLegacy] = append(row("apiKey", "API key", f.apiKey, ""),
		row("secret/legacy", "API secret", f.apiSecret, "")...)
	chooseKey := &widget.Button{Text: "Choose key file…", Icon: theme.FolderOpenIcon(), OnTapped: f.onChooseKeyFile}
	f.methods[app.AuthOAuth] = append(append(row("clientId", "Client ID", f.clientID, ""),
		row("keyId", "Key ID", f.keyID, "")...),
		row("secret/oauth", "Private key", container.NewVBox(f.privateKey, container.NewHBox(chooseKey), f.keyFile),
			"Paste the PEM text of the RSA or P-384 key, or choose the .pem file.")...)
	f.methods[app.AuthToken] = row("secret/token", "Access token", f.token, "A token your IT team got from Redox. It is used as it is and cannot be renewed.")
	row("uploadUrl", "Upload address", f.uploadURL, "Usually "+client.DefaultUploadURL)
	row("apiBase", "API address", f.apiBase, "Usually "+client.DefaultAPIBase+" (in Canada https://api.ca.redoxengine.com)")
	row("maxSize", "Size limit", container.NewHBox(fieldWidth(f.maxSize, 90), widget.NewLabel("MB")),
		"Redox's documented limit is 10 MB; some accounts allow up to 30 MB.")
	row("parallel", "Parallel uploads", container.NewHBox(fieldWidth(f.parallel, 90)), "How many files are sent at once, 1 to 16. 3 suits most connections.")

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
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(cancel, f.saveBtn), f.summary)

	f.scroll = container.NewVScroll(container.NewPadded(grid))
	var top fyne.CanvasObject
	if !f.v.direct {
		heading := "New Redox source"
		if f.original != nil {
			heading = "Edit “" + visible.Name(f.original.Name) + "”"
		}
		top = &widget.Label{Text: heading, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	}
	return container.NewBorder(top, bar, nil, nil, f.scroll)
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

// checkStoredSecret asks the keychain whether the edited source has a secret, to say so in
// the secret field's placeholder; the secret itself is dropped at once.
func (f *profileForm) checkStoredSecret() {
	p, secrets := *f.original, f.v.u.core.Secrets
	f.v.run(func() {
		_, err := secrets.Secret(p)
		state := secretStored
		switch {
		case errors.Is(err, app.ErrSecretNotFound):
			state = secretMissing
		case err != nil:
			state = secretUnknown
		}
		fyne.Do(func() {
			f.stored = state
			f.showSecretPlaceholders()
		})
	})
}

func (f *profileForm) showSecretPlaceholders() {
	for _, m := range authChoices {
		e := f.secretField(m)
		what := m.SecretName()
		text := "Paste the " + what
		if m == app.AuthOAuth {
			text = "Paste the private key (PEM), from -----BEGIN to -----END"
		}
		if f.original != nil && f.original.Auth == m {
			switch f.stored {
			case secretChecking:
				text = "Checking the keychain…"
			case secretStored:
				text = "Stored in the keychain — type to replace"
			case secretUnknown:
				text = "The keychain could not be read — type to replace what it holds"
			case secretMissing:
				text = "Not stored yet — paste the " + what
			}
		}
		e.SetPlaceHolder(text)
	}
}

func (f *profileForm) secretField(m app.AuthMethod) *formEntry {
	switch m {
	case app.AuthOAuth:
		return f.privateKey
	case app.AuthToken:
		return f.token
	default:
		return f.apiSecret
	}
}

// typedSecret is the secret typed (or, for OAuth, read from a key file) for the chosen
// method; "" when none.
func (f *profileForm) typedSecret() string {
	m := f.method()
	s := f.secretField(m).Text
	if m == app.AuthOAuth && strings.TrimSpace(s) == "" {
		s = f.keyFromFile
	}
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

// canKeepSecret reports whether leaving the secret empty keeps a stored one: the source is
// saved, its method did not change, and the keychain did not say it holds nothing.
func (f *profileForm) canKeepSecret() bool {
	return f.original != nil && f.method() == f.original.Auth && f.stored != secretMissing
}

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
	return p, invalid == nil && sizeOK
}

// checkSecret says beside the secret field when one must be typed.
func (f *profileForm) checkSecret(purpose string) (secret string, useStored, ok bool) {
	secret = f.typedSecret()
	if secret != "" {
		return secret, false, true
	}
	if f.canKeepSecret() {
		return "", true, true
	}
	m := f.method()
	msg := "Enter the " + m.SecretName() + purpose + "."
	if f.original != nil && f.original.Auth != m {
		msg = "Enter the " + m.SecretName() + ": the stored secret belongs to the previous sign-in method."
	}
	f.setError("secret", msg)
	return "", false, false
}

func (f *profileForm) onSave() {
	p, ok := f.profile()
	secret, _, secretOK := f.checkSecret("")
	if !ok || !secretOK {
		f.showProblems()
		return
	}
	f.saveBtn.Disable()
	f.summary.Importance = widget.MediumImportance
	f.summary.SetText("Saving…")
	f.summary.Show()
	v, isNew := f.v, f.original == nil
	v.run(func() {
		st, problem, saved := v.saveProfile(p, secret, isNew)
		fyne.Do(func() { f.saved(st, p, problem, saved) })
		if saved {
			v.u.sources.reload(false)
			v.u.setStatus(fmt.Sprintf("The source “%s” was saved.", p.Name))
		}
	})
}

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
		f.v.showProfiles(st.Profiles)
	}
	f.v.closeForm()
}

func (f *profileForm) onCancel() { f.v.closeForm() }

// onTest signs in with what the form holds, saving nothing: the secret typed, or the stored
// one when none was typed. It builds its own client without the keychain's token cache, so it
// really asks Redox (a cached token would prove nothing) and leaves no token behind.
func (f *profileForm) onTest() {
	p, ok := f.profile()
	typed, useStored, secretOK := f.checkSecret(" to test the connection")
	if !ok || !secretOK {
		f.showProblems()
		return
	}
	f.stopTest()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	f.cancelTest = cancel
	f.testRun++
	run := f.testRun
	f.testBtn.Disable()
	f.testResult.Hide()
	f.testDetail.Hide()
	f.testing.Show()

	var original app.Profile
	if useStored {
		original = *f.original
	}
	core := f.v.u.core
	f.v.run(func() {
		defer cancel()
		secret := typed
		if useStored {
			s, err := core.Secrets.Secret(original)
			if err != nil {
				if !errors.Is(err, app.ErrSecretNotFound) {
					f.v.u.showError("The stored secret could not be read", err)
					err = errors.New("Not tested: the stored secret could not be read from the keychain.")
				}
				fyne.Do(func() { f.testDone(run, client.Token{}, err) })
				return
			}
			secret = s
		}
		tok, err := core.TrySignIn(ctx, p, secret)
		fyne.Do(func() { f.testDone(run, tok, err) })
	})
}

func (f *profileForm) testDone(run int, tok client.Token, err error) {
	if run != f.testRun {
		return // stopped, or another test started since
	}
	f.cancelTest = nil
	f.testing.Hide()
	f.testBtn.Enable()
	if err != nil {
		msg := err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			msg = "Redox did not answer within a minute. Check the network connection and the API address, then try again."
		}
		f.testResult.Importance = widget.DangerImportance
		f.testResult.SetText(msg)
		if detail := client.Detail(err); detail != "" && detail != msg {
			f.testInfo.SetText(detail)
			f.testDetail.Show()
		}
	} else {
		f.testResult.Importance = widget.SuccessImportance
		f.testResult.SetText(signedInText(tok, time.Now()))
	}
	f.testResult.Show()
	f.scroll.Refresh()
}

// stopTest abandons a test under way (the form is closing).
func (f *profileForm) stopTest() {
	f.testRun++
	if f.cancelTest != nil {
		f.cancelTest()
		f.cancelTest = nil
	}
	if f.testing != nil {
		f.testing.Hide()
		f.testBtn.Enable()
	}
}

// signedInText says how a test sign-in went: when the token expires, never the token.
func signedInText(tok client.Token, now time.Time) string {
	if tok.Expires.IsZero() {
		return "The access token is ready. A pasted token has no sign-in step, so Redox checks it at the first upload."
	}
	exp := tok.Expires.Local()
	at := exp.Format("15:04")
	if y, m, d := exp.Date(); y != now.Local().Year() || m != now.Local().Month() || d != now.Local().Day() {
		at = exp.Format("2 Jan 15:04")
	}
	return "Signed in. The token is valid until " + at + "."
}

// onChooseKeyFile reads an OAuth private key from a file, all off the Fyne goroutine.
func (f *profileForm) onChooseKeyFile() {
	open := f.v.u.dialogs.OpenFile
	f.v.run(func() {
		path, err := open("Choose the OAuth private key (PEM file)")
		if err != nil {
			f.v.u.showError("The file picker could not open", err)
			return
		}
		if path == "" {
			return
		}
		pem, problem := readKeyFile(path)
		fyne.Do(func() {
			if problem != "" {
				f.setError("secret/oauth", problem)
				return
			}
			f.privateKey.SetText("")
			f.keyFromFile = pem
			f.keyFile.SetText("Key read from " + filepath.Base(path) + ". It goes to the keychain when you save.")
			f.keyFile.Show()
			f.clearError("secret/oauth")
		})
	})
}

// readKeyFile returns the PEM text of a private key file, or what is wrong with the file.
func readKeyFile(path string) (pem, problem string) {
	data, err := app.ReadPrivateKeyFile(path)
	if err != nil {
		msg := err.Error()
		return "", strings.ToUpper(msg[:1]) + msg[1:] + ". Choose the .pem file of the private key."
	}
	if _, err := client.ParsePrivateKey(data); err != nil {
		return "", fmt.Sprintf("%s is not a private key Redox Uploader can use (%v). Choose the PEM file of an RSA or P-384 key.", filepath.Base(path), err)
	}
	return string(data), ""
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

// formEntry is an Entry that lets Escape leave the form: Fyne's Entry keeps every key it is
// given, so Escape would otherwise do nothing while the cursor is in a field.
type formEntry struct {
	widget.Entry
	onEscape func()
}

// TypedKey hands Escape to the form and every other key to the Entry.
func (e *formEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// formLabel names a row of a form.
func formLabel(text string) *widget.Label {
	return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}}
}

// hintLabel is a line of help under a field, smaller than the field. It keeps the text colour:
// the quieter colours (LowImportance is the disabled colour) are hard to read in both themes.
func hintLabel(text string) *widget.Label {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
}

// fieldWidth gives o a fixed width and its own height.
func fieldWidth(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, o.MinSize().Height), o)
}

func authOptions() []string {
	opts := make([]string, len(authChoices))
	for i, m := range authChoices {
		opts[i] = m.Label()
	}
	return opts
}

func parallelOptions() []string {
	opts := make([]string, 16)
	for i := range opts {
		opts[i] = strconv.Itoa(i + 1)
	}
	return opts
}

func retentionLabel(days int) string {
	if days <= 0 {
		return "Keep forever"
	}
	return strconv.Itoa(days) + " days"
}

// retentionOptions are the usual choices, plus current if it is another number of days.
func retentionOptions(current int) []string {
	days := slices.Clone(retentionChoices)
	if current > 0 && !slices.Contains(days, current) {
		days = append(days, current)
		slices.Sort(days)
	}
	opts := make([]string, len(days))
	for i, d := range days {
		opts[i] = retentionLabel(d)
	}
	return opts
}

// parseMB reads a size limit typed in MB ("10", "12.5", "10 MB") as bytes; it must be above
// 0 and at most app.MaxAllowedSize.
func parseMB(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "MB"))
	mb, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(mb) || math.IsInf(mb, 0) || mb <= 0 || mb > 1e6 {
		return 0, false
	}
	n := int64(math.Round(mb * megabyte))
	return n, n > 0 && n <= app.MaxAllowedSize
}

// formatMB shows a size limit in MB: "10", or "12.5" for a limit that is not whole.
func formatMB(n int64) string {
	if n%megabyte == 0 {
		return strconv.FormatInt(n/megabyte, 10)
	}
	return strconv.FormatFloat(float64(n)/megabyte, 'f', -1, 64)
}

// hostOf is the host of an address, for a short description.
func hostOf(raw string) string {
	u, err := client.ParseServiceURL(raw)
	if err != nil {
		return raw
	}
	return u.Host
}
