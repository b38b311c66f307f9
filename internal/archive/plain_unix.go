//go:build unix

package archive

import (
	"io/fs"
	"syscall"
)

// openNoBlock opens a named pipe without waiting for a writer: openPlain
// then refuses it instead of hanging in the open.
const openNoBlock = syscall.O_NONBLOCK

// regular reports whether m is a file's mode.
func regular(m fs.FileMode) bool { return m.IsRegular() }
