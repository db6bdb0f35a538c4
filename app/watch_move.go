package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Moving a watched file out of the way once its upload has ended: to Uploaded/DATE/ or to
// Failed/ with a note saying why. Nothing is ever overwritten and nothing deleted.

// errMovedAway is the error of a move whose file is no longer where it was: another program
// (another watcher of the folder, a clerk) moved or deleted it first.
var errMovedAway = fmt.Errorf("the file is no longer in the folder: %w", fs.ErrNotExist)

// moveInto moves the file at path into the folder dir (created with the permissions perm if
// needed, see folderPerm) under its own name, or "name (2).ext", "name (3).ext"... if that is
// taken, and returns where it now is. A file no longer at path is errMovedAway.
func moveInto(path, dir string, perm fs.FileMode) (string, error) {
	if err := makeFolders(dir, perm); err != nil {
		return "", fmt.Errorf("creating %s: %w", filepath.Base(dir), err)
	}
	name := filepath.Base(path)
	for n := 1; n < 10000; n++ {
		dest := filepath.Join(dir, numbered(name, n))
		err := moveNoReplace(path, dest)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return dest, nil
	}
	return "", fmt.Errorf("moving %s: too many files of that name in %s", name, filepath.Base(dir))
}

// folderPerm is the permissions that the folders a watcher makes inside the watched folder
// (Uploaded/, Failed/) are given: the watched folder's own, so that whoever may tidy the folder
// (a clerk of the share's group, the next shift's watcher) may tidy those too. They are given
// exactly (makeFolders): the usual umask, 022, would take the group's write away. Default ACLs
// still apply. On Windows, where folders inherit their ACL and permission bits only say
// read-only, and when the folder cannot be asked, it is owner and group only, as before.
func folderPerm(folder string) fs.FileMode {
	fi, err := os.Stat(folder)
	if err != nil || runtime.GOOS == "windows" {
		return 0o750
	}
	return fi.Mode().Perm()
}

// makeFolders makes dir, and the folders above it that are missing, each with perm exactly,
// whatever the umask; folders that exist, or that another process makes meanwhile, are left
// as they are.
func makeFolders(dir string, perm fs.FileMode) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := makeFolders(parent, perm); err != nil {
			return err
		}
	}
	err := os.Mkdir(dir, perm)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil // made meanwhile, by another watcher: its own
	case err != nil:
		return err
	case runtime.GOOS == "windows":
		return nil
	}
	return os.Chmod(dir, perm)
}

// numbered is name for n = 1, else name with " (n)" before its extension.
func numbered(name string, n int) string {
	if n == 1 {
		return name
	}
	ext := filepath.Ext(name)
	return strings.TrimSuffix(name, ext) + " (" + strconv.Itoa(n) + ")" + ext
}

// moveNoReplace moves src to dest, failing with fs.ErrExist if dest exists. A hard link then
// an unlink never replaces a file, even one that appears meanwhile; where links are not
// possible (some network shares) it renames after checking that dest is free.
//
// A dest that is src itself (another hard link to the same file: a move that a crash cut off
// between the link and the unlink) finishes that move: src, the extra name, goes.
func moveNoReplace(src, dest string) error {
	err := os.Link(src, dest)
	if err != nil && isGone(src) {
		return fmt.Errorf("moving %s: %w", filepath.Base(src), errMovedAway)
	}
	if errors.Is(err, fs.ErrExist) {
		if sameFile(src, dest) {
			return os.Remove(src)
		}
		return err
	}
	if err == nil {
		if err := os.Remove(src); err != nil {
			os.Remove(dest) // the link this made; src is still whole
			return fmt.Errorf("moving %s: %w", filepath.Base(src), err)
		}
		return nil
	}
	if _, err := os.Lstat(dest); err == nil {
		return fs.ErrExist
	}
	if err := os.Rename(src, dest); err != nil {
		if isGone(src) {
			err = errMovedAway
		}
		return fmt.Errorf("moving %s: %w", filepath.Base(src), err)
	}
	return nil
}

// isGone reports whether nothing is at path.
func isGone(path string) bool {
	_, err := os.Lstat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// sameFile reports whether a and b are two names of one file.
func sameFile(a, b string) bool {
	ai, aerr := os.Stat(a)
	bi, berr := os.Stat(b)
	return aerr == nil && berr == nil && os.SameFile(ai, bi)
}

// uploadedFolder is where a file sent on day goes, inside its watched folder.
func uploadedFolder(folder string, day time.Time) string {
	return filepath.Join(folder, WatchUploadedFolder, day.Format("2006-01-02"))
}

// writeWhyFile writes NAME.why.txt beside a file moved to Failed/, saying in plain words why it
// was not sent, readable and writable as its folder's permissions folderPerm allow (without the
// right to run it). It never replaces a file.
func writeWhyFile(movedTo string, rec Record, folderPerm fs.FileMode) error {
	f, err := os.OpenFile(movedTo+".why.txt", os.O_WRONLY|os.O_CREATE|os.O_EXCL, folderPerm&0o666)
	if err != nil {
		return fmt.Errorf("writing why %s failed: %w", filepath.Base(movedTo), err)
	}
	text := whyText(rec)
	_, err = f.WriteString(text)
	if runtime.GOOS != "windows" {
		err = errors.Join(err, f.Chmod(folderPerm&0o666)) // exactly, as makeFolders' folders
	}
	return errors.Join(err, f.Close())
}

// whyText is what a why file says.
func whyText(rec Record) string {
	when := rec.Finished
	if when.IsZero() {
		when = time.Now()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s was not uploaded to Redox (source %q) on %s.\r\n\r\n", rec.Name, rec.Profile,
		when.Local().Format("2 Jan 2006 at 15:04"))
	fmt.Fprintf(&b, "Why: %s\r\n\r\n", rec.ErrorMessage)
	b.WriteString("To send it after fixing this, put the file back into the watched folder.\r\n")
	if rec.ErrorDetail != "" && rec.ErrorDetail != rec.ErrorMessage {
		fmt.Fprintf(&b, "\r\nFor IT: %s\r\n", withoutPath(rec.ErrorDetail, rec.Path))
	}
	fmt.Fprintf(&b, "History row: %d\r\n", rec.ID)
	return b.String()
}
