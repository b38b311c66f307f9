package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// An action keeps its Idempotency-Key until the server definitely refused
// the request (a problem answer with a 4xx status, other than "a request
// with this key is in flight") or the request changes. Where the request
// may have been carried out — no answer, a gateway error after the
// retries, a server error, a success whose body was unreadable, a proxy's
// page — the user's next click must repeat it under the same key, so the
// server answers with the original outcome instead of booking it twice.
func TestActionKeyKeepsTheKeyUntilTheServerRefused(t *testing.T) {
	problem := func(status int, code string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(api.Problem{Code: code, Title: code, Status: status})
		}
	}
	page := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	for _, c := range []struct {
		name   string
		answer http.HandlerFunc
		keep   bool
	}{
		{"502 after the retries", page(http.StatusBadGateway, "<title>502 Bad Gateway</title>"), true},
		{"504 after the retries", page(http.StatusGatewayTimeout, "<title>504 Gateway Time-out</title>"), true},
		{"500 problem", problem(http.StatusInternalServerError, api.CodeInternal), true},
		{"a proxy's 403 page", page(http.StatusForbidden, "<title>Request blocked</title>"), true},
		{"no answer", func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, true},
		{"2xx whose body is unreadable", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id": "inv_1", "total": `))
		}, true},
		{"409 in flight", problem(http.StatusConflict, api.CodeIdempotencyInFlight), true},
		{"409 refused", problem(http.StatusConflict, api.CodeOpenInvoiceExists), false},
		{"422 refused", problem(http.StatusUnprocessableEntity, api.CodeBelowMinimum), false},
		{"400 invalid", problem(http.StatusBadRequest, api.CodeValidation), false},
		{"429 after the retries", problem(http.StatusTooManyRequests, api.CodeRateLimited), false},
		{"201 created", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			amount := billing.New(10_000, billing.JPY)
			zero := billing.New(0, billing.JPY)
			_ = json.NewEncoder(w).Encode(api.Invoice{ID: "inv_1", Number: "INV-2026-000001", Kind: billing.KindAddFunds,
				Status: billing.InvoiceUnpaid, Currency: billing.JPY, Subtotal: amount, Tax: zero, Total: amount,
				CreditApplied: zero, AmountPaid: zero, BalanceDue: amount})
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			client := fakeBillingClient(t, c.answer)
			var k actionKey[api.AddFundsRequest]
			req := api.AddFundsRequest{Amount: billing.New(10_000, billing.JPY), Gateway: "card", PolicyVersion: "2026-06-01"}
			key := k.keyFor(req)
			_, err := client.AddFunds(context.Background(), key, req)
			k.done(key, err)
			if again := k.keyFor(req); (again == key) != c.keep {
				t.Fatalf("after %v: key kept %v, want %v", err, again == key, c.keep)
			}
		})
	}
}

func TestActionKeyFollowsTheRequest(t *testing.T) {
	var k actionKey[string]
	first := k.keyFor("WELCOME1000")
	if k.keyFor("WELCOME1000") != first {
		t.Fatal("a repeat of the same request got a new key")
	}
	second := k.keyFor("SUMMER2025")
	if second == first {
		t.Fatal("a changed request kept the key")
	}
	// The first request's late outcome does not end the second's action.
	k.done(first, nil)
	if k.keyFor("SUMMER2025") != second {
		t.Fatal("a stale outcome dropped the current key")
	}
	k.done(second, nil)
	if k.keyFor("SUMMER2025") == second {
		t.Fatal("a succeeded action's key was used again")
	}
}

// fakeBillingClient signs a client in to a server that answers POST
// /v1/funds with answer, quickly retrying what the client retries.
func fakeBillingClient(t *testing.T, answer http.HandlerFunc) *apiclient.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/sessions", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(api.Session{AccessToken: "access", RefreshToken: "refresh", TokenType: "Bearer",
			AccessExpiresAt: time.Now().Add(time.Hour), RefreshExpiresAt: time.Now().Add(24 * time.Hour),
			User: api.User{ID: "cus_1", Email: "taro@example.jp", Role: billing.RoleCustomer, Currency: billing.JPY}})
	})
	mux.HandleFunc("POST /v1/funds", answer)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := apiclient.New(srv.URL, apiclient.Options{RetryWait: time.Millisecond, RetryMaxWait: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SignIn(context.Background(), "taro@example.jp", "password"); err != nil {
		t.Fatal(err)
	}
	return c
}

// A staff adjustment whose answer is lost behind a gateway (the server
// booked it, the client got 502 after its retries) is recorded once when
// the staff member clicks Record again: the click repeats the action under
// its key, and the server answers with the original entry.
func TestStaffAdjustmentRepeatedAfterALostAnswerIsBookedOnce(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	cust := env.NewCustomer(billing.JPY)
	lose := &losingProxy{target: env.URL, path: "/adjustments"}
	lose.failures.Store(4) // the first attempt and the client's three retries
	proxy := httptest.NewServer(lose)
	t.Cleanup(proxy.Close)
	a, rec := startStaff(t, env, func(_ *apiclient.Client, d *Deps) {
		staff := env.NewStaff()
		c, err := apiclient.New(proxy.URL, apiclient.Options{RetryWait: time.Millisecond, RetryMaxWait: 2 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.SignIn(context.Background(), staff.Email, staff.Password); err != nil {
			t.Fatal(err)
		}
		d.Staff = c
	})
	s := a.customers
	rec.wait(t, TaskCustomers, 0)
	found := rec.mark(TaskCustomers)
	rec.onUI(func() {
		s.search.SetText(cust.Email)
		s.find()
	})
	rec.wait(t, TaskCustomers, found)
	rec.onUI(func() { s.results.Select(0) })
	rec.wait(t, TaskCustomer, 0)
	var record *button
	rec.onUI(func() {
		for _, o := range shown(s.panel.object()) {
			if e, ok := o.(*widget.Entry); ok {
				switch e.PlaceHolder {
				case "Amount (negative to deduct)":
					e.SetText("500")
				case "Reason (the customer sees it)":
					e.SetText("Goodwill for the outage")
				}
			}
		}
		record = findButton(s.panel.object(), "Record adjustment")
	})
	for range 2 { // the first answer is lost; the user clicks again
		adjusted := rec.mark(TaskAdjust)
		rec.onUI(func() { test.Tap(record) })
		answerDialog(t, rec, a.win, "Record adjustment", cust.Email, "¥500")
		rec.wait(t, TaskAdjust, adjusted)
	}
	rec.onUI(func() {
		if text := s.panel.adjResult.Text; !strings.Contains(text, "New balance ¥500.") {
			t.Fatalf("after the second click: %q", text)
		}
	})
	cc, err := apiclient.New(env.URL, apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cc.SignIn(context.Background(), cust.Email, cust.Password); err != nil {
		t.Fatal(err)
	}
	sum, err := cc.Summary(context.Background())
	if err != nil || sum.AvailableCredit.Amount != 500 {
		t.Fatalf("credit after one adjustment of ¥500: %v %v", sum.AvailableCredit, err)
	}
}

// losingProxy forwards every request to the server; for the next
// `failures` POSTs whose path ends in path it then throws the answer away
// and answers 502, as a gateway that lost the connection would.
type losingProxy struct {
	target   string
	path     string
	failures atomic.Int32
}

func (p *losingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u, _ := url.Parse(p.target)
	rp := httputil.NewSingleHostReverseProxy(u)
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, p.path) || p.failures.Add(-1) < 0 {
		rp.ServeHTTP(w, r)
		return
	}
	rp.ServeHTTP(httptest.NewRecorder(), r) // the server acts; its answer is lost
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = w.Write([]byte("<title>502 Bad Gateway</title>"))
}
