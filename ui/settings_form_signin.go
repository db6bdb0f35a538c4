package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"redoxuploader/app"
	"redoxuploader/client"
)

const testTimeout = time.Minute // how long "Test connection" waits for Redox to answer

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
	ctx, cancel := context.WithTimeout(f.v.u.bg.ctx, testTimeout) // ends too when the window closes
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
	u := f.v.u
	f.v.run(func(context.Context) {
		defer cancel()
		secret := typed
		if useStored {
			s, err := u.core.Secrets.Secret(original)
			if err == nil {
				err = ctx.Err() // stopped while the keychain answered: sign in no more
			}
			if err != nil {
				if !errors.Is(err, app.ErrSecretNotFound) && ctx.Err() == nil {
					u.showError("The stored secret could not be read", err)
					err = app.Sentence("Not tested: the stored secret could not be read from the keychain.")
				}
				fyne.Do(func() { f.testDone(run, client.Token{}, err) })
				return
			}
			secret = s
		}
		tok, err := u.core.TrySignIn(ctx, p, secret)
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
