package ui

import (
	"net/http"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/gateway"
	"billfold/internal/server/gateway/stripegw"
	"billfold/internal/server/gateway/stripegw/stripetest"
	"billfold/internal/server/servertest"
)

// TestCardPaymentThroughStripe: a customer of a server that takes cards
// through Stripe (stripe-mock stands in for Stripe's API) pays an
// add-funds invoice: Pay Now opens Stripe's Checkout page in the browser,
// and Stripe's signed checkout.session.completed event, delivered to the
// webhook, credits the account; the header, the invoice and a
// notification say so, as with any gateway.
func TestCardPaymentThroughStripe(t *testing.T) {
	mock := stripetest.StartMock(t)
	env := servertest.New(t, servertest.Backends(t)[0], func(o *server.Options) {
		bank, _ := gateway.Builtin(gateway.BankTransferID)
		o.Gateways = []gateway.Gateway{mock.Provider(t, nil, o.Logger), bank}
	})
	f := startOn(t, env, billing.JPY, "en", nil)
	f.payFromInvoiceScreen(t, billing.New(5_000, billing.JPY), stripegw.ID)
	if u := f.browser.next(t); u.Scheme != "https" || u.Host != "checkout.stripe.com" {
		t.Fatalf("opened %s, want Stripe Checkout", u)
	}
	var p api.Payment
	f.rec.onUI(func() {
		v := f.invoice()
		if v.waiting == nil || v.waiting.State != billing.PaymentAwaitingAction {
			t.Fatal("not waiting for Stripe Checkout")
		}
		p = *v.waiting
	})
	event := stripetest.NewEvent(stripegw.EventCheckoutCompleted, stripetest.Session(p.ID, p.InvoiceID, p.Amount, "paid"))
	test.AssertNotificationSent(t, fyne.NewNotification("Credit added: ¥5,000", "Your Available Credit has been updated."), func() {
		body, signature := event.Signed()
		r := env.Do("POST", "/v1/webhooks/stripe", "", body, map[string]string{"Stripe-Signature": signature})
		if r.Status != http.StatusOK {
			t.Fatalf("webhook: %d %s", r.Status, r.Body)
		}
		f.rec.until(t, "the header to show ¥5,000, the invoice paid and a notification", func() bool {
			v := f.invoice()
			return f.shell.credit.credit.Text == "¥5,000" && v.inv.Status == billing.InvoicePaid && v.waiting == nil && f.browser.notified() > 0
		})
	})
}
