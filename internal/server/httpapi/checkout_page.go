package httpapi

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"strings"

	"billfold/billing"
	"billfold/internal/server/rules"
)

// The sandbox checkout's HTML page, as a PSP's hosted payment page looks:
// a card form or PayPal-style Approve and Decline buttons.

//go:embed checkout.html
var checkoutHTML string

var checkoutPage = template.Must(template.New("checkout").Parse(checkoutHTML))

type checkoutView struct {
	Lang, Title              string
	Sandbox                  bool
	Footer                   string // under a closed checkout
	Gateway, Invoice, Amount string
	Message, MessageClass    string
	Open, Card, Challenge    bool
	CardNumber               string
}

// viewOf is the page of a checkout in its current state.
func viewOf(c rules.Checkout) checkoutView {
	pay := c.Payment
	v := sandboxView(checkoutView{Gateway: c.Gateway, Invoice: c.Invoice, Amount: billing.Format(pay.Amount), Card: c.Card, Challenge: c.Challenge})
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
var notFoundView = sandboxView(checkoutView{Gateway: "Checkout", Message: "This checkout link is not valid.", MessageClass: "bad"})

// sandboxView is v as the sandbox checkout shows it, in English.
func sandboxView(v checkoutView) checkoutView {
	v.Lang, v.Title, v.Sandbox = "en", v.Gateway+" sandbox checkout", true
	v.Footer = "You can close this window and return to Billfold."
	return v
}

// returnViews are the pages a provider's checkout sends the browser back
// to, after paying (done) or going back (cancelled), in English and
// Japanese. They show no payment: the browser carries no session, and the
// app learns the outcome from the provider's webhook.
var returnViews = map[string]map[bool]checkoutView{
	rules.CheckoutDonePath: {
		false: {Lang: "en", Title: "Payment sent — Billfold", Gateway: "Billfold", MessageClass: "ok",
			Message: "Thank you. Billfold shows your payment as soon as the payment provider confirms it, usually within seconds.",
			Footer:  "You can close this window and return to Billfold."},
		true: {Lang: "ja", Title: "お支払い手続き完了 — Billfold", Gateway: "Billfold", MessageClass: "ok",
			Message: "ありがとうございます。決済代行会社から確認が届きしだい、Billfold にお支払いが反映されます（通常は数秒です）。",
			Footer:  "このウィンドウを閉じて Billfold にお戻りください。"},
	},
	rules.CheckoutCancelledPath: {
		false: {Lang: "en", Title: "Payment cancelled — Billfold", Gateway: "Billfold", MessageClass: "info",
			Message: "The payment was cancelled and nothing was charged.",
			Footer:  "Return to Billfold to try again or to pay another way."},
		true: {Lang: "ja", Title: "お支払いのキャンセル — Billfold", Gateway: "Billfold", MessageClass: "info",
			Message: "お支払いはキャンセルされました。料金は請求されていません。",
			Footer:  "Billfold に戻り、もう一度お試しいただくか、別の方法でお支払いください。"},
	},
}

// handleCheckoutReturn shows the page the provider's checkout returns to,
// in Japanese when the browser prefers it.
func (h *Handler) handleCheckoutReturn(w http.ResponseWriter, r *http.Request) {
	ja := strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "ja")
	renderCheckout(w, http.StatusOK, returnViews[r.URL.Path][ja])
}

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
