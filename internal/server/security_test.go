package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

func TestOtherCustomersDataIsNotFound(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		owner := e.NewCustomer(billing.JPY)
		intruder := e.NewCustomer(billing.JPY)
		inv := addFunds(t, e, owner, 5_000, "card")
		p := pay(t, e, owner, inv.ID, "card")
		svc := serviceInvoice(t, e, owner, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 1_000, TaxRate: 10})
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/v1/invoices/" + inv.ID, nil},
			{"GET", "/v1/invoices/" + svc, nil},
			{"GET", "/v1/payments/" + p.ID, nil},
			{"POST", "/v1/invoices/" + inv.ID + "/payments", api.PayRequest{Gateway: "card"}},
			{"POST", "/v1/invoices/" + svc + "/apply-credit", api.ApplyCreditRequest{Amount: billing.New(1, billing.JPY)}},
			{"POST", "/v1/invoices/" + inv.ID + "/cancel", nil},
		} {
			wantProblem(t, e.Do(c.method, c.path, intruder.Token, c.body, servertest.Key()), 404, api.CodeNotFound)
		}
		var page api.InvoicePage
		e.MustJSON(e.Do("GET", "/v1/invoices", intruder.Token, nil, nil), 200, &page)
		if len(page.Items) != 0 {
			t.Fatalf("intruder sees %d invoices", len(page.Items))
		}
		var got api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+inv.ID, owner.Token, nil, nil), 200, &got)
		if got.Status != billing.InvoiceUnpaid || len(got.Payments) != 1 {
			t.Fatalf("intruder changed the owner's invoice: %+v", got)
		}
	})
}

func TestStaffEndpointsNeedStaffRole(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		for _, path := range []string{
			"GET /v1/staff/customers", "GET /v1/staff/customers/" + c.ID + "/summary", "GET /v1/staff/customers/" + c.ID + "/invoices",
			"GET /v1/staff/customers/" + c.ID + "/config", "POST /v1/staff/customers/" + c.ID + "/invoices/inv_x/apply-credit",
			"GET /v1/staff/customers/" + c.ID + "/ledger", "POST /v1/staff/customers/" + c.ID + "/funds",
			"POST /v1/staff/customers/" + c.ID + "/adjustments", "POST /v1/staff/payments/pay_x/confirm", "GET /v1/staff/audit",
		} {
			m, p, _ := strings.Cut(path, " ")
			wantProblem(t, e.Do(m, p, c.Token, nil, servertest.Key()), 403, api.CodeForbidden)
		}
		// Staff use the staff API, not a customer's endpoints.
		wantProblem(t, e.Do("GET", "/v1/billing/summary", staff.Token, nil, nil), 403, api.CodeForbidden)
		// Staff get 404 for ids that are not customers.
		wantProblem(t, e.Do("GET", "/v1/staff/customers/"+staff.ID+"/summary", staff.Token, nil, nil), 404, api.CodeNotFound)
		var sum api.Summary
		e.MustJSON(e.Do("GET", "/v1/staff/customers/"+c.ID+"/summary", staff.Token, nil, nil), 200, &sum)
		var inv api.Invoice
		e.MustJSON(e.Do("POST", "/v1/staff/customers/"+c.ID+"/funds", staff.Token,
			api.AddFundsRequest{Amount: billing.New(3_000, billing.JPY), Gateway: "bank_transfer", PolicyVersion: "2026-06-01"}, servertest.Key()), 201, &inv)
		var audit api.AuditPage
		e.MustJSON(e.Do("GET", "/v1/staff/audit?customer_id="+c.ID, staff.Token, nil, nil), 200, &audit)
		if len(audit.Items) != 2 || audit.Items[0].Action != "customer.funds" || audit.Items[1].Action != "customer.summary" {
			t.Fatalf("audit: %+v", audit.Items)
		}
	})
}

func TestTokens(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		for _, h := range []map[string]string{nil, {"Authorization": "Bearer "}, {"Authorization": "Bearer bfa_forged"}, {"Authorization": "Basic eDp5"}} {
			wantProblem(t, e.Do("GET", "/v1/me", "", nil, h), 401, api.CodeUnauthorized)
		}
		sess := e.SignIn(c.Email, c.Password)
		e.Clock.Advance(16 * time.Minute)
		wantProblem(t, e.Do("GET", "/v1/me", sess.AccessToken, nil, nil), 401, api.CodeTokenExpired)

		// Refresh rotates; a spent refresh token revokes the whole family.
		var next api.Session
		e.MustJSON(e.Do("POST", "/v1/sessions/refresh", "", api.RefreshRequest{RefreshToken: sess.RefreshToken}, nil), 200, &next)
		e.MustJSON(e.Do("GET", "/v1/me", next.AccessToken, nil, nil), 200, nil)
		// A retry with the spent token right away (its answer was lost) is
		// answered with another session of the same family.
		var retried api.Session
		e.MustJSON(e.Do("POST", "/v1/sessions/refresh", "", api.RefreshRequest{RefreshToken: sess.RefreshToken}, nil), 200, &retried)
		e.MustJSON(e.Do("GET", "/v1/me", retried.AccessToken, nil, nil), 200, nil)
		// Later, the spent token is a stolen one: the whole family ends.
		e.Clock.Advance(server.RefreshRetryGrace + time.Second)
		wantProblem(t, e.Do("POST", "/v1/sessions/refresh", "", api.RefreshRequest{RefreshToken: sess.RefreshToken}, nil), 401, api.CodeUnauthorized)
		wantProblem(t, e.Do("GET", "/v1/me", retried.AccessToken, nil, nil), 401, api.CodeUnauthorized)
		wantProblem(t, e.Do("GET", "/v1/me", next.AccessToken, nil, nil), 401, api.CodeUnauthorized)
		wantProblem(t, e.Do("POST", "/v1/sessions/refresh", "", api.RefreshRequest{RefreshToken: next.RefreshToken}, nil), 401, api.CodeUnauthorized)

		// Sign out ends the session.
		s2 := e.SignIn(c.Email, c.Password)
		if r := e.Do("DELETE", "/v1/sessions/current", s2.AccessToken, nil, nil); r.Status != http.StatusNoContent {
			t.Fatalf("sign out: %d", r.Status)
		}
		wantProblem(t, e.Do("GET", "/v1/me", s2.AccessToken, nil, nil), 401, api.CodeUnauthorized)
		wantProblem(t, e.Do("POST", "/v1/sessions", "", api.SignInRequest{Email: c.Email, Password: "wrong"}, nil), 401, api.CodeInvalidCredentials)
		wantProblem(t, e.Do("POST", "/v1/sessions", "", api.SignInRequest{Email: "nobody@example.test", Password: "x"}, nil), 401, api.CodeInvalidCredentials)
	})
}

func TestSignInIsRateLimited(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0], func(o *server.Options) { o.LoginInterval, o.LoginBurst = time.Minute, 3 })
	c := e.NewCustomer(billing.JPY) // uses one attempt
	for range 2 {
		wantProblem(t, e.Do("POST", "/v1/sessions", "", api.SignInRequest{Email: c.Email, Password: "wrong"}, nil), 401, api.CodeInvalidCredentials)
	}
	r := e.Do("POST", "/v1/sessions", "", api.SignInRequest{Email: c.Email, Password: c.Password}, nil)
	if p := wantProblem(t, r, 429, api.CodeRateLimited); p.RetryAfter < 1 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("Retry-After missing: %+v", p)
	}
	e.Clock.Advance(time.Minute)
	e.SignIn(c.Email, c.Password)
}

// signInFrom signs in from a client address, as the server sees it, and
// returns the status.
func signInFrom(t *testing.T, e *servertest.Env, ip, email, password string) int {
	t.Helper()
	body, _ := json.Marshal(api.SignInRequest{Email: email, Password: password})
	req := httptest.NewRequest("POST", "/v1/sessions", bytes.NewReader(body))
	req.RemoteAddr = net.JoinHostPort(ip, "40000")
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	e.Server.Handler().ServeHTTP(w, req)
	if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	return w.Code
}

// Each of three replicas allows a third of the sign-in limit (rounded
// up), so that the three together allow what one server would.
func TestSignInLimitIsDividedBetweenReplicas(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0], func(o *server.Options) {
		o.LoginInterval, o.LoginBurst, o.Replicas = time.Minute, 9, 3
	})
	c := e.NewCustomer(billing.JPY) // uses one attempt
	for range 2 {
		wantProblem(t, e.Do("POST", "/v1/sessions", "", api.SignInRequest{Email: c.Email, Password: "wrong"}, nil), 401, api.CodeInvalidCredentials)
	}
	wantProblem(t, e.Do("POST", "/v1/sessions", "", api.SignInRequest{Email: c.Email, Password: c.Password}, nil), 429, api.CodeRateLimited)
	e.Clock.Advance(time.Minute) // one attempt per 3 minutes now
	wantProblem(t, e.Do("POST", "/v1/sessions", "", api.SignInRequest{Email: c.Email, Password: c.Password}, nil), 429, api.CodeRateLimited)
	e.Clock.Advance(2 * time.Minute)
	e.SignIn(c.Email, c.Password)
}

// TestSignInIsRateLimitedAcrossAccountsAndAddresses: one address trying
// many accounts, and one account tried from many addresses, are throttled
// as well as one address on one account.
func TestSignInIsRateLimitedAcrossAccountsAndAddresses(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0], func(o *server.Options) {
		o.LoginInterval, o.LoginBurst = time.Minute, 2 // an account from all addresses: 6
		o.LoginSourceInterval, o.LoginSourceBurst = time.Minute, 4
	})
	signIn := func(ip, email string) int { return signInFrom(t, e, ip, email, "guess") }
	// One address, many accounts: four attempts, then refused.
	for i := range 4 {
		if code := signIn("192.0.2.1", fmt.Sprintf("user%d@example.test", i)); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d from one address: %d", i+1, code)
		}
	}
	if code := signIn("192.0.2.1", "user9@example.test"); code != http.StatusTooManyRequests {
		t.Fatalf("a fifth account from the same address: %d, want 429", code)
	}
	// One account, many addresses: each address's first attempt is its
	// own; the account's six are shared by the addresses that failed.
	for i := range 6 {
		if code := signIn(fmt.Sprintf("198.51.100.%d", i+1), "target@example.test"); code != http.StatusUnauthorized {
			t.Fatalf("first attempt from address %d on one account: %d", i+1, code)
		}
	}
	for i := range 6 {
		if code := signIn(fmt.Sprintf("198.51.100.%d", i+1), "target@example.test"); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d of the failed addresses on one account: %d", i+7, code)
		}
	}
	if code := signIn("198.51.100.1", "target@example.test"); code != http.StatusTooManyRequests {
		t.Fatalf("a failed address past the account's six: %d, want 429", code)
	}
	if code := signIn("198.51.100.99", "target@example.test"); code != http.StatusUnauthorized {
		t.Fatalf("a new address's first attempt: %d, want 401", code)
	}
	if code := signIn("198.51.100.99", "target@example.test"); code != http.StatusTooManyRequests {
		t.Fatalf("the new address once it failed: %d, want 429", code)
	}
	// Others are not affected.
	if code := signIn("203.0.113.5", "someone@example.test"); code != http.StatusUnauthorized {
		t.Fatalf("an unrelated sign-in: %d", code)
	}
	// Refused attempts cost no quota: one address hammering one account
	// is refused after two, and locks out neither the account for other
	// addresses nor the address for other accounts.
	for i := range 12 {
		want := http.StatusUnauthorized
		if i >= 2 {
			want = http.StatusTooManyRequests
		}
		if code := signIn("203.0.113.9", "victim@example.test"); code != want {
			t.Fatalf("hammering, attempt %d: %d, want %d", i+1, code, want)
		}
	}
	if code := signIn("203.0.113.10", "victim@example.test"); code != http.StatusUnauthorized {
		t.Fatalf("the hammered account from another address: %d, want 401", code)
	}
	if code := signIn("203.0.113.9", "colleague@example.test"); code != http.StatusUnauthorized {
		t.Fatalf("another account from the hammering address: %d, want 401", code)
	}
}

// TestSignInFloodDoesNotLockOutTheOwner: 600 wrong passwords for one
// e-mail from 30 addresses (the report's flood) leave the account's limit
// spent, and the owner still signs in at once from an address with no
// failures there. The guessers stay throttled, and the addresses of one
// IPv6 /64 count as one. The clock does not move.
func TestSignInFloodDoesNotLockOutTheOwner(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0], func(o *server.Options) {
		o.LoginInterval, o.LoginBurst = time.Minute, 2 // an account from all failed addresses: 6
		o.LoginSourceInterval, o.LoginSourceBurst = time.Minute, 1000
	})
	c := e.NewCustomer(billing.USD)
	refused := 0
	for i := range 600 {
		attacker := fmt.Sprintf("198.51.100.%d", i%30+1)
		switch code := signInFrom(t, e, attacker, c.Email, fmt.Sprintf("guess%d", i)); code {
		case http.StatusTooManyRequests:
			refused++
		case http.StatusUnauthorized:
		default:
			t.Fatalf("flood attempt %d: %d", i+1, code)
		}
	}
	if code := signInFrom(t, e, "203.0.113.7", c.Email, c.Password); code != http.StatusCreated {
		t.Fatalf("the owner's sign-in during the flood: %d, want 201", code)
	}
	// Each address's first guess, then the account's six.
	if refused != 600-30-6 {
		t.Fatalf("%d of the flood refused, want %d", refused, 600-30-6)
	}
	if code := signInFrom(t, e, "198.51.100.1", c.Email, c.Password); code != http.StatusTooManyRequests {
		t.Fatalf("a flooding address, right password or not: %d, want 429", code)
	}
	if code := signInFrom(t, e, "2001:db8:1:2::1", c.Email, "guess"); code != http.StatusUnauthorized {
		t.Fatalf("an IPv6 guesser's first guess: %d, want 401", code)
	}
	if code := signInFrom(t, e, "2001:db8:1:2::beef", c.Email, "guess"); code != http.StatusTooManyRequests {
		t.Fatalf("another address of the same /64: %d, want 429", code)
	}
}

func TestLogsNeverContainSecrets(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	sess := e.SignIn(c.Email, c.Password)
	inv := addFunds(t, e, c, 5_000, "card")
	p := pay(t, e, c, inv.ID, "card")
	checkout(t, e, p, url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}})
	e.Do("POST", "/v1/sessions/refresh", "", api.RefreshRequest{RefreshToken: sess.RefreshToken}, nil)
	e.Do("GET", "/v1/me", "", nil, map[string]string{"Authorization": "Bearer " + sess.AccessToken + "x"})
	logs := e.Logs.String()
	if !strings.Contains(logs, "/v1/funds") {
		t.Fatalf("request log missing: %s", logs)
	}
	token := strings.TrimPrefix(p.NextAction.URL, e.URL+"/sandbox/checkout/")
	for name, secret := range map[string]string{"password": c.Password, "access token": sess.AccessToken,
		"refresh token": sess.RefreshToken, "first token": c.Token, "checkout token": token} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain the %s", name)
		}
	}
}

// TestWrongMethodIs405: a path that exists with another method answers
// 405 with Allow, as problem+json; an unknown path 404.
func TestWrongMethodIs405(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	for _, c := range []struct {
		method, path string
		status       int
		allow, code  string
	}{
		{"GET", "/v1/funds", 405, "POST", api.CodeMethodNotAllowed},
		{"PUT", "/v1/me", 405, "GET", api.CodeMethodNotAllowed},
		{"DELETE", "/v1/invoices/inv_1", 405, "GET", api.CodeMethodNotAllowed},
		{"GET", "/v1/nothing-here", 404, "", api.CodeNotFound},
	} {
		w := httptest.NewRecorder()
		e.Server.Handler().ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		var p api.Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != c.status || p.Code != c.code ||
			w.Header().Get("Allow") != c.allow || w.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %d %q Allow %q %s (%v)", c.method, c.path, w.Code, p.Code, w.Header().Get("Allow"), w.Body, err)
		}
	}
}
