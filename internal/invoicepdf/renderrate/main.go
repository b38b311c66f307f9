// Command renderrate measures invoicepdf.Render in a plain program, outside
// the test harness: workers render the invoices of the JSON files given
// (as the server sends them), round robin, at the process's GOGC, the way
// the archive's sync workers call Render. It prints renders per second of
// wall time and the garbage collections they caused.
//
//	go run ./internal/invoicepdf/renderrate -workers 2 -n 20000 internal/invoicepdf/testdata/sample-ja.json
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"billfold/api"
	"billfold/internal/invoicepdf"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "renderrate:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("renderrate", flag.ContinueOnError)
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines rendering at once")
	n := fs.Int("n", 20_000, "renders in all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || *workers < 1 || *n < 1 {
		return errors.New("usage: renderrate [-workers N] [-n RENDERS] INVOICE.json…")
	}
	var invs []api.Invoice
	for _, name := range fs.Args() {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		var inv api.Invoice
		if err := json.Unmarshal(b, &inv); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if _, err := invoicepdf.Render(inv, invoicepdf.Options{}); err != nil { // and the font is parsed
			return fmt.Errorf("%s: %w", name, err)
		}
		invs = append(invs, inv)
	}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var next, size atomic.Int64
	failed := make(chan error, 1)
	start := time.Now()
	var wg sync.WaitGroup
	for range *workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(*n); i = next.Add(1) - 1 {
				pdf, err := invoicepdf.Render(invs[i%int64(len(invs))], invoicepdf.Options{})
				if err != nil {
					select {
					case failed <- err:
					default:
					}
					return
				}
				size.Add(int64(len(pdf)))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	select {
	case err := <-failed:
		return err
	default:
	}
	fmt.Fprintf(stdout, "%d renders, %d workers, GOMAXPROCS %d: %.0f renders/s, %.1f KB per PDF, %d GCs, %.0f KB allocated per render\n",
		*n, *workers, runtime.GOMAXPROCS(0), float64(*n)/elapsed.Seconds(), float64(size.Load())/float64(*n)/1000,
		after.NumGC-before.NumGC, float64(after.TotalAlloc-before.TotalAlloc)/float64(*n)/1000)
	return nil
}
