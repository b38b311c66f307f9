// Command billfold-server runs the Billfold reference billing server.
//
//	billfold-server [serve] --listen ADDR --data DIR [--dsn DSN] [--base-url URL] [--gateways IDS] [--replicas N] [--demo]
//	billfold-server --version
//
// Every flag can also be set from the environment: BILLFOLD_LISTEN,
// BILLFOLD_DATA, BILLFOLD_DSN, BILLFOLD_BASE_URL, BILLFOLD_GATEWAYS,
// BILLFOLD_REPLICAS, BILLFOLD_DEMO; the stripe gateway reads STRIPE_SECRET_KEY,
// STRIPE_WEBHOOK_SECRET and STRIPE_API_BASE.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"billfold/internal/appinfo"
	"billfold/internal/server/cli"
)

func main() {
	if len(os.Args) == 2 && (os.Args[1] == "--version" || os.Args[1] == "-version") {
		fmt.Println("billfold-server", appinfo.Version())
		return
	}
	if os.Getenv("GOGC") == "" {
		// The live heap is small and requests allocate quickly; collecting
		// less often takes GC pauses out of the latency tail (README).
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "billfold-server:", err)
		os.Exit(1)
	}
}
