package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// each runs f on every backend (SQLite, and PostgreSQL when configured).
func each(t *testing.T, f func(t *testing.T, b servertest.Backend)) {
	for _, b := range servertest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			f(t, b)
		})
	}
}

func addFunds(t testing.TB, e *servertest.Env, c servertest.Customer, amount int64, gateway string) api.Invoice {
	t.Helper()
	var inv api.Invoice
	e.MustJSON(e.Do("POST", "/v1/funds", c.Token, api.AddFundsRequest{Amount: billing.New(amount, c.Currency), Gateway: gateway,
		PolicyVersion: "2026-06-01"}, servertest.Key()), http.StatusCreated, &inv)
	return inv
}

func pay(t testing.TB, e *servertest.Env, c servertest.Customer, invoiceID, gateway string) api.Payment {
	t.Helper()
	var p api.Payment
	e.MustJSON(e.Do("POST", "/v1/invoices/"+invoiceID+"/payments", c.Token, api.PayRequest{Gateway: gateway}, servertest.Key()), http.StatusCreated, &p)
	return p
}

// checkout submits the sandbox checkout form as a script would.
func checkout(t testing.TB, e *servertest.Env, p api.Payment, form url.Values) api.SandboxResult {
	t.Helper()
	u, err := url.Parse(p.NextAction.URL)
	if err != nil || p.NextAction.Type != api.ActionRedirect {
		t.Fatalf("payment has no redirect: %+v", p.NextAction)
	}
	req, _ := http.NewRequest("POST", e.URL+u.Path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	var res api.SandboxResult
	resp, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	e.MustJSON(readResp(t, resp), http.StatusOK, &res)
	return res
}

func readResp(t testing.TB, resp *http.Response) servertest.Response {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return servertest.Response{Status: resp.StatusCode, Header: resp.Header, Body: []byte(b.String())}
}

func summary(t testing.TB, e *servertest.Env, token string) api.Summary {
	t.Helper()
	var s api.Summary
	e.MustJSON(e.Do("GET", "/v1/billing/summary", token, nil, nil), http.StatusOK, &s)
	return s
}

func ledger(t testing.TB, e *servertest.Env, token string) []api.LedgerEntry {
	t.Helper()
	var all []api.LedgerEntry
	cursor := ""
	for {
		var page api.LedgerPage
		e.MustJSON(e.Do("GET", "/v1/ledger?limit=500&cursor="+cursor, token, nil, nil), http.StatusOK, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}

// checkLedger asserts the ledger is consistent: running balances chain,
// sequence numbers are gap-free, and the last balance is the summary's.
func checkLedger(t testing.TB, e *servertest.Env, token string) []api.LedgerEntry {
	t.Helper()
	entries := ledger(t, e, token)
	var bal int64
	for i := len(entries) - 1; i >= 0; i-- {
		en := entries[i]
		bal += en.Amount.Amount
		if en.BalanceAfter.Amount != bal || bal < 0 {
			t.Fatalf("ledger entry %d: balance_after %d, running sum %d", en.Seq, en.BalanceAfter.Amount, bal)
		}
		if want := int64(len(entries) - i); en.Seq != want {
			t.Fatalf("ledger seq %d, want %d", en.Seq, want)
		}
	}
	if s := summary(t, e, token); s.AvailableCredit.Amount != bal {
		t.Fatalf("summary credit %d, ledger sum %d", s.AvailableCredit.Amount, bal)
	}
	return entries
}

func serviceInvoice(t testing.TB, e *servertest.Env, c servertest.Customer, lines ...server.ServiceLine) string {
	t.Helper()
	now := e.Clock.Now()
	id, err := e.Server.IssueServiceInvoice(context.Background(), c.ID, now, now.Add(14*24*time.Hour), lines)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func adjust(t testing.TB, e *servertest.Env, staff servertest.Customer, c servertest.Customer, amount int64, reason string) api.LedgerResult {
	t.Helper()
	var res api.LedgerResult
	e.MustJSON(e.Do("POST", "/v1/staff/customers/"+c.ID+"/adjustments", staff.Token,
		api.AdjustmentRequest{Amount: billing.New(amount, c.Currency), Reason: reason}, servertest.Key()), http.StatusCreated, &res)
	return res
}

func wantProblem(t testing.TB, r servertest.Response, status int, code string) api.Problem {
	t.Helper()
	p := r.Problem()
	if r.Status != status || p.Code != code {
		t.Fatalf("got %d %q, want %d %q: %s", r.Status, p.Code, status, code, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q", ct)
	}
	return p
}
