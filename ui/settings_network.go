package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client"
	"redoxuploader/internal/visible"
)

// networkPage is Settings → Network: how this computer reaches Redox (the proxy) and which
// extra certificates it trusts (for firewalls that inspect TLS). What the organisation's policy
// sets (the proxy, the extra certificates file) is shown as text, marked, its fields disabled,
// and saved as it was read; the proxy's password, pasted certificates and the stall time stay
// the person's.
type networkPage struct {
	v            *settingsView
	proxyLocked  bool                // the policy sets the proxy (mode and address)
	caFileLocked bool                // the policy sets the extra certificates file
	shown        app.NetworkSettings // as last read, for what the policy sets
	mode         *widget.RadioGroup
	proxyURL     *widget.Entry
	password     *widget.Entry
	caFile       *widget.Entry
	caChoose     *widget.Button
	caPEM        *widget.Entry
	proxyFixed   *widget.Label // the policy's proxy, shown instead of mode and proxyURL
	caFileFixed  *widget.Label // the policy's certificates file, shown instead of caFile
	stall        *widget.Select
	custom       int                      // a stall time from the settings file that is none of stallChoices; 0: none
	problems     map[string]*widget.Label // by NetworkError.Field
	note         *widget.Label
	save         *widget.Button
	scroll       *container.Scroll

	check       *widget.Button
	checkResult *widget.Label
	checkInfo   *widget.Label
	checkDetail *widget.Accordion
	checkRun    int                // counts checks and changes to the page, so a stale answer is dropped
	cancelCheck context.CancelFunc // stops the check under way; nil when none runs

}

// stallChoices pairs the words shown for how long a transfer may stall with the seconds saved;
// 0 is the default's (client.DefaultStallTimeout).
var stallChoices = []struct {
	label   string
	seconds int
}{
	{"30 seconds", 30},
	{"1 minute (recommended)", 0},
	{"2 minutes", 120},
	{"5 minutes", 300},
	{"10 minutes", 600},
}

// stallLabel is the choice shown for seconds saved; a value IT wrote into the settings file
// that is not a choice is shown as it is, and kept when the page is saved.
func stallLabel(seconds int) string {
	if time.Duration(seconds)*time.Second == client.DefaultStallTimeout {
		seconds = 0
	}
	for _, c := range stallChoices {
		if c.seconds == seconds {
			return c.label
		}
	}
	return fmt.Sprintf("%d seconds", seconds)
}

// proxyChoices pairs the words shown with the mode saved; the first is the default's.
var proxyChoices = []struct{ label, mode string }{
	{"Use this computer's proxy settings (recommended)", app.ProxySystem},
	{"Use the environment variables (HTTPS_PROXY, HTTP_PROXY)", app.ProxyEnvironment},
	{"No proxy", app.ProxyNone},
	{"This proxy:", app.ProxyManual},
}

func newNetworkPage(v *settingsView) *networkPage {
	n := &networkPage{v: v, problems: map[string]*widget.Label{}}
	n.proxyLocked, n.caFileLocked = v.u.core.Policy().NetworkLocked()
	labels := make([]string, len(proxyChoices))
	for i, c := range proxyChoices {
		labels[i] = c.label
	}
	n.mode = &widget.RadioGroup{Options: labels, Required: true, OnChanged: n.onMode}
	n.proxyURL = &widget.Entry{PlaceHolder: "http://proxy.example.org:8080"}
	n.password = &widget.Entry{Password: true, PlaceHolder: "Proxy password, if it asks for one (kept in the keychain)"}
	n.caFile = &widget.Entry{PlaceHolder: "A certificate file (.pem, .crt or .cer)"}
	n.caChoose = &widget.Button{Text: "Choose…", Icon: theme.FolderOpenIcon(), OnTapped: n.onChooseCA}
	n.caPEM = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapBreak, PlaceHolder: "…or paste certificates: -----BEGIN CERTIFICATE-----"}
	n.caPEM.SetMinRowsVisible(4)
	n.stall = &widget.Select{}
	for _, f := range []string{"proxyMode", "proxyUrl", "extraCaFile", "extraCaPem", "stallSeconds"} {
		n.problems[f] = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
		n.problems[f].Hide()
	}
	n.note = &widget.Label{Wrapping: fyne.TextWrapWord}
	n.save = &widget.Button{Text: "Save network settings", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: n.onSave}
	n.check = &widget.Button{Text: "Check connection", Icon: theme.ConfirmIcon(), OnTapped: n.onCheck}
	n.checkResult = &widget.Label{Wrapping: fyne.TextWrapWord}
	n.checkResult.Hide()
	n.checkInfo = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Monospace: true}}
	n.checkDetail = widget.NewAccordion(widget.NewAccordionItem("Details for IT", n.checkInfo))
	n.checkDetail.Hide()
	for _, e := range []*widget.Entry{n.proxyURL, n.password, n.caFile, n.caPEM} {
		e.OnChanged = func(string) { n.forgetCheck() }
	}
	n.proxyFixed = &widget.Label{Wrapping: fyne.TextWrapBreak}
	n.caFileFixed = &widget.Label{Wrapping: fyne.TextWrapBreak}
	if n.proxyLocked {
		n.mode.Disable()
	}
	setEnabled(!n.caFileLocked, n.caFile, n.caChoose)
	return n
}

func (n *networkPage) content() fyne.CanvasObject {
	proxy := container.NewVBox(n.mode, n.proxyURL, n.password, n.problems["proxyMode"], n.problems["proxyUrl"],
		hintLabel("Most hospitals need no change here; IT knows if a proxy must be named. A user name may go before @ in the address; its password goes in the field below, never in the address."))
	if n.proxyLocked {
		proxy = container.NewVBox(n.proxyFixed, n.password, n.problems["proxyMode"], n.problems["proxyUrl"],
			organisationNote("The proxy cannot be changed here."))
	}
	certFile := fyne.CanvasObject(container.NewBorder(nil, nil, nil, n.caChoose, n.caFile))
	if n.caFileLocked {
		certFile = n.caFileFixed
	}
	certs := container.NewVBox(certFile, n.problems["extraCaFile"])
	if n.caFileLocked {
		certs.Add(organisationNote("The certificates file cannot be changed here. You can still paste more certificates below."))
	}
	certs.Add(n.caPEM)
	certs.Add(n.problems["extraCaPem"])
	certs.Add(hintLabel("Only if IT tells you: the certificate of the network's TLS-inspecting firewall. Certificates are always checked; this only adds one to trust."))
	form := container.New(layout.NewFormLayout(),
		formLabel("Proxy"), proxy,
		formLabel("Extra trusted certificates"), certs,
		formLabel("Slow links"), container.NewVBox(container.NewGridWrap(fyne.NewSize(260, n.stall.MinSize().Height), n.stall), n.problems["stallSeconds"],
			hintLabel("How long an upload may go without any progress before it is tried again. Raise it only if uploads on a slow or busy link fail because they stopped moving.")),
		formLabel("Check"), container.NewVBox(container.NewHBox(n.check), n.checkResult, n.checkDetail,
			hintLabel("Tries to reach Redox with the settings on this page, before they are saved. No sign-in details and no files are sent.")),
	)
	n.scroll = container.NewVScroll(container.NewVBox(form, container.NewHBox(layout.NewSpacer(), n.save), n.note))
	return n.scroll
}

// show fills the page from st without saving anything.
func (n *networkPage) show(st app.Settings) {
	ns := st.Network
	n.shown = ns
	n.proxyFixed.SetText(proxyText(ns))
	n.caFileFixed.SetText(visible.Name(orNone(ns.ExtraCAFile)))
	n.mode.SetSelected(proxyLabel(ns.Mode()))
	n.proxyURL.SetText(ns.ProxyURL)
	n.caFile.SetText(ns.ExtraCAFile)
	n.caPEM.SetText(ns.ExtraCAPEM)
	n.showStall(ns.StallSeconds)
	n.onMode(n.mode.Selected)
}

// showStall selects the choice for seconds, adding it first when it is none of the usual ones.
func (n *networkPage) showStall(seconds int) {
	n.stall.Options, n.custom = nil, 0
	for _, c := range stallChoices {
		n.stall.Options = append(n.stall.Options, c.label)
	}
	label := stallLabel(seconds)
	if !slices.Contains(n.stall.Options, label) {
		n.stall.Options = append(n.stall.Options, label)
		n.custom = seconds
	}
	n.stall.SetSelected(label)
}

// stallSeconds is the seconds of the choice shown.
func (n *networkPage) stallSeconds() int {
	for _, c := range stallChoices {
		if c.label == n.stall.Selected {
			return c.seconds
		}
	}
	return n.custom
}

func proxyLabel(mode string) string {
	for _, c := range proxyChoices {
		if c.mode == mode {
			return c.label
		}
	}
	return proxyChoices[0].label
}

func (n *networkPage) onMode(label string) {
	n.forgetCheck()
	manual := label == proxyLabel(app.ProxyManual)
	setEnabled(manual && !n.proxyLocked, n.proxyURL)
	// The proxy's password is the person's, even when the policy names the proxy; when the
	// policy names none, there is nothing to give a password to.
	setEnabled(manual, n.password)
	if n.proxyLocked && !manual {
		n.password.Hide()
	} else {
		n.password.Show()
	}
}

// proxyText says which proxy ns uses, as the locked page shows it.
func proxyText(ns app.NetworkSettings) string {
	label := strings.TrimSuffix(proxyLabel(ns.Mode()), " (recommended)")
	if ns.Mode() == app.ProxyManual {
		return label + " " + visible.Name(ns.ProxyURL)
	}
	return label
}

// orNone is s, or "None" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "None"
	}
	return s
}

func (n *networkPage) settings() app.NetworkSettings {
	ns := app.NetworkSettings{ProxyURL: n.proxyURL.Text, ExtraCAFile: n.caFile.Text, ExtraCAPEM: n.caPEM.Text,
		StallSeconds: n.stallSeconds()}
	for _, c := range proxyChoices {
		if c.label == n.mode.Selected {
			ns.ProxyMode = c.mode
		}
	}
	if ns.ProxyMode != app.ProxyManual {
		ns.ProxyURL = ""
	}
	if n.proxyLocked { // as read: the policy's, which the core refuses to see changed
		ns.ProxyMode, ns.ProxyURL = n.shown.ProxyMode, n.shown.ProxyURL
	}
	if n.caFileLocked {
		ns.ExtraCAFile = n.shown.ExtraCAFile
	}
	return ns
}

// onSave checks and saves off the Fyne goroutine (reading a certificate file, the keychain),
// then marks the field at fault or says it is saved.
func (n *networkPage) onSave() {
	ns, password := n.settings(), n.password.Text
	n.hideProblems()
	n.note.SetText("Saving…")
	core := n.v.u.core
	n.v.run(func(context.Context) {
		err := core.SaveNetwork(ns, app.SaveNetworkOptions{ProxyPassword: password})
		fyne.Do(func() { n.saved(err) })
	})
}

func (n *networkPage) saved(err error) {
	switch {
	case err == nil:
		n.password.SetText("")
		n.note.SetText("Saved. The next uploads use these settings.")
	case n.markProblem(err):
		n.note.SetText("Check the setting marked in red.")
	default:
		n.note.SetText("")
		n.v.u.showError("The network settings could not be saved", err)
	}
}

// markProblem shows a *app.NetworkError beside the field at fault and reports whether err was
// one.
func (n *networkPage) markProblem(err error) bool {
	var ne *app.NetworkError
	if !errors.As(err, &ne) || n.problems[ne.Field] == nil {
		return false
	}
	n.problems[ne.Field].SetText(ne.Error())
	n.problems[ne.Field].Show()
	n.scroll.Refresh()
	return true
}

func (n *networkPage) hideProblems() {
	for _, l := range n.problems {
		l.Hide()
	}
}

// onCheck tries the settings on the page, unsaved, off the Fyne goroutine: the password typed,
// or else the keychain's. The button stays disabled until the answer is shown.
func (n *networkPage) onCheck() {
	ns, password := n.settings(), n.password.Text
	n.hideProblems()
	n.forgetCheck()
	run := n.checkRun
	n.check.Disable()
	n.checkResult.Importance = widget.MediumImportance
	n.checkResult.SetText("Checking…")
	n.showCheck()
	core := n.v.u.core
	ctx, cancel := context.WithCancel(n.v.u.bg.ctx) // ends too when the window closes
	n.cancelCheck = cancel
	n.v.run(func(context.Context) {
		defer cancel()
		check, err := core.CheckNetwork(ctx, ns, password)
		fyne.Do(func() { n.checked(run, check, err) })
	})
}

// stopCheck abandons a check under way (the settings are closing): its connections close
// at once rather than running on for up to app.NetworkCheckTimeout.
func (n *networkPage) stopCheck() {
	n.checkRun++
	if n.cancelCheck != nil {
		n.cancelCheck()
		n.cancelCheck = nil
	}
}

// checked shows how a check went, unless the page changed since it started.
func (n *networkPage) checked(run int, check app.NetworkCheck, err error) {
	n.check.Enable()
	if run != n.checkRun {
		return
	}
	n.cancelCheck = nil
	n.checkResult.Importance = widget.DangerImportance
	switch {
	case err == nil:
		n.checkResult.Importance = widget.SuccessImportance
		n.checkResult.SetText(check.String())
	case n.markProblem(err):
		n.checkResult.SetText("Not checked: first fix the setting marked in red.")
	default:
		n.checkResult.SetText(visible.Text(app.SurfaceWindow.Explain(err)))
		if detail := client.Detail(err); detail != err.Error() {
			n.checkInfo.SetText(detail)
			n.checkDetail.Show()
		}
	}
	n.showCheck()
}

// showCheck lays the page out again with the check's answer and brings it into view.
func (n *networkPage) showCheck() {
	n.checkResult.Show()
	n.scroll.Refresh()
	n.scroll.ScrollToBottom()
}

// forgetCheck hides the last check's answer: it was for settings no longer on the page.
func (n *networkPage) forgetCheck() {
	n.checkRun++
	if n.scroll != nil && n.checkResult.Visible() {
		n.checkResult.Hide()
		n.checkDetail.Hide()
		n.scroll.Refresh()
	}
}

// onChooseCA picks a certificate file with the native dialog, off the Fyne goroutine.
func (n *networkPage) onChooseCA() {
	u := n.v.u
	n.v.run(func(ctx context.Context) {
		path := u.openFile(ctx, "Choose the certificate IT gave you")
		if path == "" {
			return
		}
		if _, err := os.Stat(path); err != nil {
			u.showError("The certificate file cannot be used", err)
			return
		}
		fyne.Do(func() { n.caFile.SetText(path) })
	})
}
