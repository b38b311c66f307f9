package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server"
)

// Markup goldens of the main screens (testdata/*.xml), rendered with
// fyne's test theme: its colours are all distinct, so each is named
// unambiguously in the markup, and its Latin font is bundled, so English
// text sizes do not depend on the machine's fonts. To
// update after an intended change: run the test, inspect
// testdata/failed/*.xml, and copy them over.
func TestGoldenScreens(t *testing.T) {
	f := start(t, billing.JPY, "en")
	ctx := context.Background()
	issued := time.Date(2026, 10, 1, 9, 0, 0, 0, time.Local)
	for i, lines := range [][]server.ServiceLine{
		{{Description: "VPS Standard 4 GB", Quantity: 1, UnitPrice: 3_300, TaxRate: 10}},
		{{Description: "VPS Standard 4 GB", Quantity: 1, UnitPrice: 3_300, TaxRate: 10}, {Description: "Office water", Quantity: 2, UnitPrice: 1_080, TaxRate: 8}},
	} {
		at := issued.AddDate(0, i, 0)
		if _, err := f.env.Server.IssueServiceInvoice(ctx, f.user.ID, at, at.AddDate(0, 0, 14), lines); err != nil {
			t.Fatal(err)
		}
	}
	var rows []*invoiceRow
	for inv, err := range f.client.AllInvoices(ctx, apiclient.InvoiceQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		inv.Overdue = false // the golden must not depend on today's date
		rows = append(rows, newInvoiceRow(&inv))
	}
	onUI(func() {
		f.app.deps.App.Settings().SetTheme(test.Theme())
		tab := newInvoicesTab(f.app, func(api.Invoice) {})
		tab.setRows(rows)
		w := test.NewWindow(tab.object())
		defer w.Close()
		w.Resize(fyne.NewSize(860, 320))
		test.AssertRendersToMarkup(t, "invoices.xml", w.Canvas())

		af := newAddFundsTab(f.app, func(api.Invoice) {})
		af.configLoaded()
		af.summaryChanged()
		af.amount.SetText("500")
		w2 := test.NewWindow(af.object())
		defer w2.Close()
		w2.Resize(fyne.NewSize(860, 900))
		test.AssertRendersToMarkup(t, "addfunds.xml", w2.Canvas())
	})
}
