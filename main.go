// Command billfold is the Billfold desktop billing client.
//
//	billfold [--demo [--demo-reset]] [-v] [--version]
//	billfold archive sync|search|verify|export …   (headless; see internal/archivecli)
package main

import (
	"flag"
	"fmt"
	"os"

	"billfold/internal/appinfo"
	"billfold/internal/archivecli"
	_ "billfold/internal/clocale" // before Fyne reads the locale: LANG=C.UTF-8
	"billfold/internal/desktop"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "archive" {
		os.Exit(archivecli.Main(archivecli.Command, os.Args[2:]))
	}
	demo := flag.Bool("demo", false, "run against the built-in demo server, signed in as the demo customer")
	reset := flag.Bool("demo-reset", false, "with --demo: start from fresh demo data")
	verbose := flag.Bool("v", false, "log to standard error")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println("billfold", appinfo.Version())
		return
	}
	opts := desktop.Options{Demo: *demo, DemoReset: *reset}
	if *verbose {
		opts.Log = os.Stderr
	}
	if err := desktop.Run(opts); err != nil {
		fmt.Fprintln(os.Stderr, "billfold:", err)
		os.Exit(1)
	}
}
