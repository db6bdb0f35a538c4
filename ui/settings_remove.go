package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"redoxuploader/app"
	"redoxuploader/internal/visible"
)

const stopUploadsWait = 5 * time.Second // how long removing a source waits for its uploads under way to stop

// onRemove asks first, saying how many files are still waiting or being sent to the source,
// then removes it (removeSource).
func (s *sourceList) onRemove(p app.Profile) {
	text, yes, no := removeQuestion(visible.Name(p.Name), s.v.u.core.Queue.PendingFor(p.Name))
	s.v.u.confirmWith("Remove this source?", text, yes, no, func(ok bool) {
		if ok {
			s.v.run(func(ctx context.Context) { s.removeSource(ctx, p) })
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
// keychain. It runs off the Fyne goroutine. The removal asked for is made even if the window
// closes meanwhile (ctx then ends the wait for the uploads); what follows it only shows.
func (s *sourceList) removeSource(ctx context.Context, p app.Profile) {
	u := s.v.u
	queue := u.core.Queue
	release := queue.Hold(p.Name) // a file dropped meanwhile ends cancelled instead of going out
	defer release()
	if n := queue.PendingFor(p.Name); n > 0 {
		u.setStatus(fmt.Sprintf("Stopping the uploads to “%s”…", p.Name))
	}
	stopCtx, cancel := context.WithTimeout(ctx, stopUploadsWait)
	stopped, _ := queue.StopProfile(stopCtx, p.Name) // one still stopping after the wait ends cancelled all the same, unsent
	cancel()
	_, st, err := u.core.RemoveProfile(p.Name)
	if errors.Is(err, app.ErrNoProfile) { // removed elsewhere meanwhile: show what is saved now
		st, err = u.core.LoadSettings()
	}
	var left *app.SecretsLeftError
	if err != nil && !errors.As(err, &left) {
		u.showError("The source could not be removed", err)
		return
	}
	fyne.Do(func() { s.show(st.Profiles) })
	if ctx.Err() != nil { // the window closed while the keychain answered: touch the core no more
		return
	}
	u.sources.showSettings(st, false)
	if left != nil {
		u.showError("The source was removed, but its secret is still in the keychain", left.Err)
		return
	}
	done := fmt.Sprintf("The source “%s” was removed.", p.Name)
	if stopped > 0 {
		done += fmt.Sprintf(" Uploads to it cancelled: %d.", stopped)
	}
	u.setStatus(done)
}
