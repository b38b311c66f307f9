package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"billfold/billing"
)

// The Billing section holds only the tab it shows: a tab behind is neither
// laid out nor refreshed with it. All three in one stack cost the main
// window's first layout 7 of its 8 ms at start-up, for two tabs nobody saw
// yet, and made every refresh of the section refresh them too.
func TestBillingLaysOutOnlyTheShownTab(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.rec.onUI(func() {
		b := f.shell.billing
		f.shell.win.Resize(fyne.NewSize(1024, 640))
		if b.invoices.object().Size().IsZero() {
			t.Fatal("the Invoices tab was not laid out")
		}
		for name, tab := range map[string]screen{"Add Funds": b.addFunds, "Transactions": b.transactions} {
			if !tab.object().Size().IsZero() {
				t.Errorf("the %s tab was laid out while Invoices showed", name)
			}
		}
		b.selectTab(1)
		if b.addFunds.object().Size().IsZero() {
			t.Error("the Add Funds tab was not laid out once chosen")
		}
	})
}
