package ui

import (
	"context"
	"slices"
	"testing"

	"fyne.io/fyne/v2"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// The invoice screen builds its widgets once: the header's refresh and an
// event for the open invoice update the values, and keep what the user is
// editing — an Apply Credit amount of their own, the gateway they chose.
func TestInvoiceReloadKeepsWhatTheUserIsEditing(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.voucherCredit(t, "WELCOME1000", 1_000)
	ctx := context.Background()
	inv := f.serviceInvoice(t, 3_000)
	f.rec.until(t, "the voucher's credit in the header", func() bool { return f.shell.credit.credit.Text == "¥1,000" })
	f.openInvoice(t, inv)
	v := f.invoice()
	var chosen string
	f.rec.onUI(func() {
		if v.creditEntry.Text != "1000" || !v.creditCard.Visible() {
			t.Fatalf("Apply Credit prefilled with %q (shown %v), want 1000", v.creditEntry.Text, v.creditCard.Visible())
		}
		v.creditEntry.SetText("123")
		chosen = v.gateway.Options[len(v.gateway.Options)-1]
		if chosen == v.gateway.Selected {
			chosen = v.gateway.Options[0]
		}
		v.gateway.SetSelected(chosen)
	})

	// The header's refresh, then an event for the open invoice: a payment
	// attempt made elsewhere (another device).
	fetched := f.rec.mark(TaskInvoice)
	f.rec.onUI(f.shell.onRefresh)
	f.rec.wait(t, TaskInvoice, fetched)
	if _, err := f.client.Pay(ctx, apiclient.NewIdempotencyKey(), inv.ID, api.PayRequest{Gateway: "card"}); err != nil {
		t.Fatal(err)
	}
	f.rec.until(t, "the attempt on the invoice screen", func() bool { return len(v.inv.Payments) == 1 })
	f.rec.onUI(func() {
		if f.invoice() != v {
			t.Fatal("the invoice screen was replaced")
		}
		if !slices.Contains(shown(v.object()), fyne.CanvasObject(v.creditEntry)) {
			t.Fatal("the Apply Credit amount on screen is not the entry the user typed in")
		}
		if v.creditEntry.Text != "123" || v.gateway.Selected != chosen {
			t.Fatalf("after reloads: Apply Credit amount %q (typed 123), gateway %q (chose %q)", v.creditEntry.Text, v.gateway.Selected, chosen)
		}
		if !v.details.payments.Objects[0].Visible() {
			t.Fatal("the new payment attempt is not listed")
		}
	})

	// Applying it clears the user's amount; the next prefill follows the
	// new figures (¥877 of credit left, ¥3,177 due).
	applied := f.rec.mark(TaskApplyCredit)
	f.rec.onUI(func() {
		v.onApplyCredit()
		confirm(t, f.shell.win, "Apply Credit")
	})
	f.rec.wait(t, TaskApplyCredit, applied)
	f.rec.onUI(func() {
		if v.inv.BalanceDue.Amount != 3_177 || v.creditEntry.Text != "877" {
			t.Fatalf("after applying ¥123: due %v, prefilled %q", v.inv.BalanceDue, v.creditEntry.Text)
		}
	})
}

// A line without consumption tax says so in words the deposit's own line
// uses ("not taxable"); English showed "none" under Tax.
func TestUntaxedLineSaysNotTaxable(t *testing.T) {
	t.Cleanup(func() { _ = LoadTranslations("en") })
	for l, want := range map[string]string{"en": "not taxable", "ja": "対象外"} {
		if err := LoadTranslations(l); err != nil {
			t.Fatal(err)
		}
		if got := taxRateText(0); got != want {
			t.Errorf("%s: %q, want %q", l, got, want)
		}
	}
}
