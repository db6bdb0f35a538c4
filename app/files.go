package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"redoxuploader/client"
)

// FolderNote says what became of a folder that was submitted: its files (one level deep) were
// queued, and what was left out and why.
type FolderNote struct {
	Path       string
	Files      int // regular files queued from it (symbolic links followed)
	Subfolders int // folders inside it, not entered
	Skipped    int // hidden and system files (.DS_Store, Thumbs.db, desktop.ini)
	Others     int // items that are neither files nor folders (pipes, devices, sockets, broken links), left out
	// Unreadable is why the folder could not be opened, in plain words; then nothing of it was
	// queued.
	Unreadable string
}

// String is the plain-words summary shown to the user.
func (n FolderNote) String() string {
	if n.Unreadable != "" {
		return fmt.Sprintf("Folder %q could not be opened (%s), so none of its files were added. Ask IT for access to "+
			"it, or copy the files to a folder you can open and add them from there.", filepath.Base(n.Path), n.Unreadable)
	}
	s := fmt.Sprintf("Folder %q: %d file%s found", filepath.Base(n.Path), n.Files, plural(n.Files))
	if n.Subfolders > 0 {
		s += fmt.Sprintf(", %d folder%s inside it not opened (add them separately)", n.Subfolders, plural(n.Subfolders))
	}
	if n.Skipped > 0 {
		s += fmt.Sprintf(", %d hidden or system file%s left out", n.Skipped, plural(n.Skipped))
	}
	if n.Others > 0 {
		s += fmt.Sprintf(", %d other item%s left out (not ordinary files: a pipe, a device or a broken link)", n.Others, plural(n.Others))
	}
	return s + "."
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// expandPaths turns what the user dropped into the list of files to queue: files stay as
// they are (even missing ones, which then get a row saying so), folders are replaced by the
// regular files directly inside them (symbolic links followed), in name order. Anything else
// inside a folder (a pipe, a device, a socket, a broken link) is counted and left out.
func expandPaths(paths []string) (files []string, notes []FolderNote) {
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		info, err := os.Stat(p)
		if err != nil || !info.IsDir() {
			files = append(files, p)
			continue
		}
		note := FolderNote{Path: p}
		entries, err := readDir(p)
		if err != nil {
			note.Unreadable = unreadableFolder(err)
			notes = append(notes, note)
			continue
		}
		var inside []string
		for _, e := range entries {
			full := filepath.Join(p, e.Name())
			if isHiddenOrSystem(e.Name()) {
				note.Skipped++
				continue
			}
			st, err := os.Stat(full) // follows symlinks
			switch {
			case err == nil && st.IsDir():
				note.Subfolders++
				continue
			case err == nil && !st.Mode().IsRegular(), errors.Is(err, fs.ErrNotExist):
				note.Others++
				continue
			}
			inside = append(inside, full) // a file, or one the upload check will say it cannot read
		}
		sort.Strings(inside)
		note.Files = len(inside)
		files = append(files, inside...)
		notes = append(notes, note)
	}
	return files, notes
}

// readDir lists a folder; tests replace it to meet folders this process may not open (it
// runs as root on CI, which opens any).
var readDir = os.ReadDir

// unreadableFolder words why a folder could not be listed.
func unreadableFolder(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "you do not have permission to open it"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the note names the folder already
	}
	return err.Error()
}

func isHiddenOrSystem(name string) bool {
	switch strings.ToLower(name) {
	case "thumbs.db", "desktop.ini", "ehthumbs.db":
		return true
	}
	return strings.HasPrefix(name, ".")
}

// hashFile returns the SHA-256 of the file at path and the size it hashed. The size and
// modification time must be the same before and after, and equal to expectSize, or the file is
// still being written and a client *Error of FileChanged is returned.
func hashFile(path string, expectSize int64) (string, int64, error) {
	before, err := os.Stat(path)
	if err != nil {
		return "", 0, statError(path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", 0, statError(path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", n, &client.Error{Kind: client.KindFile, File: client.FileUnreadable, Path: path, Err: client.WithoutPath(err),
			Message: "The file could not be read to the end. It may be on a disconnected drive; check it and try again."}
	}
	after, err := os.Stat(path)
	if err != nil {
		return "", n, statError(path, err)
	}
	if n != expectSize || after.Size() != n || before.Size() != n || !after.ModTime().Equal(before.ModTime()) {
		return "", n, changedError(path, n)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// statError reports a file that vanished or became unreadable after it was queued, in the
// client's words.
func statError(path string, err error) error {
	_, cerr := client.CheckFile(path, 0)
	if cerr != nil {
		return cerr
	}
	return fmt.Errorf("reading %s: %w", filepath.Base(path), client.WithoutPath(err))
}

func changedError(path string, size int64) *client.Error {
	return &client.Error{Kind: client.KindFile, File: client.FileChanged, Path: path, Size: size,
		Message: "The file changed while it was being checked; it may still be being written. Wait until it is " +
			"finished, then add it again."}
}
