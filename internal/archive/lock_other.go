//go:build !unix && !windows

package archive

import "os"

// lockFile is a no-op where there is no file locking: the SQLite index
// still serialises writers, but two syncs of one folder should not be
// started.
func lockFile(*os.File) error { return nil }

// shareLock is a no-op too.
func shareLock(*os.File) error { return nil }
