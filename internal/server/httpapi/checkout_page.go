package httpapi

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"

	"billfold/billing"
	"billfold/internal/server/rules"
)

// The sandbox checkout's HTML page, as a PSP's hosted payment page looks:
// a card form or PayPal-style Approve and Decline buttons.

//go:embed checkout.html
var checkoutHTML string

var checkoutPage = template.Must(template.New("checkout").Parse(checkoutHTML))

type checkoutView struct {
	Gateway, Invoice, Amount string
	Message, MessageClass    string
	Open, Card, Challenge    bool
	CardNumber               string
}

// viewOf is the page of a checkout in its current state.
func viewOf(c rules.Checkout) checkoutView {
	pay := c.Payment
	v := checkoutView{Gateway: c.Gateway, Invoice: c.Invoice, Amount: billing.Format(pay.Amount), Card: c.Card, Challenge: c.Challenge}
	switch pay.State {
	case billing.PaymentAwaitingAction, billing.PaymentCreated:
		v.Open = true
		if c.Challenge {
			v.Message, v.MessageClass = "Your bank asks you to confirm this payment (3-D Secure).", "info"
		}
	case billing.PaymentSucceeded:
		v.Message, v.MessageClass = "Payment complete. Thank you!", "ok"
	case billing.PaymentProcessing:
		v.Message, v.MessageClass = "Payment is being processed.", "info"
	default:
		v.Message, v.MessageClass = "This checkout is closed: "+string(pay.State)+". "+pay.FailureReason, "bad"
	}
	return v
}

// notFoundView is the page of an unknown checkout link.
var notFoundView = checkoutView{Gateway: "Checkout", Message: "This checkout link is not valid.", MessageClass: "bad"}

func renderCheckout(w http.ResponseWriter, status int, v checkoutView) {
	var buf bytes.Buffer
	if err := checkoutPage.Execute(&buf, v); err != nil {
		http.Error(w, "render checkout", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// Never inside another site's frame, where its page could dress the
	// Approve button as something else (clickjacking); X-Frame-Options
	// for browsers without CSP frame-ancestors.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
