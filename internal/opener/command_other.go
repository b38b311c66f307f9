//go:build !(linux || freebsd || openbsd || netbsd)

package opener

// useCommand: Windows and macOS open addresses through Fyne's OpenURL,
// which runs their opener to its end and reports its exit status.
func useCommand() bool { return false }
