//go:build !unix

package archive

import "io/fs"

// openNoBlock: there are no named pipes in the file system to wait for.
const openNoBlock = 0

// regular reports whether m is a file's mode. Windows reports a file
// with a reparse point that is no link (OneDrive's, deduplication's) as
// irregular since Go 1.23; such a file is a plain file to the archive.
func regular(m fs.FileMode) bool { return m.Type()&^fs.ModeIrregular == 0 }
