package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"

	"redoxuploader/app"
	"redoxuploader/client"
)

// secretState is what the keychain holds for the profile being edited.
type secretState int

const (
	secretChecking secretState = iota // not known yet
	secretStored
	secretMissing
	secretUnknown // the keychain did not answer
)

// checkStoredSecret asks the keychain whether the edited source has a secret, to say so in
// the secret field's placeholder; the secret itself is dropped at once.
func (f *profileForm) checkStoredSecret() {
	p, secrets := *f.original, f.v.u.core.Secrets
	f.v.run(func(context.Context) {
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

// onChooseKeyFile reads an OAuth private key from a file, all off the Fyne goroutine.
func (f *profileForm) onChooseKeyFile() {
	u := f.v.u
	f.v.run(func(ctx context.Context) {
		path := u.openFile(ctx, "Choose the OAuth private key (PEM file)")
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

// onStoreSecret stores the secret typed for a source the form shows read-only (see sourceLock),
// off the Fyne goroutine. The organisation sets the source, but not its secret: IT may store one
// for every user later, and until then the person stores their own, as 'source set-secret'
// lets them on the command line.
func (f *profileForm) onStoreSecret() {
	f.clearErrors()
	secret := f.typedSecret()
	if secret == "" {
		f.setError("secret", "Enter the "+f.original.Auth.SecretName()+" to store.")
		f.showProblems()
		return
	}
	p := *f.original
	f.busy("Storing…")
	u := f.v.u
	f.v.run(func(ctx context.Context) {
		problem, ok := storeSecret(u, p, secret)
		fyne.Do(func() { f.secretStored(problem, ok) })
		if ok && ctx.Err() == nil {
			u.setStatus(fmt.Sprintf("The %s of the source “%s” was stored in the keychain.", p.Auth.SecretName(), p.Name))
		}
	})
}

// storeSecret stores secret for p in the keychain and drops the queue's client of p, which
// holds the secret it replaces. A secret that cannot be used comes back as the problem to show
// beside the field; a keychain that does not answer is shown here.
func storeSecret(u *UI, p app.Profile, secret string) (problem string, ok bool) {
	err := u.core.Secrets.SetSecret(p, secret)
	u.core.Queue.ForgetClient(p.Name)
	if err == nil {
		return "", true
	}
	if errors.Is(err, app.ErrSecretTooBig) {
		return app.ErrSecretTooBig.Error(), false
	}
	if wrong, isSentence := err.(app.Sentence); isSentence { // the secret itself: empty, a line break, not a key
		return wrong.Error(), false
	}
	u.showError("The secret could not be stored in the keychain", err)
	return "", false
}

// secretStored shows how storing the secret went: a problem beside the field, or the list again.
func (f *profileForm) secretStored(problem string, ok bool) {
	f.saveBtn.Enable()
	f.summary.Hide()
	if problem != "" {
		f.setError("secret", problem)
		f.showProblems()
	}
	if ok && f.v.form == f {
		f.v.closeForm()
	}
}
