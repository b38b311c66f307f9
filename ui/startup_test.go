package ui

import (
	"context"
	"iter"
	"sync/atomic"
	"testing"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// listCounter counts the fetches of the whole invoice list.
type listCounter struct {
	Backend
	lists atomic.Int32
}

func (b *listCounter) AllInvoiceSummaries(ctx context.Context, q apiclient.InvoiceQuery) iter.Seq2[api.InvoiceSummary, error] {
	b.lists.Add(1)
	return b.Backend.AllInvoiceSummaries(ctx, q)
}

// The main window fetches the invoice list once when it opens: the
// Billing screen shown while the first fetch is on its way does not start
// a second one (each cost a request and formatting every row on the UI
// goroutine, and the first was thrown away).
func TestOpeningTheMainWindowFetchesTheInvoicesOnce(t *testing.T) {
	var counter *listCounter
	f := startWith(t, billing.JPY, "en", func(f *fixture, d *Deps) {
		counter = &listCounter{Backend: d.Backend}
		d.Backend = counter
	})
	// Every run started when the window opened has ended once the
	// runner is idle.
	deadline := time.Now().Add(20 * time.Second)
	for idle := false; !idle; {
		f.rec.onUI(func() { idle = f.rec.runner.idle() })
		if time.Now().After(deadline) {
			t.Fatal("the runner never became idle")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := counter.lists.Load(); n != 1 {
		t.Fatalf("the invoice list was fetched %d times", n)
	}
}
