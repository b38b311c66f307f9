package ui

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"billfold/api"
	"billfold/billing"
)

func benchInvoices(n int) []api.InvoiceSummary {
	out := make([]api.InvoiceSummary, n)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		issued := start.Add(-time.Duration(i) * 6 * time.Hour)
		total := billing.New(int64(3_000+i%700), billing.JPY)
		out[i] = api.InvoiceSummary{ID: fmt.Sprintf("inv_%06d", i), Number: fmt.Sprintf("INV-2026-%06d", i), Kind: billing.KindService,
			Status:   []billing.InvoiceStatus{billing.InvoicePaid, billing.InvoiceUnpaid, billing.InvoiceCancelled}[i%3],
			Currency: billing.JPY, IssuedAt: issued, DueAt: issued.AddDate(0, 0, 14), Total: total, BalanceDue: total, Language: "ja"}
	}
	return out
}

// benchTab is an invoice table in a 1024×640 window and 10,000 invoices.
func benchTab(b *testing.B) ([]api.InvoiceSummary, *invoicesTab) {
	_ = LoadTranslations("en")
	fa := test.NewTempApp(b)
	tab := newInvoicesTab(&account{}, nil, fa.Preferences())
	w := test.NewWindow(tab.object())
	b.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1024, 640))
	return benchInvoices(10_000), tab
}

// BenchmarkInvoiceList10k: from 10,000 invoices as received to the table
// showing them (make the rows, size the columns, filter, sort, refresh the
// visible cells).
// Target: under 300 ms.
func BenchmarkInvoiceList10k(b *testing.B) {
	invs, tab := benchTab(b)
	for range b.N {
		rows := make([]*invoiceRow, len(invs))
		for i := range invs {
			rows[i] = newInvoiceRow(&invs[i])
		}
		tab.onInvoices(rows)
	}
	b.StopTimer()
	// What the loaded list keeps: the heap with the rows, then without.
	heap := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	with := heap()
	tab.onInvoices(nil)
	b.ReportMetric(float64(with-heap())/(1<<20), "rows-MB")
}

// BenchmarkInvoiceListUpdate10k: what the UI goroutine does when the list
// of 10,000 invoices changes (loaded, or an invoice event): size the
// columns from every cell, filter, sort and refresh the visible cells.
// It is one frame's work at most: well under 16 ms.
func BenchmarkInvoiceListUpdate10k(b *testing.B) {
	invs, tab := benchTab(b)
	rows := make([]*invoiceRow, len(invs))
	for i := range invs {
		rows[i] = newInvoiceRow(&invs[i])
	}
	for b.Loop() {
		tab.onInvoices(rows)
	}
}

// BenchmarkInvoiceListScroll: one scroll step through 10,000 rows (what a
// frame must do); a smooth 60 fps needs well under 16 ms.
func BenchmarkInvoiceListScroll(b *testing.B) {
	invs, tab := benchTab(b)
	rows := make([]*invoiceRow, len(invs))
	for i := range invs {
		rows[i] = newInvoiceRow(&invs[i])
	}
	tab.onInvoices(rows)
	b.ResetTimer()
	for i := range b.N {
		tab.table.ScrollToOffset(fyne.NewPos(0, float32((i*37)%390_000)))
	}
}
