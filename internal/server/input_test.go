package server_test

import (
	"context"
	"strings"
	"testing"

	"billfold/api"
	"billfold/billing"
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
			{"negative", c.Token, `{"amount":{"amount":-1000,"currency":"JPY"},` + ok + `}`, 422, api.CodeValidation, "amount.amount"},
			{"zero", c.Token, `{"amount":{"amount":0,"currency":"JPY"},` + ok + `}`, 422, api.CodeValidation, "amount.amount"},
			{"decimals", c.Token, `{"amount":{"amount":1000.5,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"exponent", c.Token, `{"amount":{"amount":1e4,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"cents on USD", u.Token, `{"amount":{"amount":10.001,"currency":"USD"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"overflow", c.Token, `{"amount":{"amount":9223372036854775808,"currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"string amount", c.Token, `{"amount":{"amount":"1000","currency":"JPY"},` + ok + `}`, 400, api.CodeValidation, "amount.amount"},
			{"bare number", c.Token, `{"amount":1000,` + ok + `}`, 400, api.CodeValidation, "amount"},
			{"unknown currency", c.Token, `{"amount":{"amount":1000,"currency":"XXX"},` + ok + `}`, 400, api.CodeValidation, "amount.currency"},
			{"wrong currency", c.Token, `{"amount":{"amount":1000,"currency":"USD"},` + ok + `}`, 422, api.CodeCurrencyMismatch, "amount.currency"},
			{"unknown gateway", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"gateway":"bitcoin","policy_version":"2026-06-01"}`, 422, api.CodeGatewayUnavailable, "gateway"},
			{"missing gateway", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"policy_version":"2026-06-01"}`, 422, api.CodeValidation, "gateway"},
			{"old policy", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"gateway":"card","policy_version":"2020-01-01"}`, 422, api.CodePolicyVersion, "policy_version"},
			{"below minimum", c.Token, `{"amount":{"amount":999,"currency":"JPY"},` + ok + `}`, 422, api.CodeBelowMinimum, "amount.amount"},
			{"above maximum", c.Token, `{"amount":{"amount":500001,"currency":"JPY"},` + ok + `}`, 422, api.CodeAboveMaximum, "amount.amount"},
			{"gateway wrong type", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},"gateway":7,"policy_version":"2026-06-01"}`, 400, api.CodeValidation, "gateway"},
			{"unknown field", c.Token, `{"amount":{"amount":1000,"currency":"JPY"},` + ok + `,"discount":50}`, 400, api.CodeValidation, "discount"},
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
		addFunds(t, e, c, 100_000, "card")
		wantProblem(t, e.Do("GET", "/v1/nothing-here", c.Token, nil, nil), 404, api.CodeNotFound)
	})
}
