package stripegw_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"billfold/billing"
	"billfold/internal/server/gateway/stripegw"
	"billfold/internal/server/gateway/stripegw/stripetest"
)

// recorder keeps every request the gateway sends, then forwards it, so the
// tests see the exact parameters stripe-mock validated.
type recorder struct {
	mu   sync.Mutex
	reqs []sent
}

type sent struct {
	header http.Header
	form   url.Values
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	_ = req.Body.Close()
	form, _ := url.ParseQuery(string(body))
	r.mu.Lock()
	r.reqs = append(r.reqs, sent{header: req.Header.Clone(), form: form})
	r.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) all() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.reqs...)
}

// fixedNow is the gateway's clock in these tests.
var fixedNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func newGateway(t *testing.T, apiBase string, key string, logs io.Writer) (*stripegw.Gateway, *recorder) {
	t.Helper()
	rec := &recorder{}
	if logs == nil {
		logs = io.Discard
	}
	g, err := stripegw.New(stripegw.Config{
		SecretKey:     stripegw.NewSecret(key),
		WebhookSecret: stripegw.NewSecret(stripetest.WebhookSecret),
		APIBase:       apiBase,
		HTTPClient:    &http.Client{Transport: rec, Timeout: time.Minute},
		Logger:        slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:           func() time.Time { return fixedNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return g, rec
}

func checkout(amount billing.Money) stripegw.Checkout {
	return stripegw.Checkout{
		PaymentID: "pay_7Hq2", InvoiceID: "inv_91Kd", Amount: amount,
		Description: "Account credit deposit — INV-2026-0042", CustomerEmail: "yamada@example.jp", Locale: "ja",
		SuccessURL: "https://billing.example.jp/checkout/return?payment=pay_7Hq2",
		CancelURL:  "https://billing.example.jp/checkout/cancel?payment=pay_7Hq2",
		ExpiresAt:  fixedNow.Add(time.Hour),
	}
}

// TestCheckoutSessionAgainstStripeMock opens a session in each currency
// against stripe-mock, which validates every parameter against Stripe's
// OpenAPI document, and checks what went over the wire: minor units as
// Billfold stores them (JPY zero-decimal, USD/EUR cents), the ids in
// client_reference_id and metadata (on the session and its PaymentIntent),
// the idempotency key and the pinned API version.
func TestCheckoutSessionAgainstStripeMock(t *testing.T) {
	mock := stripetest.StartMock(t)
	for _, tc := range []struct {
		amount       billing.Money
		wantAmount   string
		wantCurrency string
	}{
		{billing.New(5_000, billing.JPY), "5000", "jpy"},          // ¥5,000
		{billing.New(1_234, billing.USD), "1234", "usd"},          // $12.34
		{billing.New(50, billing.EUR), "50", "eur"},               // €0.50, Stripe's minimum
		{billing.New(99_999_999, billing.JPY), "99999999", "jpy"}, // eight digits, Stripe's maximum
	} {
		t.Run(billing.Format(tc.amount), func(t *testing.T) {
			g, rec := newGateway(t, mock.URL, stripetest.SecretKey, nil)
			s, err := g.CreateCheckoutSession(context.Background(), checkout(tc.amount))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(s.URL, "https://checkout.stripe.com/") || !strings.HasPrefix(s.ID, "cs_") {
				t.Errorf("session %+v", s)
			}
			if !s.ExpiresAt.Equal(fixedNow.Add(time.Hour)) {
				t.Errorf("expires %v", s.ExpiresAt)
			}
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			f, h := reqs[0].form, reqs[0].header
			want := map[string]string{
				"mode": "payment", "client_reference_id": "pay_7Hq2",
				"metadata[billfold_payment_id]": "pay_7Hq2", "metadata[billfold_invoice_id]": "inv_91Kd",
				"payment_intent_data[metadata][billfold_payment_id]": "pay_7Hq2",
				"payment_intent_data[metadata][billfold_invoice_id]": "inv_91Kd",
				"line_items[0][quantity]":                            "1",
				"line_items[0][price_data][unit_amount]":             tc.wantAmount,
				"line_items[0][price_data][currency]":                tc.wantCurrency,
				"line_items[0][price_data][product_data][name]":      "Account credit deposit — INV-2026-0042",
				"locale":         "ja",
				"customer_email": "yamada@example.jp",
				"expires_at":     "1772449200", // fixedNow + 1 h
				"success_url":    "https://billing.example.jp/checkout/return?payment=pay_7Hq2",
			}
			for k, v := range want {
				if got := f.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if _, ok := f["payment_method_types[0]"]; ok {
				t.Error("payment methods are pinned; Checkout should offer the account's methods for the currency")
			}
			if got := h.Get("Idempotency-Key"); got != "billfold-checkout-pay_7Hq2" {
				t.Errorf("Idempotency-Key %q", got)
			}
			if got := h.Get("Stripe-Version"); got != "2026-02-25.clover" {
				t.Errorf("Stripe-Version %q", got)
			}
		})
	}
}

// TestCheckoutRetrySendsTheSameIdempotencyKey: a retried attempt (the
// first answer lost) asks Stripe with the same key, so Stripe returns the
// first session instead of opening a second one.
func TestCheckoutRetrySendsTheSameIdempotencyKey(t *testing.T) {
	mock := stripetest.StartMock(t)
	g, rec := newGateway(t, mock.URL, stripetest.SecretKey, nil)
	for range 2 {
		if _, err := g.CreateCheckoutSession(context.Background(), checkout(billing.New(3_000, billing.JPY))); err != nil {
			t.Fatal(err)
		}
	}
	other := checkout(billing.New(3_000, billing.JPY))
	other.PaymentID = "pay_other"
	if _, err := g.CreateCheckoutSession(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	keys := []string{reqs[0].header.Get("Idempotency-Key"), reqs[1].header.Get("Idempotency-Key"), reqs[2].header.Get("Idempotency-Key")}
	if keys[0] != keys[1] || keys[0] == keys[2] || keys[2] != stripegw.IdempotencyKey("pay_other") {
		t.Errorf("keys %q", keys)
	}
}

// TestCheckoutRefusesWhatStripeWouldRefuse: bad input is an
// ErrInvalidCheckout and sends nothing.
func TestCheckoutRefusesWhatStripeWouldRefuse(t *testing.T) {
	g, rec := newGateway(t, "http://127.0.0.1:1", stripetest.SecretKey, nil)
	for name, mutate := range map[string]func(*stripegw.Checkout){
		"below Stripe's minimum":  func(c *stripegw.Checkout) { c.Amount = billing.New(49, billing.USD) },
		"yen below the minimum":   func(c *stripegw.Checkout) { c.Amount = billing.New(49, billing.JPY) },
		"above eight digits":      func(c *stripegw.Checkout) { c.Amount = billing.New(100_000_000, billing.EUR) },
		"zero":                    func(c *stripegw.Checkout) { c.Amount = billing.New(0, billing.JPY) },
		"negative":                func(c *stripegw.Checkout) { c.Amount = billing.New(-500, billing.JPY) },
		"unknown currency":        func(c *stripegw.Checkout) { c.Amount = billing.New(500, "GBP") },
		"no payment id":           func(c *stripegw.Checkout) { c.PaymentID = "" },
		"payment id with a space": func(c *stripegw.Checkout) { c.PaymentID = "pay 1" },
		"payment id too long":     func(c *stripegw.Checkout) { c.PaymentID = strings.Repeat("p", 201) },
		"no invoice id":           func(c *stripegw.Checkout) { c.InvoiceID = "" },
		"no description":          func(c *stripegw.Checkout) { c.Description = "  " },
		"plain http success URL":  func(c *stripegw.Checkout) { c.SuccessURL = "http://billing.example.jp/ok" },
		"relative cancel URL":     func(c *stripegw.Checkout) { c.CancelURL = "/cancel" },
		"expires in 29 minutes":   func(c *stripegw.Checkout) { c.ExpiresAt = fixedNow.Add(29 * time.Minute) },
		"expires in 25 hours":     func(c *stripegw.Checkout) { c.ExpiresAt = fixedNow.Add(25 * time.Hour) },
		"expired already":         func(c *stripegw.Checkout) { c.ExpiresAt = fixedNow.Add(-time.Minute) },
	} {
		t.Run(name, func(t *testing.T) {
			c := checkout(billing.New(5_000, billing.JPY))
			mutate(&c)
			if _, err := g.CreateCheckoutSession(context.Background(), c); !errors.Is(err, stripegw.ErrInvalidCheckout) {
				t.Errorf("err = %v", err)
			}
		})
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests sent for invalid checkouts", n)
	}
}

// TestStripeAmountsAreBillfoldMinorUnits pins the assumption the gateway
// rests on: every currency Billfold supports has the same number of minor
// digits at Stripe, so amounts pass through unchanged. A new currency with
// a different exponent (Stripe's HUF, ISK, TWD special cases) fails here.
func TestStripeAmountsAreBillfoldMinorUnits(t *testing.T) {
	want := map[billing.Currency]int{billing.JPY: 0, billing.USD: 2, billing.EUR: 2}
	for _, c := range billing.Currencies {
		d, ok := want[c]
		if !ok {
			t.Errorf("%s: Stripe's exponent for it is not checked; add it to stripeCurrencies after reading docs.stripe.com/currencies", c)
			continue
		}
		if c.Decimals() != d {
			t.Errorf("%s: Billfold has %d decimals, Stripe %d", c, c.Decimals(), d)
		}
	}
}

// TestStripeErrorsAreClassifiedAndScrubbed: stripe-mock refuses a live key
// and echoes the Authorization header in its message; the error and the
// log lines must say what failed without the key.
func TestStripeErrorsAreClassifiedAndScrubbed(t *testing.T) {
	mock := stripetest.StartMock(t)
	const liveKey = "sk_live_DoNotLeakThis0123456789"
	var logs bytes.Buffer
	g, rec := newGateway(t, mock.URL, liveKey, &logs)
	_, err := g.CreateCheckoutSession(context.Background(), checkout(billing.New(5_000, billing.JPY)))
	if !errors.Is(err, stripegw.ErrRejected) || !strings.Contains(err.Error(), "HTTP 401") {
		t.Fatalf("err = %v", err)
	}
	if got := rec.all()[0].header.Get("Authorization"); got != "Bearer "+liveKey {
		t.Fatalf("the key was not what went to Stripe: %q", got)
	}
	if logs.Len() == 0 {
		t.Error("the library's log line did not reach the logger")
	}
	assertNoSecret(t, "error", err.Error(), liveKey)
	assertNoSecret(t, "log", logs.String(), liveKey)
}

// TestStripeUnreachableIsUnavailable: a network failure is ErrUnavailable
// (the rules layer answers 503 gateway_unavailable and the client retries).
func TestStripeUnreachableIsUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	g, _ := newGateway(t, "http://"+addr, stripetest.SecretKey, nil)
	_, err = g.CreateCheckoutSession(context.Background(), checkout(billing.New(5_000, billing.JPY)))
	if !errors.Is(err, stripegw.ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	assertNoSecret(t, "error", err.Error(), stripetest.SecretKey)
}

func assertNoSecret(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s contains a secret: %s", what, text)
		}
	}
}
