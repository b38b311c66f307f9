// Command billfold is the Billfold desktop billing client.
//
//	billfold [--demo [--demo-reset]]
package main

import (
	"flag"
	"fmt"
	"os"

	"billfold/internal/desktop"
)

func main() {
	demo := flag.Bool("demo", false, "run against the built-in demo server, signed in as the demo customer")
	reset := flag.Bool("demo-reset", false, "with --demo: start from fresh demo data")
	verbose := flag.Bool("v", false, "log to standard error")
	flag.Parse()
	opts := desktop.Options{Demo: *demo, DemoReset: *reset}
	if *verbose {
		opts.Log = os.Stderr
	}
	if err := desktop.Run(opts); err != nil {
		fmt.Fprintln(os.Stderr, "billfold:", err)
		os.Exit(1)
	}
}
