// Package smalldisk gives tests a real, small file system (tmpfs) to fill up or make
// read-only, for the disk-full and read-only cases of the history and the commands. Mounting
// needs root, which CI has; elsewhere the test is skipped. Only tests import it.
package smalldisk

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Disk is a tmpfs mounted on Dir for one test.
type Disk struct {
	Dir string
	t   testing.TB
}

// Mount mounts a tmpfs of size (like "2m") on a new folder, unmounted when the test ends
// (after the cleanups registered later, which close what the test opened on it).
func Mount(t testing.TB, size string) *Disk {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root (CI runs as root)")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Fatalf("mounting a %s tmpfs: %v", size, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmounting the small disk (something is still open on it): %v", err)
			syscall.Unmount(dir, syscall.MNT_DETACH)
		}
	})
	return &Disk{Dir: dir, t: t}
}

// Fill writes a file until the disk is full.
func (d *Disk) Fill() {
	d.t.Helper()
	f, err := os.Create(filepath.Join(d.Dir, "filler"))
	if err != nil && !errors.Is(err, syscall.ENOSPC) {
		d.t.Fatal(err)
	}
	if f == nil {
		return
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				d.t.Fatalf("filling the small disk: %v", err)
			}
			break
		}
	}
	for len(buf) > 1 { // the last partial page
		buf = buf[:len(buf)/2]
		f.Write(buf)
	}
}

// Free removes what Fill wrote.
func (d *Disk) Free() {
	d.t.Helper()
	if err := os.Remove(filepath.Join(d.Dir, "filler")); err != nil {
		d.t.Fatal(err)
	}
}

// ReadOnly remounts the disk read-only; nothing may be open for writing on it.
func (d *Disk) ReadOnly() {
	d.t.Helper()
	if err := syscall.Mount("", d.Dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		d.t.Fatalf("remounting read-only: %v", err)
	}
}
