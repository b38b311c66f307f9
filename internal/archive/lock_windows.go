//go:build windows

package archive

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockFile takes an exclusive, non-blocking lock on f's first byte: one
// process at a time writes an archive. Windows releases it when the
// process dies.
func lockFile(f *os.File) error {
	return lockEx(f, windows.LOCKFILE_EXCLUSIVE_LOCK)
}

// shareLock takes a shared, non-blocking lock on f's first byte: readers
// of a folder no writer has open.
func shareLock(f *os.File) error {
	return lockEx(f, 0)
}

func lockEx(f *os.File, flags uint32) error {
	var ol windows.Overlapped
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return ErrLocked
	}
	return err
}
