package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"billfold/api"
	"billfold/apiclient"
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
	env := stripeServer(t, stripetest.StartMock(t))
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
		deliverEvent(t, env, event)
		f.rec.until(t, "the header to show ¥5,000, the invoice paid and a notification", func() bool {
			v := f.invoice()
			return f.shell.credit.credit.Text == "¥5,000" && v.inv.Status == billing.InvoicePaid && v.waiting == nil && f.browser.notified() > 0
		})
	})
}

// TestStaffSeeACardDispute: a Stripe deposit of ¥5,000, ¥3,000 of it
// spent, then disputed by the customer's bank: the customer's page in
// the staff app shows the dispute, the ¥2,000 reversed and the ¥3,000 left
// for staff to settle.
func TestStaffSeeACardDispute(t *testing.T) {
	mock := stripetest.StartMock(t)
	env := stripeServer(t, mock)
	cust := env.NewCustomer(billing.JPY)
	cc := customerClient(t, env, cust)
	ctx := context.Background()
	inv, err := cc.AddFunds(ctx, apiclient.NewIdempotencyKey(), api.AddFundsRequest{Amount: billing.New(5_000, billing.JPY), Gateway: stripegw.ID, PolicyVersion: "2026-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := cc.Pay(ctx, apiclient.NewIdempotencyKey(), inv.ID, api.PayRequest{Gateway: stripegw.ID})
	if err != nil {
		t.Fatal(err)
	}
	session := stripetest.Session(p.ID, p.InvoiceID, p.Amount, "paid")
	deliverEvent(t, env, stripetest.NewEvent(stripegw.EventCheckoutCompleted, session))
	staff := env.NewStaff()
	env.MustJSON(env.Do("POST", "/v1/staff/customers/"+cust.ID+"/adjustments", staff.Token,
		api.AdjustmentRequest{Amount: billing.New(-3_000, billing.JPY), Reason: "Spent on a domain"}, servertest.Key()), http.StatusCreated, nil)
	deliverEvent(t, env, stripetest.NewEvent(stripegw.EventDisputeCreated, stripetest.Dispute(session["payment_intent"].(string), p.Amount, "fraudulent")))

	s, rec := openCustomer(t, env, cust, nil)
	rec.onUI(func() {
		text := dump(s.panel.account)
		for _, want := range []string{"Card disputes", inv.Number + " · ¥5,000 disputed by the bank (fraudulent); ¥2,000 of unspent credit reversed.",
			"¥3,000 was spent already: settle it with the customer."} {
			if !strings.Contains(strings.ReplaceAll(text, "\n", " "), want) {
				t.Errorf("%q not on the customer's page:\n%s", want, text)
			}
		}
	})
}

// stripeServer is a server whose gateways are stripe (against mock) and
// bank transfer.
func stripeServer(t *testing.T, mock *stripetest.Mock) *servertest.Env {
	return servertest.New(t, servertest.Backends(t)[0], func(o *server.Options) {
		bank, _ := gateway.Builtin(gateway.BankTransferID)
		o.Gateways = []gateway.Gateway{mock.Provider(t, nil, o.Logger), bank}
	})
}

// deliverEvent posts ev to the webhook, signed now as Stripe signs.
func deliverEvent(t *testing.T, env *servertest.Env, ev *stripetest.Event) {
	t.Helper()
	body, signature := ev.Signed()
	if r := env.Do("POST", "/v1/webhooks/stripe", "", body, map[string]string{"Stripe-Signature": signature}); r.Status != http.StatusOK {
		t.Fatalf("webhook %s: %d %s", ev.Type, r.Status, r.Body)
	}
}
