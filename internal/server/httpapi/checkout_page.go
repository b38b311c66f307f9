package httpapi

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"

	"billfold/billing"
	"billfold/internal/server/rules"
	"billfold/internal/server/words"
)

// The sandbox checkout's HTML page, as a PSP's hosted payment page looks:
// a card form or PayPal-style Approve and Decline buttons, in the language
// the browser asks for (or the lang= of the link, which the app sets to
// its own).

//go:embed checkout.html
var checkoutHTML string

var checkoutPage = template.Must(template.New("checkout").Parse(checkoutHTML))

type checkoutView struct {
	Title                    string
	Sandbox                  bool
	Footer                   string // under a closed checkout
	Gateway, Invoice, Amount string
	Message, MessageClass    string
	Open, Card, Challenge    bool
	CardNumber               string
	Lang                     words.Lang
	Words                    pageWords
}

// pageWords are the page's fixed texts, in the view's language.
type pageWords struct {
	Title, Sandbox, CardNumber, ChallengeCode, Pay, LogInAndPay, Cancel string
	TestCards, Succeeds, ThreeDS, Declined, Close                       string
}

func pageWordsIn(l words.Lang) pageWords {
	return pageWords{
		Title: l.T("Sandbox checkout"), Sandbox: l.T("SANDBOX — no real money moves"),
		CardNumber: l.T("Card number"), ChallengeCode: l.T("3-D Secure code from your bank"),
		Pay: l.T("Pay"), LogInAndPay: l.T("Log in and pay"), Cancel: l.T("Cancel"),
		TestCards: l.T("Test cards"), Succeeds: l.T("succeeds"), ThreeDS: l.T("3-D Secure (code 123456)"),
		Declined: l.T("declined"), Close: l.T("You can close this window and return to Billfold."),
	}
}

// viewOf is the page of a checkout in its current state, in l.
func viewOf(c rules.Checkout, l words.Lang) checkoutView {
	pay := c.Payment
	v := sandboxView(checkoutView{Gateway: l.T(words.Text(c.Gateway)), Invoice: c.Invoice, Amount: billing.Format(pay.Amount),
		Card: c.Card, Challenge: c.Challenge}, l)
	switch pay.State {
	case billing.PaymentAwaitingAction, billing.PaymentCreated:
		v.Open = true
		if c.Challenge {
			v.Message, v.MessageClass = l.T("Your bank asks you to confirm this payment (3-D Secure)."), "info"
		}
	case billing.PaymentSucceeded:
		v.Message, v.MessageClass = l.T("Payment complete. Thank you!"), "ok"
	case billing.PaymentProcessing:
		v.Message, v.MessageClass = l.T("Payment is being processed."), "info"
	default:
		v.Message = words.M("This checkout is closed: %s. %s", words.State(pay.State), words.Text(pay.FailureReason)).In(l)
		v.MessageClass = "bad"
	}
	return v
}

// notFoundView is the page of an unknown checkout link, in l.
func notFoundView(l words.Lang) checkoutView {
	return sandboxView(checkoutView{Gateway: l.T("Checkout"), Message: l.T("This checkout link is not valid."), MessageClass: "bad"}, l)
}

// sandboxView is v as the sandbox checkout shows it, in l.
func sandboxView(v checkoutView, l words.Lang) checkoutView {
	v.Lang, v.Words, v.Sandbox = l, pageWordsIn(l), true
	v.Title = v.Gateway + " · " + v.Words.Title
	v.Footer = v.Words.Close
	return v
}

// checkoutLanguage is the language of r's checkout page: the link's
// lang= when it names one the server speaks, else Accept-Language's.
func checkoutLanguage(w http.ResponseWriter, r *http.Request) words.Lang {
	l := speak(w, r)
	if q := r.URL.Query().Get("lang"); q != "" {
		l = words.Negotiate(q)
		w.Header().Set("Content-Language", string(l))
	}
	return l
}

// returnView is the page a provider's checkout sends the browser back to,
// after paying (rules.CheckoutDonePath) or going back (cancelled), in l.
// It shows no payment: the browser carries no session, and the app learns
// the outcome from the provider's webhook.
func returnView(path string, l words.Lang) checkoutView {
	v := checkoutView{Lang: l, Gateway: "Billfold", Words: pageWordsIn(l)}
	if path == rules.CheckoutDonePath {
		v.Title, v.MessageClass = l.T("Payment sent — Billfold"), "ok"
		v.Message = l.T("Thank you. Billfold shows your payment as soon as the payment provider confirms it, usually within seconds.")
		v.Footer = v.Words.Close
		return v
	}
	v.Title, v.MessageClass = l.T("Payment cancelled — Billfold"), "info"
	v.Message = l.T("The payment was cancelled and nothing was charged.")
	v.Footer = l.T("Return to Billfold to try again or to pay another way.")
	return v
}

// handleCheckoutReturn shows the page the provider's checkout returns to,
// in the browser's language.
func (h *Handler) handleCheckoutReturn(w http.ResponseWriter, r *http.Request) {
	renderCheckout(w, http.StatusOK, returnView(r.URL.Path, speak(w, r)))
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
