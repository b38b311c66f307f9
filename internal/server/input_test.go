package server_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
	"billfold/internal/server/store"
)

func TestBadAddFundsInputChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		u := e.NewCustomer(billing.USD)
		const ok = `"gateway":"card","policy_version":"2026-06-01"`
		cases := []struct {
			name   string
			tok    string
			body   string
			status int
			code   string
			field  string
		}{
			{"negative", c.Token, `{"amount":{"amount":-1000,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"zero", c.Token, `{"amount":{"amount":0,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"decimals", c.Token, `{"amount":{"amount":1000.5,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"exponent", c.Token, `{"amount":{"amount":1e4,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"cents on USD", u.Token, `{"amount":{"amount":10.001,"currency":"USD"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"overflow", c.Token, `{"amount":{"amount":9223372036854775808,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"string amount", c.Token, `{"amount":{"amount":"1000","currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"bare number", c.Token, `{"amount":1000,` + ok + `}`, 400, api.CodeValidation, "amount"},
			{"unknown currency", c.Token, `{"amount":{"amount":1000,"currency":"XXX"},` + ok + `}`, 400, api.CodeValidation, "amount.currency"},
			{"wrong currency", c.Token, `{"amount":{"amount":1000,"currency":"USD"},` + ok + `}`, 422, api.CodeCurrencyMismatch, "amount.currency"},
			{"unknown gateway", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"gateway":"bitcoin","policy_version":"2026-06-01"}`, 422, api.CodeGatewayUnavailable, "gateway"},
			{"missing gateway", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"policy_version":"2026-06-01"}`, 400, api.CodeValidation, "gateway"},
			{"old policy", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"gateway":"card","policy_version":"2020-01-01"}`, 422, api.CodePolicyVersion, "policy_version"},
			{"below minimum", c.Token, `{"amount":{"amount":999,"currency":"JPY"},` + ok + `}`, 422, api.CodeBelowMinimum, "amount.amount"},
			{"above maximum", c.Token, `{"amount":{"amount":500001,"currency":"JPY"},` + ok + `}`, 422, api.CodeAboveMaximum, "amount.amount"},
			{"gateway wrong type", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"gateway":7,"policy_version":"2026-06-01"}`, 400, api.CodeValidation, "gateway"},
			{"unknown field", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},` + ok + `,"discount":50}`, 400, api.CodeValidation, "discount"},
			{"name in capitals", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"GATEWAY":"card","policy_version":"2026-06-01"}`, 400, api.CodeValidation, "GATEWAY"},
			{"money name in capitals", c.Token, `{"amount":{"Amount":1000,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.Amount"},
			// encoding/json keeps the last of repeated keys: ¥1,000 would be ¥500,000.
			{"repeated key", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"amount":{"amount":500000,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount"},
			{"repeated nested key", c.Token, `{"amount":{"amount":1000,"currency":"JPY","amount":500000},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"repeated key, other case", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"gateway":"card","Gateway":"paypal","policy_version":"2026-06-01"}`, 400, api.CodeValidation, "Gateway"},
			{"NUL in a string", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"gateway":"card\u0000","policy_version":"2026-06-01"}`, 400, api.CodeValidation, "gateway"},
			{"NUL in a key", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"gate\u0000way":"card",` + ok + `}`, 400, api.CodeValidation, "body"},
			{"invalid UTF-8", c.Token, "{\"amount\":{\"amount\":1000,\"currency\":\"JPY\"},\"gateway\":\"card\xff\",\"policy_version\":\"2026-06-01\"}", 400, api.CodeInvalidJSON, ""},
			{"malformed", c.Token, `{"amount":{"amount":1000,`, 400, api.CodeInvalidJSON, ""},
			{"not an object", c.Token, `[1,2,3]`, 400, api.CodeInvalidJSON, ""},
			{"trailing data", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},` + ok + `}{}`, 400, api.CodeInvalidJSON, ""},
			{"empty", c.Token, ``, 400, api.CodeInvalidJSON, ""},
			{"oversized", c.Token, `{"gateway":"` + strings.Repeat("a", 70<<10) + `"}`, 413, api.CodeBodyTooLarge, ""},
		}
		for _, tc := range cases {
			r := e.Do("POST", "/v1/funds", tc.tok, []byte(tc.body), servertest.Key())
			p := r.Problem()
			if r.Status != tc.status || p.Code != tc.code {
				t.Errorf("%s: %d %q, want %d %q: %s", tc.name, r.Status, p.Code, tc.status, tc.code, r.Body)
				continue
			}
			if tc.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tc.field) {
				t.Errorf("%s: field errors %+v, want %s", tc.name, p.Errors, tc.field)
			}
		}
		var n int
		if err := e.Server.DB().ReadTx(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(`SELECT (SELECT COUNT(*) FROM invoices) + (SELECT COUNT(*) FROM ledger_entries) + (SELECT COUNT(*) FROM idempotency_keys)`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("bad input wrote %d rows", n)
		}
	})
}

func TestBalanceHeadroomAndUnknownRoutes(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		adjust(t, e, e.NewStaff(), c, 900_000, "Large prepaid balance for the headroom test")
		r := e.Do("POST", "/v1/funds", c.Token, api.AddFundsRequest{Amount: billing.New(100_001, billing.JPY), Gateway: "card", PolicyVersion: "2026-06-01"}, servertest.Key())
		if p := wantProblem(t, r, 422, api.CodeBalanceLimit); !strings.Contains(p.Detail, "¥100,000") {
			t.Fatalf("headroom not explained: %s", p.Detail)
		}
		inv := addFunds(t, e, c, 100_000, "card")
		// Credit that arrives meanwhile uses the headroom: paying the
		// deposit is then refused, before any money moves.
		adjust(t, e, e.NewStaff(), c, 1, "Goodwill")
		r = e.Do("POST", "/v1/invoices/"+inv.ID+"/payments", c.Token, api.PayRequest{Gateway: "card"}, servertest.Key())
		if p := wantProblem(t, r, 422, api.CodeBalanceLimit); len(p.Errors) != 1 || p.Errors[0].Field != "invoice" || !strings.Contains(p.Detail, "¥99,999") {
			t.Fatalf("paying past the balance limit: %+v", p)
		}
		var n int
		if err := e.Server.DB().ReadTx(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(`SELECT COUNT(*) FROM payments WHERE invoice_id = ?`, inv.ID).Scan(&n)
		}); err != nil || n != 0 {
			t.Fatalf("%d payments started (%v)", n, err)
		}
		wantProblem(t, e.Do("GET", "/v1/nothing-here", c.Token, nil, nil), 404, api.CodeNotFound)
	})
}

// badInput is a request that must be refused with a problem.
type badInput struct {
	name   string
	body   string
	status int
	code   string
	field  string // the first field error's; empty when none is expected
}

// refuseAll posts each case to path and checks its problem, then that not a
// row of money, history or idempotency changed.
func refuseAll(t *testing.T, e *servertest.Env, path, token string, cases []badInput) {
	t.Helper()
	before := moneyState(t, e)
	for _, tc := range cases {
		r := e.Do("POST", path, token, []byte(tc.body), servertest.Key())
		p := r.Problem()
		if r.Status != tc.status || p.Code != tc.code || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %q, want %d %q: %s", tc.name, r.Status, p.Code, tc.status, tc.code, r.Body)
			continue
		}
		if tc.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tc.field) {
			t.Errorf("%s: field errors %+v, want %s", tc.name, p.Errors, tc.field)
		}
	}
	if after := moneyState(t, e); after != before {
		t.Fatalf("bad input changed the database: %v, then %v", before, after)
	}
}

func moneyState(t *testing.T, e *servertest.Env) [7]int64 {
	t.Helper()
	var s [7]int64
	if err := e.Server.DB().ReadTx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT (SELECT COUNT(*) FROM ledger_entries), (SELECT COUNT(*) FROM audit_log),
			(SELECT COUNT(*) FROM idempotency_keys), (SELECT COUNT(*) FROM events),
			(SELECT CAST(COALESCE(SUM(balance), 0) AS BIGINT) FROM users),
			(SELECT CAST(COALESCE(SUM(credit_applied + amount_paid), 0) AS BIGINT) FROM invoices),
			(SELECT COUNT(*) FROM invoices WHERE status = 'paid')`).Scan(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6])
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// malformedBodies are refused by any JSON endpoint before it looks at them.
var malformedBodies = []badInput{
	{"malformed", `{"amount":{"amount":1000,`, 400, api.CodeInvalidJSON, ""},
	{"not an object", `[1,2,3]`, 400, api.CodeInvalidJSON, ""},
	{"trailing data", `{"amount":{"amount":100,"currency":"JPY"}}{}`, 400, api.CodeInvalidJSON, ""},
	{"empty", ``, 400, api.CodeInvalidJSON, ""},
	{"oversized", `{"reason":"` + strings.Repeat("a", 70<<10) + `"}`, 413, api.CodeBodyTooLarge, ""},
}

func TestBadAdjustmentInputChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		adjust(t, e, staff, c, 1_000, "Opening balance for the bad input test")
		const reason = `"reason":"Goodwill for the outage"`
		amount := func(v string) string { return `{"amount":{"amount":` + v + `,"currency":"JPY"},` + reason + `}` }
		refuseAll(t, e, "/v1/staff/customers/"+c.ID+"/adjustments", staff.Token, append([]badInput{
			{"debit beyond the credit", amount("-1001"), 422, api.CodeInsufficientCredit, "amount.amount"},
			{"most negative", amount("-9223372036854775808"), 422, api.CodeInsufficientCredit, "amount.amount"},
			{"zero", amount("0"), 400, api.CodeValidation, "amount"},
			{"decimals", amount("1000.5"), 400, api.CodeValidation, "amount.amount"},
			{"exponent", amount("1e4"), 400, api.CodeValidation, "amount.amount"},
			{"cents on USD", `{"amount":{"amount":10.001,"currency":"USD"},` + reason + `}`, 400, api.CodeValidation, "amount.amount"},
			{"overflowing number", amount("9223372036854775808"), 400, api.CodeValidation, "amount.amount"},
			// 1,000 + MaxInt64 wraps to a negative balance.
			{"balance past int64", amount("9223372036854775807"), 422, api.CodeBalanceLimit, "amount.amount"},
			{"over the balance limit", amount("999001"), 422, api.CodeBalanceLimit, "amount.amount"},
			{"string amount", amount(`"1000"`), 400, api.CodeValidation, "amount.amount"},
			{"bare number", `{"amount":1000,` + reason + `}`, 400, api.CodeValidation, "amount"},
			{"unknown currency", `{"amount":{"amount":1000,"currency":"XXX"},` + reason + `}`, 400, api.CodeValidation, "amount.currency"},
			{"wrong currency", `{"amount":{"amount":1000,"currency":"USD"},` + reason + `}`, 422, api.CodeCurrencyMismatch, "amount.currency"},
			{"no reason", `{"amount":{"amount":1000,"currency":"JPY"}}`, 400, api.CodeValidation, "reason"},
			{"repeated reason", `{"amount":{"amount":1000,"currency":"JPY"},` + reason + `,"reason":"other"}`, 400, api.CodeValidation, "reason"},
			{"NUL in the reason", `{"amount":{"amount":1000,"currency":"JPY"},"reason":"Goodwill\u0000"}`, 400, api.CodeValidation, "reason"},
			// What the customer reads must show as it reads: a
			// right-to-left override, an escape sequence, a line break.
			{"direction override in the reason", `{"amount":{"amount":1000,"currency":"JPY"},"reason":"Refund \u202e0001 JPY"}`, 400, api.CodeValidation, "reason"},
			{"escape in the reason", `{"amount":{"amount":1000,"currency":"JPY"},"reason":"Goodwill\u001b[2J"}`, 400, api.CodeValidation, "reason"},
			{"line break in the reason", `{"amount":{"amount":1000,"currency":"JPY"},"reason":"Goodwill\nfor you"}`, 400, api.CodeValidation, "reason"},
			{"half a surrogate pair in the reason", `{"amount":{"amount":1000,"currency":"JPY"},"reason":"Goodwill \ud800 now"}`, 400, api.CodeValidation, "reason"},
			{"unknown field", `{"amount":{"amount":1000,"currency":"JPY"},` + reason + `,"approved":true}`, 400, api.CodeValidation, "approved"},
		}, malformedBodies...))
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 1_000 {
			t.Fatalf("credit %d, want 1,000", s.AvailableCredit.Amount)
		}
	})
}

func TestBadApplyCreditInputChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		adjust(t, e, e.NewStaff(), c, 1_000, "Opening balance for the bad input test")
		id := serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 1_000, TaxRate: 10}) // ¥1,100 due
		amount := func(v string) string { return `{"amount":{"amount":` + v + `,"currency":"JPY"}}` }
		refuseAll(t, e, "/v1/invoices/"+id+"/apply-credit", c.Token, append([]badInput{
			{"negative", amount("-100"), 400, api.CodeValidation, "amount.amount"},
			{"zero", amount("0"), 400, api.CodeValidation, "amount.amount"},
			{"decimals", amount("100.5"), 400, api.CodeValidation, "amount.amount"},
			{"exponent", amount("1e2"), 400, api.CodeValidation, "amount.amount"},
			{"cents on USD", `{"amount":{"amount":1.001,"currency":"USD"}}`, 400, api.CodeValidation, "amount.amount"},
			{"overflowing number", amount("9223372036854775808"), 400, api.CodeValidation, "amount.amount"},
			{"largest number", amount("9223372036854775807"), 422, api.CodeAmountExceedsDue, "amount.amount"},
			{"more than the credit", amount("1100"), 422, api.CodeInsufficientCredit, "amount.amount"},
			{"string amount", amount(`"100"`), 400, api.CodeValidation, "amount.amount"},
			{"bare number", `{"amount":100}`, 400, api.CodeValidation, "amount"},
			{"no amount", `{}`, 400, api.CodeValidation, "amount"},
			{"unknown currency", `{"amount":{"amount":100,"currency":"XXX"}}`, 400, api.CodeValidation, "amount.currency"},
			{"wrong currency", `{"amount":{"amount":100,"currency":"USD"}}`, 422, api.CodeCurrencyMismatch, "amount.currency"},
			{"unknown field", `{"amount":{"amount":100,"currency":"JPY"},"discount":5}`, 400, api.CodeValidation, "discount"},
		}, malformedBodies...))
		var inv api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+id, c.Token, nil, nil), 200, &inv)
		if inv.Status != billing.InvoiceUnpaid || inv.CreditApplied.Amount != 0 {
			t.Fatalf("invoice changed: %+v", inv)
		}
	})
}

// A voucher whose amount would wrap the balance past int64 hits the
// balance limit instead of slipping under it.
func TestVoucherPastInt64IsRefused(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		if err := e.Server.CreateVoucher(context.Background(), "HUGE", billing.New(math.MaxInt64, billing.JPY), time.Time{}); err != nil {
			t.Fatal(err)
		}
		c := e.NewCustomer(billing.JPY)
		adjust(t, e, e.NewStaff(), c, 1_000, "Opening balance for the voucher test")
		p := wantProblem(t, e.Do("POST", "/v1/vouchers/redeem", c.Token, api.RedeemRequest{Code: "HUGE"}, nil), 422, api.CodeBalanceLimit)
		if len(p.Errors) == 0 || p.Errors[0].Field != "code" {
			t.Fatalf("field errors: %+v", p.Errors)
		}
		checkLedger(t, e, c.Token)
	})
}
