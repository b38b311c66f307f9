package apiclient_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// The fault tests put a misbehaving network between the client and the
// real server and count on the server that retried POSTs did nothing twice.

// faultEnv is a server, a proxy in front of it and signed-in clients
// talking through the proxy.
type faultEnv struct {
	env          *servertest.Env
	proxy        *faultProxy
	cust, staffU servertest.Customer
	c, staff     *apiclient.Client
}

func newFaultEnv(t *testing.T, b servertest.Backend, tune func(*apiclient.Options)) *faultEnv {
	env := servertest.New(t, b)
	f := &faultEnv{env: env, proxy: newFaultProxy(t, env.URL), cust: env.NewCustomer(billing.JPY), staffU: env.NewStaff()}
	opts := fastOptions()
	if tune != nil {
		tune(&opts)
	}
	f.c = signIn(t, f.proxy.URL, f.cust, opts, false)
	f.staff = signIn(t, f.proxy.URL, f.staffU, opts, false)
	return f
}

// sameKey asserts that every attempt the proxy saw carried one key, and
// that there was more than one attempt.
func (f *faultEnv) sameKey(t *testing.T, method, path string, key apiclient.IdempotencyKey) {
	t.Helper()
	reqs := f.proxy.requests(method, path)
	if len(reqs) < 2 {
		t.Fatalf("%s %s: %d attempts, want a retry", method, path, len(reqs))
	}
	for _, r := range reqs {
		if got := r.header.Get("Idempotency-Key"); got != string(key) {
			t.Fatalf("%s %s: attempt with key %q, want %q", method, path, got, key)
		}
	}
}

// freshConnections sends every request on a new connection. Go's
// transport by itself re-sends a request that carries an Idempotency-Key
// when a reused keep-alive connection dies, which would pass for the
// client's own retry; on a fresh connection it never does.
func freshConnections(o *apiclient.Options) {
	apiclient.WrapTransport(o, func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context()) // a RoundTripper must not change the caller's request
			r.Close = true
			return rt.RoundTrip(r)
		})
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestLostAnswersToMoneyMovingCallsDoNotRepeatThem(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		// Only the client's retry may repeat a request whose answer was lost.
		f := newFaultEnv(t, b, freshConnections)
		ctx := context.Background()
		env, c, cid := f.env, f.c, f.cust.ID
		if err := env.Server.CreateVoucher(ctx, "LOST100", billing.New(100, billing.JPY), time.Time{}); err != nil {
			t.Fatal(err)
		}
		// Every first answer is lost after the server acted on the request.
		lose := func(method, path string) {
			f.proxy.inject(fault{kind: dropAfter, method: method, path: path, times: 1})
		}

		key := apiclient.NewIdempotencyKey()
		lose("POST", "/v1/staff/customers/"+cid+"/adjustments")
		got(f.staff.StaffAdjust(ctx, key, cid, api.AdjustmentRequest{Amount: billing.New(5_000, billing.JPY), Reason: "Opening credit"})).ok(t)
		f.sameKey(t, "POST", "/v1/staff/customers/"+cid+"/adjustments", key)

		key = apiclient.NewIdempotencyKey()
		lose("POST", "/v1/funds")
		inv := got(c.AddFunds(ctx, key, addFundsReq(2_000, billing.JPY, "bank_transfer"))).ok(t)
		f.sameKey(t, "POST", "/v1/funds", key)

		key = apiclient.NewIdempotencyKey()
		lose("POST", "/v1/invoices/"+inv.ID+"/payments")
		p := got(c.Pay(ctx, key, inv.ID, api.PayRequest{Gateway: "bank_transfer"})).ok(t)
		f.sameKey(t, "POST", "/v1/invoices/"+inv.ID+"/payments", key)

		key = apiclient.NewIdempotencyKey()
		lose("POST", "/v1/staff/payments/"+p.ID+"/confirm")
		got(f.staff.StaffConfirmPayment(ctx, key, p.ID, api.ConfirmRequest{Reference: p.NextAction.Instructions.Reference})).ok(t)
		f.sameKey(t, "POST", "/v1/staff/payments/"+p.ID+"/confirm", key)

		key = apiclient.NewIdempotencyKey()
		lose("POST", "/v1/vouchers/redeem")
		got(c.RedeemVoucher(ctx, key, "LOST100")).ok(t)
		f.sameKey(t, "POST", "/v1/vouchers/redeem", key)

		svc := serviceInvoice(t, env, cid)
		key = apiclient.NewIdempotencyKey()
		lose("POST", "/v1/invoices/"+svc+"/apply-credit")
		got(c.ApplyCredit(ctx, key, svc, api.ApplyCreditRequest{Amount: billing.New(300, billing.JPY)})).ok(t)
		f.sameKey(t, "POST", "/v1/invoices/"+svc+"/apply-credit", key)

		key = apiclient.NewIdempotencyKey()
		lose("POST", "/v1/staff/customers/"+cid+"/funds")
		open := got(f.staff.StaffAddFunds(ctx, key, cid, addFundsReq(1_000, billing.JPY, "card"))).ok(t)
		f.sameKey(t, "POST", "/v1/staff/customers/"+cid+"/funds", key)

		key = apiclient.NewIdempotencyKey()
		lose("POST", "/v1/invoices/"+open.ID+"/cancel")
		got(c.CancelInvoice(ctx, key, open.ID)).ok(t)
		f.sameKey(t, "POST", "/v1/invoices/"+open.ID+"/cancel", key)

		// Counted on the server: each action happened exactly once.
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM invoices WHERE customer_id = ? AND kind = 'add_funds'`:            2,
			`SELECT COUNT(*) FROM payments WHERE customer_id = ?`:                                   1,
			`SELECT COUNT(*) FROM ledger_entries WHERE customer_id = ? AND kind = 'adjustment'`:     1,
			`SELECT COUNT(*) FROM ledger_entries WHERE customer_id = ? AND kind = 'deposit'`:        1,
			`SELECT COUNT(*) FROM ledger_entries WHERE customer_id = ? AND kind = 'voucher'`:        1,
			`SELECT COUNT(*) FROM ledger_entries WHERE customer_id = ? AND kind = 'credit_applied'`: 1,
		} {
			if n := count(t, env, q, cid); n != want {
				t.Fatalf("%s: %d, want %d", q, n, want)
			}
		}
		if s := got(c.Summary(ctx)).ok(t); s.AvailableCredit.Amount != 5_000+2_000+100-300 {
			t.Fatalf("balance %v", s.AvailableCredit)
		}
	})
}

func TestTransientFaultsAreRetried(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		f := newFaultEnv(t, b, nil)
		ctx := context.Background()

		// Connections refused twice, a body cut off mid-way: GETs recover.
		f.proxy.inject(fault{kind: dropBefore, method: "GET", path: "/v1/me", times: 2})
		got(f.c.Me(ctx)).ok(t)
		if n := len(f.proxy.requests("GET", "/v1/me")); n != 3 {
			t.Fatalf("GET /v1/me: %d attempts, want 3", n)
		}
		f.proxy.inject(fault{kind: cutShort, method: "GET", path: "/v1/billing/config", times: 1})
		got(f.c.Config(ctx)).ok(t)

		// A burst of 503 from a gateway in front of the server.
		f.proxy.inject(fault{kind: unavailable, method: "POST", path: "/v1/funds", times: 2})
		key := apiclient.NewIdempotencyKey()
		got(f.c.AddFunds(ctx, key, addFundsReq(1_000, billing.JPY, "card"))).ok(t)
		f.sameKey(t, "POST", "/v1/funds", key)
		if n := count(t, f.env, `SELECT COUNT(*) FROM invoices WHERE customer_id = ?`, f.cust.ID); n != 1 {
			t.Fatalf("%d invoices from one add-funds action", n)
		}

		// A short Retry-After is honoured.
		f.proxy.inject(fault{kind: rateLimit, method: "GET", path: "/v1/billing/summary", times: 2, retryAfter: "0"})
		got(f.c.Summary(ctx)).ok(t)
		if n := len(f.proxy.requests("GET", "/v1/billing/summary")); n != 3 {
			t.Fatalf("summary: %d attempts, want 3", n)
		}
	})
}

// hangGuard bounds a call that must return, so that a client that waits
// when it should not fails the test instead of hanging it. The bound is
// generous: it only guards a hang, and a busy machine stays well within it.
const hangGuard = time.Minute

// returns runs call and fails the test if it has not returned within
// hangGuard.
func returns[T any](t *testing.T, what string, call func() (T, error)) (T, error) {
	t.Helper()
	type answer struct {
		v   T
		err error
	}
	done := make(chan answer, 1)
	go func() {
		v, err := call()
		done <- answer{v, err}
	}()
	select {
	case a := <-done:
		return a.v, a.err
	case <-time.After(hangGuard):
		t.Fatalf("%s did not return within %v", what, hangGuard)
	}
	var zero T
	return zero, nil
}

func TestSlowAnswersAreRetriedWithinTheDeadline(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		// An attempt gets far more than a busy machine needs to answer.
		f := newFaultEnv(t, b, func(o *apiclient.Options) {
			o.AttemptTimeout = 2 * time.Second
			o.Deadline = 5 * time.Second
		})
		ctx := context.Background()

		// The first answer is held until the attempt gives up; the server
		// had created the invoice, and the retry gets it back.
		f.proxy.inject(fault{kind: slow, method: "POST", path: "/v1/funds", times: 1})
		key := apiclient.NewIdempotencyKey()
		got(f.c.AddFunds(ctx, key, addFundsReq(1_000, billing.JPY, "card"))).ok(t)
		f.sameKey(t, "POST", "/v1/funds", key)
		if n := count(t, f.env, `SELECT COUNT(*) FROM invoices WHERE customer_id = ?`, f.cust.ID); n != 1 {
			t.Fatalf("%d invoices from one add-funds action", n)
		}

		// A server that never answers: the deadline ends the call.
		f.proxy.inject(fault{kind: slow, method: "GET", path: "/v1/me", times: -1})
		_, err := returns(t, "a call to a server that never answers", func() (api.User, error) { return f.c.Me(ctx) })
		if e := apiErr(t, err); !e.IsOffline() || !e.IsTemporary() || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("slow server: %v", err)
		}
	})
}

func TestCallersDoNotWaitForASlowRefreshBeyondTheirContext(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		f := newFaultEnv(t, b, nil)
		// The access token expires, and the answer to the refresh is held
		// until both callers below have returned: if either waited for
		// it, it would never return.
		f.env.Clock.Advance(16 * time.Minute)
		release := make(chan struct{})
		f.proxy.inject(fault{kind: slow, method: "POST", path: "/v1/sessions/refresh", times: 1, release: release})

		// The caller that starts the refresh gives up at its deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := returns(t, "a caller past its deadline", func() (api.Summary, error) { return f.c.Summary(ctx) })
		if e := apiErr(t, err); !e.IsOffline() || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("caller past its deadline: %v", err)
		}

		// One queued behind that refresh is cancelled.
		ctx, cancel = context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		_, err = returns(t, "a cancelled caller", func() (api.User, error) { return f.c.Me(ctx) })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled caller: %v", err)
		}

		// The refresh went on in the background, once, and the session with it.
		close(release)
		got(f.c.Summary(context.Background())).ok(t)
		if n := len(f.proxy.requests("POST", "/v1/sessions/refresh")); n != 1 {
			t.Fatalf("%d refreshes, want 1", n)
		}
	})
}

func TestUnreadableAnswersAreErrorsNotPanics(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		f := newFaultEnv(t, b, nil)
		ctx := context.Background()

		f.proxy.inject(fault{kind: truncate, method: "GET", path: "/v1/billing/summary", times: 1})
		s, err := f.c.Summary(ctx)
		if e := apiErr(t, err); !e.IsBadResponse() || e.IsTemporary() || s.CustomerID != "" {
			t.Fatalf("truncated summary: %v (%+v)", err, s)
		}

		// Garbage in answer to add funds: the action happened, and
		// repeating it with the same key shows the result.
		f.proxy.inject(fault{kind: garbage, method: "POST", path: "/v1/funds", times: 1})
		key := apiclient.NewIdempotencyKey()
		req := addFundsReq(1_000, billing.JPY, "card")
		_, err = f.c.AddFunds(ctx, key, req)
		if e := apiErr(t, err); !e.IsBadResponse() || e.Status != http.StatusCreated {
			t.Fatalf("garbage: %v", err)
		}
		inv := got(f.c.AddFunds(ctx, key, req)).ok(t)
		if n := count(t, f.env, `SELECT COUNT(*) FROM invoices WHERE customer_id = ?`, f.cust.ID); n != 1 || inv.ID == "" {
			t.Fatalf("%d invoices after repeating the action", n)
		}

		// An nginx page that never goes away: retried, then a useful error.
		const nginx = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`
		f.proxy.inject(fault{kind: errorPage, method: "GET", path: "/v1/ledger", times: -1, status: http.StatusBadGateway, page: nginx})
		_, err = f.c.Ledger(ctx, apiclient.PageQuery{})
		if e := apiErr(t, err); e.Status != http.StatusBadGateway || !e.IsTemporary() || e.Code != "" ||
			e.Kind != apiclient.KindUnavailable || e.Detail != "502 Bad Gateway" {
			t.Fatalf("nginx page: %v", err)
		}
		if n := len(f.proxy.requests("GET", "/v1/ledger")); n != 4 {
			t.Fatalf("ledger: %d attempts, want 1 + 3 retries", n)
		}

		// A firewall's block page for a POST: not retried, not a success.
		const waf = `<!DOCTYPE html><html><head><title>Request blocked &amp; logged</title></head><body>Access denied</body></html>`
		f.proxy.inject(fault{kind: errorPage, method: "POST", path: "/v1/vouchers/redeem", times: -1, status: http.StatusForbidden, page: waf})
		_, err = f.c.RedeemVoucher(ctx, apiclient.NewIdempotencyKey(), "ANY")
		if e := apiErr(t, err); !e.IsForbidden() || e.Detail != "Request blocked & logged" {
			t.Fatalf("firewall page: %v", err)
		}
		if n := len(f.proxy.requests("POST", "/v1/vouchers/redeem")); n != 1 {
			t.Fatalf("blocked POST sent %d times", n)
		}

		// A gateway that stays down answers in plain text.
		f.proxy.inject(fault{kind: unavailable, method: "GET", path: "/v1/me", times: -1})
		_, err = f.c.Me(ctx)
		if e := apiErr(t, err); e.Status != http.StatusServiceUnavailable || !strings.Contains(e.Detail, "upstream connect error") {
			t.Fatalf("plain-text 503: %v", err)
		}
	})
}

func TestRateLimits(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		// A budget that fits a Retry-After of a second, not of thirty.
		f := newFaultEnv(t, b, func(o *apiclient.Options) { o.RetryMaxWait = 2 * time.Second })
		ctx := context.Background()

		// A Retry-After within the budget is waited for, whole, before
		// the next attempt (the backoff alone would be milliseconds).
		f.proxy.inject(fault{kind: rateLimit, method: "GET", path: "/v1/me", times: 1, retryAfter: "1"})
		start := time.Now()
		got(f.c.Me(ctx)).ok(t)
		if d := time.Since(start); d < time.Second {
			t.Fatalf("retried after %v despite Retry-After 1 s", d)
		}
		if n := len(f.proxy.requests("GET", "/v1/me")); n != 2 {
			t.Fatalf("me: %d attempts, want 2", n)
		}

		// A Retry-After beyond the client's wait budget is handed to the UI.
		f.proxy.inject(fault{kind: rateLimit, method: "GET", path: "/v1/billing/summary", times: -1, retryAfter: "30"})
		_, err := f.c.Summary(ctx)
		if e := apiErr(t, err); !e.IsRateLimited() || e.RetryAfter != 30*time.Second || !e.IsTemporary() {
			t.Fatalf("rate limited: %v (retry after %v)", err, apiErr(t, err).RetryAfter)
		}
		if n := len(f.proxy.requests("GET", "/v1/billing/summary")); n != 1 {
			t.Fatalf("%d attempts despite Retry-After 30 s", n)
		}
		f.proxy.clear()

		// The real server limits sign-in attempts.
		env := servertest.New(t, b, func(o *server.Options) { o.LoginInterval, o.LoginBurst = time.Hour, 2 })
		c := newClient(t, env.URL, fastOptions(), true)
		var last error
		for range 3 {
			_, last = c.SignIn(ctx, "nobody@example.test", "wrong")
		}
		if e := apiErr(t, last); !e.IsRateLimited() || e.Code != api.CodeRateLimited || e.RetryAfter < time.Minute {
			t.Fatalf("third sign-in: %v", last)
		}
	})
}
