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
	v := checkoutView{Gateway: l.T(words.Text(c.Gateway)), Invoice: c.Invoice, Amount: billing.Format(pay.Amount),
		Card: c.Card, Challenge: c.Challenge, Lang: l, Words: pageWordsIn(l)}
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
	return checkoutView{Gateway: l.T("Checkout"), Message: l.T("This checkout link is not valid."), MessageClass: "bad",
		Lang: l, Words: pageWordsIn(l)}
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

func renderCheckout(w http.ResponseWriter, status int, v checkoutView) {
	var buf bytes.Buffer
	if err := checkoutPage.Execute(&buf, v); err != nil {
		http.Error(w, "render checkout", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
