//go:build !unix

package archive

import "os"

// lockFile is a no-op where flock is not available: the SQLite index still
// serialises writers, but two syncs of one folder should not be started.
func lockFile(*os.File) error { return nil }

// syncDir is a no-op: directories cannot be opened for fsync here, and
// renames are durable once the file system's journal commits them.
func syncDir(string) error { return nil }
