package ui

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"billfold/api"
	"billfold/billing"
)

// A listed invoice costs one allocation, its row: the dates, the total and
// the words are formatted when a cell is drawn, and the row's language,
// kind, status and currency are handles to copies all rows share.
func TestInvoiceRowIsOneAllocation(t *testing.T) {
	inv := api.InvoiceSummary{ID: "inv_1", Number: "INV-2026-000001", Kind: billing.KindService, Status: billing.InvoiceUnpaid,
		Language: "ja", IssuedAt: time.Now(), DueAt: time.Now(), Total: billing.New(3_000, billing.JPY)}
	listed := newInvoiceRow(&inv) // the shared copies live while a row holds them
	// AllocsPerRun counts the whole process's allocations: over 1,000 runs
	// the test app's background goroutines would need 1,000 of their own
	// in a fraction of a millisecond to change the average.
	if n := testing.AllocsPerRun(1000, func() { _ = newInvoiceRow(&inv) }); n != 1 {
		t.Errorf("a row costs %v allocations, want 1", n)
	}
	runtime.KeepAlive(listed)
}

// Two invoices decoded apart (each with its own copies of the strings)
// make rows that share one copy of each.
func TestInvoiceRowsShareTheirWords(t *testing.T) {
	const doc = `{"id":"inv_%d","number":"INV-%d","kind":"add_funds","status":"unpaid","currency":"EUR","issued_at":"2026-12-05T16:00:00Z",
		"due_at":"2026-12-19T16:00:00Z","overdue":false,"total":{"amount":1000,"currency":"EUR"},"balance_due":{"amount":1000,"currency":"EUR"},"language":"en"}`
	var rows [2]*invoiceRow
	for i := range rows {
		var inv api.InvoiceSummary
		if err := json.Unmarshal(fmt.Appendf(nil, doc, i, i), &inv); err != nil {
			t.Fatal(err)
		}
		rows[i] = newInvoiceRow(&inv)
	}
	a, b := rows[0], rows[1]
	if a.language != b.language || a.kind != b.kind || a.state != b.state || a.currency != b.currency {
		t.Errorf("two rows keep copies of their own: %+v, %+v", a, b)
	}
	if unsafe.StringData(a.language.Value()) != unsafe.StringData(b.language.Value()) {
		t.Error("the rows' languages are two strings")
	}
}

// The cells read as the list always showed them: dates in the invoice
// language's calendar, the total formatted, overdue outranking unpaid, and
// the columns of words sorting by what they read.
func TestInvoiceRowCells(t *testing.T) {
	test.NewTempApp(t)
	if err := LoadTranslations("en"); err != nil {
		t.Fatal(err)
	}
	issued := time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC) // 6 December in Japan
	w := newRowWords()
	r := newInvoiceRow(&api.InvoiceSummary{ID: "inv_1", Number: "INV-1", Kind: billing.KindAddFunds, Status: billing.InvoiceUnpaid,
		Language: "ja", IssuedAt: issued, DueAt: issued.AddDate(0, 0, 14), Overdue: true, Total: billing.New(30_000, billing.JPY)})
	want := []string{colNumber: "INV-1", colIssued: "6 Dec 2026", colDue: "20 Dec 2026", colTotal: "¥30,000", colStatus: "Overdue", colKind: "Add funds"}
	for col, text := range want {
		if got := w.cell(r, col); got != text {
			t.Errorf("column %d: %q, want %q", col, got, text)
		}
	}
	paid := newInvoiceRow(&api.InvoiceSummary{ID: "inv_2", Kind: billing.KindService, Status: billing.InvoicePaid, Language: "en",
		Total: billing.New(500, billing.USD)})
	if got := w.cell(paid, colTotal); got != "$5.00" {
		t.Errorf("a USD total reads %q", got)
	}
	rows := w.sortRows([]*invoiceRow{r, paid}, colStatus, false)
	if rows[0] != r { // "Overdue" before "Paid"
		t.Errorf("sorted by status: %q first", w.statusOf(rows[0]))
	}
	if rows = w.sortRows(rows, colKind, true); rows[0] != paid { // "Service" after "Add funds"
		t.Errorf("sorted by kind, descending: %q first", w.kindOf(rows[0]))
	}
	// By the words shown, not by the kinds' codes (add_funds, service).
	w.addFunds, w.service = "Zahlung", "Abo"
	if rows = w.sortRows(rows, colKind, false); rows[0] != paid {
		t.Errorf("sorted by kind: %q first", w.kindOf(rows[0]))
	}
}

// The sorted column's title carries the arrow, pointing the way it sorts,
// and only that one: tapping a title moves the arrow there and tapping it
// again turns it (headers are drawn again only when they change).
func TestSortArrowFollowsTheSortedColumn(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.rec.onUI(func() {
		tab := f.shell.billing.invoices
		f.shell.win.Resize(fyne.NewSize(1024, 640))
		arrows := func() map[int]fyne.Resource {
			got := map[int]fyne.Resource{}
			for o, col := range tab.table.headers {
				if b := o.(*button); b.Icon != nil && o.Visible() {
					got[col] = b.Icon
				}
				if b := o.(*button); b.Text != tab.titles[col] {
					t.Errorf("column %d's title reads %q, want %q", col, b.Text, tab.titles[col])
				}
			}
			return got
		}
		want := func(when string, col int, icon fyne.Resource) {
			t.Helper()
			if got := arrows(); len(got) != 1 || got[col] != icon {
				t.Errorf("%s: arrows %v, want %s on column %d", when, got, icon.Name(), col)
			}
		}
		want("at first", colIssued, theme.MenuDropDownIcon())
		tab.onSort(colTotal)
		want("sorted by total", colTotal, theme.MenuDropDownIcon())
		tab.onSort(colTotal)
		want("total again", colTotal, theme.MenuDropUpIcon())
		tab.onSort(colIssued)
		want("back to the date", colIssued, theme.MenuDropDownIcon())
	})
}
