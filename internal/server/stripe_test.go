package server_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/gateway"
	"billfold/internal/server/gateway/stripegw"
	"billfold/internal/server/gateway/stripegw/stripetest"
	"billfold/internal/server/servertest"
)

// The Stripe gateway end to end: the real server with the stripe gateway
// enabled, stripe-mock (Stripe's official mock) serving the API, and
// webhook events the tests sign with the endpoint's secret as Stripe does.

// withStripe enables the stripe and bank transfer gateways against mock,
// sending Stripe's requests through client (nil: the library's own).
func withStripe(t testing.TB, mock *stripetest.Mock, client *http.Client) func(*server.Options) {
	return func(o *server.Options) {
		bank, _ := gateway.Builtin(gateway.BankTransferID)
		o.Gateways = []gateway.Gateway{mock.Provider(t, client, o.Logger), bank}
	}
}

// stripeEnv starts a server with Stripe on backend b.
func stripeEnv(t *testing.T, b servertest.Backend, mock *stripetest.Mock) *servertest.Env {
	return stripeEnvWith(t, b, mock, nil)
}

func stripeEnvWith(t *testing.T, b servertest.Backend, mock *stripetest.Mock, client *http.Client) *servertest.Env {
	e := servertest.New(t, b, withStripe(t, mock, client))
	t.Cleanup(func() {
		for _, secret := range []string{stripetest.SecretKey, stripetest.WebhookSecret, "Billfold0123456789abcdef", "BillfoldTest0123456789abcdef"} {
			if strings.Contains(e.Logs.String(), secret) {
				t.Errorf("a Stripe secret reached the server's log")
			}
		}
	})
	return e
}

// deliver posts a webhook body with its Stripe-Signature as Stripe would.
func deliver(e *servertest.Env, body []byte, signature string) servertest.Response {
	e.T.Helper()
	return e.Do("POST", "/v1/webhooks/stripe", "", body, map[string]string{"Stripe-Signature": signature})
}

// send signs ev now and delivers it.
func send(e *servertest.Env, ev *stripetest.Event) servertest.Response {
	e.T.Helper()
	body, sig := ev.Signed()
	return deliver(e, body, sig)
}

// sessionEvent is a signed event about the checkout of p.
func sessionEvent(typ string, p api.Payment, paymentStatus string) *stripetest.Event {
	return stripetest.NewEvent(typ, stripetest.Session(p.ID, p.InvoiceID, p.Amount, paymentStatus))
}

func wantAck(t testing.TB, e *servertest.Env, r servertest.Response, status string) {
	t.Helper()
	var ack api.WebhookAck
	e.MustJSON(r, http.StatusOK, &ack)
	if ack.Status != status {
		t.Fatalf("webhook answered %q, want %q", ack.Status, status)
	}
}

// stripeDeposit adds funds through Stripe and opens the checkout.
func stripeDeposit(t *testing.T, e *servertest.Env, c servertest.Customer, amount int64) (api.Invoice, api.Payment) {
	t.Helper()
	inv := addFunds(t, e, c, amount, stripegw.ID)
	p := pay(t, e, c, inv.ID, stripegw.ID)
	if p.State != billing.PaymentAwaitingAction || p.NextAction.Type != api.ActionRedirect ||
		!strings.HasPrefix(p.NextAction.URL, "https://checkout.stripe.com/") || p.Amount.Amount != amount {
		t.Fatalf("stripe payment: %+v", p)
	}
	return inv, p
}

func TestStripeCheckoutCreditsOnceAndReplaysAreDuplicates(t *testing.T) {
	mock := stripetest.StartMock(t)
	each(t, func(t *testing.T, b servertest.Backend) {
		e := stripeEnv(t, b, mock)
		for _, tc := range []struct {
			currency billing.Currency
			amount   int64
		}{{billing.JPY, 10_000}, {billing.USD, 12_34}} { // ¥10,000 and $12.34: minor units both sides
			c := e.NewCustomer(tc.currency)
			var cfg api.Config
			e.MustJSON(e.Do("GET", "/v1/billing/config", c.Token, nil, nil), http.StatusOK, &cfg)
			if cfg.Gateways[0].ID != stripegw.ID || cfg.Gateways[0].Kind != api.GatewayRedirect {
				t.Fatalf("gateways %+v", cfg.Gateways)
			}
			inv, p := stripeDeposit(t, e, c, tc.amount)
			if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 0 {
				t.Fatalf("credit before the webhook: %+v", s.AvailableCredit)
			}
			body, sig := sessionEvent(stripegw.EventCheckoutCompleted, p, "paid").Signed()
			wantAck(t, e, deliver(e, body, sig), "processed")
			wantAck(t, e, deliver(e, body, sig), "duplicate") // Stripe delivers again after a lost answer
			var got api.Invoice
			e.MustJSON(e.Do("GET", "/v1/invoices/"+inv.ID, c.Token, nil, nil), http.StatusOK, &got)
			if got.Status != billing.InvoicePaid || got.Payments[0].State != billing.PaymentSucceeded || got.Payments[0].NextAction.Type != api.ActionNone {
				t.Fatalf("invoice after the webhook: %+v", got)
			}
			entries := checkLedger(t, e, c.Token)
			if len(entries) != 1 || entries[0].Amount != p.Amount || entries[0].PaymentID != p.ID || entries[0].Actor != "gateway:stripe" {
				t.Fatalf("ledger: %+v", entries)
			}
		}
	})
}

func TestStripeSameEventTenTimesAtOnceCreditsOnce(t *testing.T) {
	mock := stripetest.StartMock(t)
	each(t, func(t *testing.T, b servertest.Backend) {
		e := stripeEnv(t, b, mock)
		c := e.NewCustomer(billing.JPY)
		_, p := stripeDeposit(t, e, c, 7_000)
		body, sig := sessionEvent(stripegw.EventCheckoutCompleted, p, "paid").Signed()
		acks := make([]api.WebhookAck, 10)
		parallel(len(acks), func(i int) { e.MustJSON(deliver(e, body, sig), http.StatusOK, &acks[i]) })
		processed := 0
		for _, a := range acks {
			if a.Status == "processed" {
				processed++
			}
		}
		if processed != 1 {
			t.Fatalf("acks %+v: %d processed, want 1", acks, processed)
		}
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 7_000 {
			t.Fatalf("credit %+v", s.AvailableCredit)
		}
		checkLedger(t, e, c.Token)
	})
}

// TestStripeRefusesForgedStaleAndMismatchedEvents: each is 400 and credits
// nothing, so that the genuine event afterwards is still news.
func TestStripeRefusesForgedStaleAndMismatchedEvents(t *testing.T) {
	mock := stripetest.StartMock(t)
	each(t, func(t *testing.T, b servertest.Backend) {
		e := stripeEnv(t, b, mock)
		c := e.NewCustomer(billing.JPY)
		_, p := stripeDeposit(t, e, c, 5_000)
		good := sessionEvent(stripegw.EventCheckoutCompleted, p, "paid")
		body := good.JSON()
		short := stripetest.NewEvent(stripegw.EventCheckoutCompleted,
			stripetest.With(stripetest.Session(p.ID, p.InvoiceID, p.Amount, "paid"), map[string]any{"amount_total": 500}))
		dollars := stripetest.NewEvent(stripegw.EventCheckoutCompleted,
			stripetest.With(stripetest.Session(p.ID, p.InvoiceID, p.Amount, "paid"), map[string]any{"currency": "usd"}))
		otherInvoice := stripetest.NewEvent(stripegw.EventCheckoutCompleted, stripetest.Session(p.ID, "inv_other", p.Amount, "paid"))
		for name, tc := range map[string]struct {
			body  []byte
			sig   string
			field string
		}{
			"another secret":  {body, stripetest.Sign(body, "whsec_attacker", time.Now()), "Stripe-Signature"},
			"no signature":    {body, "", "Stripe-Signature"},
			"six minutes old": {body, stripetest.Sign(body, stripetest.WebhookSecret, time.Now().Add(-6*time.Minute)), "Stripe-Signature"},
			"a tenth paid":    {short.JSON(), stripetest.Sign(short.JSON(), stripetest.WebhookSecret, time.Now()), "amount_total"},
			"dollars for yen": {dollars.JSON(), stripetest.Sign(dollars.JSON(), stripetest.WebhookSecret, time.Now()), "currency"},
			"another invoice": {otherInvoice.JSON(), stripetest.Sign(otherInvoice.JSON(), stripetest.WebhookSecret, time.Now()), "metadata.billfold_invoice_id"},
			"tampered amount": {[]byte(strings.Replace(string(body), `"amount_total":5000`, `"amount_total":50000`, 1)), stripetest.Sign(body, stripetest.WebhookSecret, time.Now()), "Stripe-Signature"},
		} {
			t.Run(name, func(t *testing.T) {
				pr := wantProblem(t, deliver(e, tc.body, tc.sig), http.StatusBadRequest, api.CodeValidation)
				if len(pr.Errors) == 0 || pr.Errors[0].Field != tc.field {
					t.Errorf("problem %+v, want field %s", pr, tc.field)
				}
				if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 0 {
					t.Fatalf("credited: %+v", s.AvailableCredit)
				}
			})
		}
		if !strings.Contains(e.Logs.String(), "provider event does not match its payment") {
			t.Error("a mismatched event left no log line")
		}
		wantAck(t, e, send(e, good), "processed")
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 5_000 {
			t.Fatalf("credit after the genuine event: %+v", s.AvailableCredit)
		}
	})
}

// TestStripeDisputeReversesOnlyUnspentCredit: ¥10,000 deposited, ¥7,000
// of it spent on an invoice, then the whole charge disputed: ¥3,000 is
// reversed (the balance stops at zero), ¥7,000 is left for staff, who see
// the dispute; the same dispute again changes nothing.
func TestStripeDisputeReversesOnlyUnspentCredit(t *testing.T) {
	mock := stripetest.StartMock(t)
	each(t, func(t *testing.T, b servertest.Backend) {
		e := stripeEnv(t, b, mock)
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		_, p := stripeDeposit(t, e, c, 10_000)
		session := stripetest.Session(p.ID, p.InvoiceID, p.Amount, "paid")
		body, sig := stripetest.NewEvent(stripegw.EventCheckoutCompleted, session).Signed()
		wantAck(t, e, deliver(e, body, sig), "processed")
		id := serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 7_000, TaxRate: 0})
		var res api.ApplyCreditResult
		e.MustJSON(e.Do("POST", "/v1/invoices/"+id+"/apply-credit", c.Token, api.ApplyCreditRequest{Amount: billing.New(7_000, billing.JPY)}, servertest.Key()), http.StatusOK, &res)

		// A dispute of another charge, or of more than was paid, moves nothing.
		wantAck(t, e, send(e, stripetest.NewEvent(stripegw.EventDisputeCreated, stripetest.Dispute("pi_unknown", p.Amount, "fraudulent"))), "ignored")
		pi := session["payment_intent"].(string)
		wantProblem(t, send(e, stripetest.NewEvent(stripegw.EventDisputeCreated, stripetest.Dispute(pi, billing.New(10_001, billing.JPY), "fraudulent"))), http.StatusBadRequest, api.CodeValidation)

		dispute := stripetest.Dispute(pi, p.Amount, "fraudulent")
		ev := stripetest.NewEvent(stripegw.EventDisputeCreated, dispute)
		body, sig = ev.Signed()
		wantAck(t, e, deliver(e, body, sig), "processed")
		wantAck(t, e, deliver(e, body, sig), "duplicate")
		wantAck(t, e, send(e, stripetest.NewEvent(stripegw.EventDisputeCreated, dispute)), "duplicate") // another event, same dispute

		entries := checkLedger(t, e, c.Token)
		last := entries[0]
		if len(entries) != 3 || last.Kind != billing.LedgerReversal || last.Amount.Amount != -3_000 || last.BalanceAfter.Amount != 0 ||
			last.Reference != dispute["id"] || last.PaymentID != p.ID {
			t.Fatalf("ledger: %+v", entries)
		}
		var disputes api.DisputePage
		e.MustJSON(e.Do("GET", "/v1/staff/disputes?customer_id="+c.ID, staff.Token, nil, nil), http.StatusOK, &disputes)
		if len(disputes.Items) != 1 {
			t.Fatalf("disputes: %+v", disputes)
		}
		d := disputes.Items[0]
		if d.ID != dispute["id"] || d.PaymentID != p.ID || d.Amount.Amount != 10_000 || d.Reversed.Amount != 3_000 || d.Unrecovered.Amount != 7_000 ||
			d.EntryID != last.ID || d.Reason != "fraudulent" || d.InvoiceNumber == "" || d.CustomerName == "" {
			t.Fatalf("dispute: %+v", d)
		}
		var audit api.AuditPage
		e.MustJSON(e.Do("GET", "/v1/staff/audit?customer_id="+c.ID, staff.Token, nil, nil), http.StatusOK, &audit)
		found := false
		for _, a := range audit.Items {
			found = found || (a.Action == "payment.dispute" && strings.Contains(a.Detail, "¥7,000 already spent"))
		}
		if !found {
			t.Fatalf("the dispute is not in the audit trail: %+v", audit.Items)
		}
	})
}

// TestStripeWebhookAfterARestart: the session is opened by one server
// process, the webhook reaches the next one, which has only the database.
func TestStripeWebhookAfterARestart(t *testing.T) {
	mock := stripetest.StartMock(t)
	each(t, func(t *testing.T, b servertest.Backend) {
		e := stripeEnv(t, b, mock)
		c := e.NewCustomer(billing.JPY)
		_, p := stripeDeposit(t, e, c, 3_000)
		e.Restart()
		wantAck(t, e, send(e, sessionEvent(stripegw.EventCheckoutCompleted, p, "paid")), "processed")
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 3_000 {
			t.Fatalf("credit after the restart: %+v", s.AvailableCredit)
		}
		checkLedger(t, e, c.Token)
	})
}

// TestStripeAsynchronousAndFailedPayments: a konbini-style payment is
// processing until async_payment_succeeded; async_payment_failed and an
// expired session fail their attempts; a payment taken after the invoice
// was cancelled is still credited.
func TestStripeAsynchronousAndFailedPayments(t *testing.T) {
	mock := stripetest.StartMock(t)
	each(t, func(t *testing.T, b servertest.Backend) {
		e := stripeEnv(t, b, mock)
		c := e.NewCustomer(billing.JPY)
		inv, p := stripeDeposit(t, e, c, 4_000)
		wantAck(t, e, send(e, sessionEvent(stripegw.EventCheckoutCompleted, p, "unpaid")), "processed")
		if st := paymentState(t, e, c, p.ID); st != billing.PaymentProcessing {
			t.Fatalf("after checkout with an asynchronous method: %s", st)
		}
		e.Clock.Advance(2 * time.Hour) // past the session's expiry: still processing, not expired
		c.Token = e.SignIn(c.Email, c.Password).AccessToken
		wantAck(t, e, send(e, sessionEvent(stripegw.EventCheckoutAsyncSucceeded, p, "paid")), "processed")
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 4_000 {
			t.Fatalf("credit: %+v", s.AvailableCredit)
		}

		for _, typ := range []string{stripegw.EventCheckoutAsyncFailed, stripegw.EventCheckoutExpired} {
			inv, p := stripeDeposit(t, e, c, 2_000)
			wantAck(t, e, send(e, sessionEvent(typ, p, map[bool]string{true: "expired", false: "unpaid"}[typ == stripegw.EventCheckoutExpired])), "processed")
			if st := paymentState(t, e, c, p.ID); st != billing.PaymentFailed {
				t.Fatalf("%s: payment %s", typ, st)
			}
			e.MustJSON(e.Do("POST", "/v1/invoices/"+inv.ID+"/cancel", c.Token, nil, nil), http.StatusOK, nil)
		}

		// Cancelled while the customer was on Stripe's page, then paid.
		inv, p = stripeDeposit(t, e, c, 1_500)
		e.MustJSON(e.Do("POST", "/v1/invoices/"+inv.ID+"/cancel", c.Token, nil, nil), http.StatusOK, nil)
		wantAck(t, e, send(e, sessionEvent(stripegw.EventCheckoutCompleted, p, "paid")), "processed")
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 5_500 {
			t.Fatalf("credit after paying a cancelled invoice: %+v", s.AvailableCredit)
		}
		checkLedger(t, e, c.Token)
	})
}

// TestStripeUnreachableOpensNothing: Pay Now while Stripe cannot be
// reached is 502 gateway_error; no payment is recorded, and the same key
// works once Stripe is back.
func TestStripeUnreachableOpensNothing(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := stripeEnv(t, b, &stripetest.Mock{URL: "http://127.0.0.1:1"})
		c := e.NewCustomer(billing.JPY)
		inv := addFunds(t, e, c, 2_000, stripegw.ID)
		key := servertest.Key()
		pr := wantProblem(t, e.Do("POST", "/v1/invoices/"+inv.ID+"/payments", c.Token, api.PayRequest{Gateway: stripegw.ID}, key), http.StatusBadGateway, api.CodeGatewayError)
		if strings.Contains(pr.Detail, "sk_") || strings.Contains(pr.Detail, "127.0.0.1") {
			t.Errorf("detail says too much: %q", pr.Detail)
		}
		var got api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+inv.ID, c.Token, nil, nil), http.StatusOK, &got)
		if len(got.Payments) != 0 {
			t.Fatalf("payments after a failed checkout: %+v", got.Payments)
		}
	})
}

// TestStripePayRetriedWithTheSameKeyReplays: a retry of Pay Now replays
// the first answer without asking Stripe for a second session.
func TestStripePayRetriedWithTheSameKeyReplays(t *testing.T) {
	mock := stripetest.StartMock(t)
	each(t, func(t *testing.T, b servertest.Backend) {
		calls := &countingTransport{}
		e := stripeEnvWith(t, b, mock, &http.Client{Transport: calls, Timeout: time.Minute})
		c := e.NewCustomer(billing.JPY)
		inv := addFunds(t, e, c, 2_000, stripegw.ID)
		key := servertest.Key()
		var first, second api.Payment
		e.MustJSON(e.Do("POST", "/v1/invoices/"+inv.ID+"/payments", c.Token, api.PayRequest{Gateway: stripegw.ID}, key), http.StatusCreated, &first)
		r := e.Do("POST", "/v1/invoices/"+inv.ID+"/payments", c.Token, api.PayRequest{Gateway: stripegw.ID}, key)
		e.MustJSON(r, http.StatusCreated, &second)
		if first.ID != second.ID || first.NextAction.URL != second.NextAction.URL || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry: %+v, then %+v", first, second)
		}
		if n := calls.n.Load(); n != 1 {
			t.Fatalf("%d requests to Stripe, want 1", n)
		}
	})
}

// countingTransport counts the requests it forwards.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// TestStripeCheckoutSpeaksTheAppsLanguage: Stripe's page opens in the
// language Pay Now was asked in (the app's UI language), whatever the
// account's invoice language; with none named, Stripe follows the browser.
func TestStripeCheckoutSpeaksTheAppsLanguage(t *testing.T) {
	mock := stripetest.StartMock(t)
	rec := &formRecorder{}
	e := stripeEnvWith(t, servertest.Backends(t)[0], mock, &http.Client{Transport: rec, Timeout: time.Minute})
	c := e.NewCustomer(billing.JPY) // its invoices are in Japanese
	for _, tc := range []struct{ header, want string }{{"en-US,en;q=0.9", "en"}, {"ja", "ja"}, {"", "auto"}} {
		inv := addFunds(t, e, c, 2_000, stripegw.ID)
		headers := servertest.Key()
		if tc.header != "" {
			headers["Accept-Language"] = tc.header
		}
		var p api.Payment
		e.MustJSON(e.Do("POST", "/v1/invoices/"+inv.ID+"/payments", c.Token, api.PayRequest{Gateway: stripegw.ID}, headers), http.StatusCreated, &p)
		if got := rec.last("locale"); got != tc.want {
			t.Errorf("Accept-Language %q: Stripe's page in %q, want %q", tc.header, got, tc.want)
		}
		e.MustJSON(e.Do("POST", "/v1/invoices/"+inv.ID+"/cancel", c.Token, nil, servertest.Key()), http.StatusOK, nil)
	}
}

// formRecorder forwards requests and keeps the form of the last POST.
type formRecorder struct {
	mu   sync.Mutex
	form url.Values
}

func (f *formRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		f.mu.Lock()
		f.form = form
		f.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (f *formRecorder) last(key string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.form.Get(key)
}
