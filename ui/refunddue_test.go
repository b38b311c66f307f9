package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// Money a gateway still takes for an add-funds invoice that was paid
// another way is not credit: the desktop says it will be refunded, never
// "Credit added", and the invoice's payment attempts say so too. The
// invoice screen that waited for the replaced attempt stops waiting (it
// crashed when a newer attempt followed the one it waited for).
func TestMoneyTheInvoiceNoLongerNeededIsNotCalledCredit(t *testing.T) {
	f := start(t, billing.USD, "en")
	f.payFromInvoiceScreen(t, billing.New(50_00, billing.USD), "card")
	var card api.Payment
	var invoiceID string
	f.rec.onUI(func() {
		v := f.invoice()
		card, invoiceID = *v.waiting, v.inv.ID
	})
	// The customer changes their mind and pays with PayPal elsewhere.
	paypal, err := f.client.Pay(context.Background(), apiclient.NewIdempotencyKey(), invoiceID, api.PayRequest{Gateway: "paypal"})
	if err != nil {
		t.Fatal(err)
	}
	test.AssertNotificationSent(t, fyne.NewNotification("Credit added: $50.00", "Your Available Credit has been updated."), func() {
		resp, err := http.PostForm(paypal.NextAction.URL, url.Values{"action": {"approve"}})
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("PayPal checkout: %v %v", err, resp)
		}
		resp.Body.Close()
		f.rec.until(t, "the credit and its notification", func() bool {
			return f.shell.credit.credit.Text == "$50.00" && f.browser.notified() == 1
		})
	})
	// The card's capture of the replaced attempt arrives all the same.
	test.AssertNotificationSent(t, fyne.NewNotification("Payment received: $50.00",
		"The invoice no longer needed it, so it was not added to your credit: it will be refunded to you."), func() {
		body, _ := json.Marshal(api.Webhook{EventID: "evt_late_card", PaymentID: card.ID, Outcome: "succeeded"})
		f.env.MustJSON(f.env.Do("POST", "/v1/webhooks/sandbox", "", body, map[string]string{"Billfold-Signature": f.env.Server.SignWebhook(body)}), http.StatusOK, nil)
		f.rec.until(t, "the late capture's notification", func() bool { return f.browser.notified() == 2 })
	})
	f.rec.until(t, "the attempt listed as owed back", func() bool {
		for _, o := range f.invoice().details.payments.Objects {
			if l := o.(*wrapLabel); l.Visible() && strings.Contains(l.Text, "$50.00 not credited: to be refunded") {
				return true
			}
		}
		return false
	})
	f.rec.onUI(func() {
		if f.invoice().waiting != nil {
			t.Fatal("still waiting for the replaced card attempt")
		}
		if got := f.shell.credit.credit.Text; got != "$50.00" {
			t.Fatalf("credit %s after the late capture, want $50.00", got)
		}
	})
}

// A deposit that arrives when credit booked meanwhile (here staff's) has
// used the room under the balance cap is credited up to the cap; the
// desktop says how much was not, and why, in the notification and on the
// invoice.
func TestADepositPastTheCapSaysWhatIsRefunded(t *testing.T) {
	f := start(t, billing.JPY, "en")
	adjust(t, f, billing.New(500_000, billing.JPY), "Opening balance")
	f.payFromInvoiceScreen(t, billing.New(500_000, billing.JPY), "card")
	var card api.Payment
	f.rec.onUI(func() { card = *f.invoice().waiting })
	adjust(t, f, billing.New(1_000, billing.JPY), "Goodwill")
	const why = "¥1,000 of it would have taken your credit past its limit, so it was not added: it will be refunded to you."
	test.AssertNotificationSent(t, fyne.NewNotification("Payment received: ¥500,000", why), func() {
		resp, err := http.PostForm(card.NextAction.URL, url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}})
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("card checkout: %v %v", err, resp)
		}
		resp.Body.Close()
		f.rec.until(t, "the credit at the cap and the notification", func() bool {
			return f.shell.credit.credit.Text == "¥1,000,000" && f.browser.notified() >= 1
		})
	})
	f.rec.until(t, "the invoice saying so", func() bool { return strings.Contains(f.invoice().message.Text, why) })
}
