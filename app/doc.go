// Package app is the uploader core shared by the GUI and the CLI: profiles, keychain, upload
// history and the upload queue. It knows nothing of Fyne.
package app
