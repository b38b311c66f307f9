//go:build unix

package archive

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive, non-blocking lock on f: one process at a
// time writes an archive. The kernel releases it when the process dies.
func lockFile(f *os.File) error {
	return flock(f, syscall.LOCK_EX)
}

// shareLock takes a shared, non-blocking lock on f: readers of a folder no
// writer has open.
func shareLock(f *os.File) error {
	return flock(f, syscall.LOCK_SH)
}

func flock(f *os.File, how int) error {
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrLocked
	}
	return err
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
