package apiclient_test

import (
	"context"
	"iter"
	"testing"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// BenchmarkListInvoices10k: the whole list of an account with 10,000
// invoices, page after page of 500 (as the desktop app loads it), from the
// reference server on SQLite over loopback HTTP, server and client on the
// same cores: as summaries, which the app's list fetches, and as full
// invoices, each with its parties, lines, payments and the server's
// signature, which the app's list fetched before.
func BenchmarkListInvoices10k(b *testing.B) {
	env := servertest.New(b, servertest.Backends(b)[0])
	cust := env.NewCustomer(billing.JPY)
	if err := env.Server.SeedBulkInvoices(context.Background(), cust.Email, 10_000); err != nil {
		b.Fatal(err)
	}
	c := signIn(b, env.URL, cust, apiclient.Options{}, false)
	q := apiclient.InvoiceQuery{Limit: 500}
	b.Run("summaries", func(b *testing.B) { benchList(b, c.AllInvoiceSummaries(context.Background(), q)) })
	b.Run("full", func(b *testing.B) { benchList(b, c.AllInvoices(context.Background(), q)) })
}

func benchList[T any](b *testing.B, all iter.Seq2[T, error]) {
	for b.Loop() {
		n := 0
		for _, err := range all {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 10_000 {
			b.Fatalf("listed %d invoices, want 10,000", n)
		}
	}
}
