package app

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// smallDisk is a real, small file system (tmpfs) mounted for one test, to fill up or make
// read-only. It needs root (CI runs as root); elsewhere the test is skipped.
type smallDisk struct {
	t   testing.TB
	dir string
}

// mountSmallDisk mounts a tmpfs of size (like "2m") on a new folder, unmounted when the test
// ends (after the cleanups registered later, which close what the test opened on it).
func mountSmallDisk(t testing.TB, size string) *smallDisk {
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
	return &smallDisk{t: t, dir: dir}
}

// fill writes a file until the disk is full.
func (d *smallDisk) fill() {
	d.t.Helper()
	f, err := os.Create(filepath.Join(d.dir, "filler"))
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

// free removes what fill wrote.
func (d *smallDisk) free() {
	d.t.Helper()
	if err := os.Remove(filepath.Join(d.dir, "filler")); err != nil {
		d.t.Fatal(err)
	}
}

// readOnly remounts the disk read-only; nothing may be open for writing on it.
func (d *smallDisk) readOnly() {
	d.t.Helper()
	if err := syscall.Mount("", d.dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		d.t.Fatalf("remounting read-only: %v", err)
	}
}
