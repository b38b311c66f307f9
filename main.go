// Command billfold is the Billfold desktop billing client.
//
//	billfold [--demo [--demo-reset]]
//	billfold archive sync|search|verify|export …   (headless; see internal/archivecli)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"billfold/internal/archivecli"
	"billfold/internal/desktop"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "archive" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := archivecli.Run(ctx, os.Args[2:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
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
