// Command billfold-archive is `billfold archive` as a console program, for
// Windows: billfold.exe is a GUI program (no console window behind the
// app), which cmd and PowerShell neither wait for nor take an exit status
// from, and whose output goes nowhere. This one runs in the console or a
// scheduled task like any command-line tool.
//
//	billfold-archive sync|search|verify|export|version …
package main

import (
	"os"

	"billfold/internal/archivecli"
)

func main() {
	os.Exit(archivecli.Main("billfold-archive", os.Args[1:]))
}
