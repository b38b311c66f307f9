package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

func TestCardPaymentWith3DSecureCreditsOnce(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		inv := addFunds(t, e, c, 10_000, "card")
		if inv.Kind != billing.KindAddFunds || inv.Status != billing.InvoiceUnpaid || inv.Total.Amount != 10_000 || inv.Tax.Amount != 0 {
			t.Fatalf("add-funds invoice: %+v", inv)
		}
		if inv.PolicyVersion != "2026-06-01" || len(inv.TaxByRate) != 0 {
			t.Fatalf("policy/tax on deposit: %+v", inv)
		}
		var stored api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+inv.ID, c.Token, nil, nil), 200, &stored)
		if !reflect.DeepEqual(stored, inv) {
			t.Fatalf("created invoice differs from the stored one:\n%+v\n%+v", inv, stored)
		}
		if s := summary(t, e, c.Token); s.OpenAddFunds == nil || s.OpenAddFunds.ID != inv.ID {
			t.Fatalf("summary does not show the open invoice: %+v", s)
		}
		p := pay(t, e, c, inv.ID, "card")
		if p.State != billing.PaymentAwaitingAction || !strings.HasPrefix(p.NextAction.URL, e.URL+"/sandbox/checkout/") {
			t.Fatalf("payment: %+v", p)
		}
		// The checkout page renders for a browser.
		resp, err := http.Get(p.NextAction.URL)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("checkout page: %v %v", err, resp)
		}
		resp.Body.Close()

		res := checkout(t, e, p, url.Values{"action": {"approve"}, "card_number": {"4000 0027 6000 3184"}})
		if res.Status != "challenge_required" {
			t.Fatalf("3DS card without code: %+v", res)
		}
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 0 {
			t.Fatalf("credit before the challenge: %+v", s.AvailableCredit)
		}
		res = checkout(t, e, p, url.Values{"action": {"approve"}, "card_number": {"4000002760003184"}, "challenge_code": {"123456"}})
		if res.Status != "succeeded" {
			t.Fatalf("3DS with code: %+v", res)
		}
		// Submitting again changes nothing.
		res = checkout(t, e, p, url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}})
		if res.Status != "succeeded" {
			t.Fatalf("second submit: %+v", res)
		}
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 10_000 || s.OpenAddFunds != nil {
			t.Fatalf("after payment: %+v", s)
		}
		var got api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+inv.ID, c.Token, nil, nil), 200, &got)
		if got.Status != billing.InvoicePaid || got.PaidAt == nil || got.BalanceDue.Amount != 0 || got.Payments[0].State != billing.PaymentSucceeded {
			t.Fatalf("invoice after payment: %+v", got)
		}
		entries := checkLedger(t, e, c.Token)
		if len(entries) != 1 || entries[0].Kind != billing.LedgerDeposit || entries[0].PaymentID != p.ID {
			t.Fatalf("ledger: %+v", entries)
		}
	})
}

func TestDeclinedAndFailedChallengeLeaveInvoiceUnpaid(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.USD)
		inv := addFunds(t, e, c, 50_00, "card")
		for _, form := range []url.Values{
			{"action": {"approve"}, "card_number": {"4000000000000002"}},
			{"action": {"approve"}, "card_number": {"4000002760003184"}, "challenge_code": {"000000"}},
			{"action": {"decline"}},
		} {
			p := pay(t, e, c, inv.ID, "card")
			if res := checkout(t, e, p, form); res.Status != "declined" {
				t.Fatalf("%v: %+v", form, res)
			}
			var got api.Payment
			e.MustJSON(e.Do("GET", "/v1/payments/"+p.ID, c.Token, nil, nil), 200, &got)
			if got.State != billing.PaymentFailed || got.FailureReason == "" {
				t.Fatalf("payment after %v: %+v", form, got)
			}
		}
		// Unknown test card: the checkout stays open.
		p := pay(t, e, c, inv.ID, "paypal")
		if res := checkout(t, e, p, url.Values{"action": {"approve"}}); res.Status != "succeeded" {
			t.Fatalf("paypal approve: %+v", res)
		}
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 50_00 {
			t.Fatalf("credit: %+v", s.AvailableCredit)
		}
		checkLedger(t, e, c.Token)
	})
}

func TestBankTransferConfirmedByStaff(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		inv := addFunds(t, e, c, 20_000, "bank_transfer")
		p := pay(t, e, c, inv.ID, "bank_transfer")
		in := p.NextAction.Instructions
		if p.NextAction.Type != api.ActionInstructions || in == nil || in.Amount.Amount != 20_000 || !strings.HasPrefix(in.Reference, "BF-") || in.AccountNumber == "" {
			t.Fatalf("instructions: %+v", p.NextAction)
		}
		// Wrong reference is refused and changes nothing.
		wantProblem(t, e.Do("POST", "/v1/staff/payments/"+p.ID+"/confirm", staff.Token, api.ConfirmRequest{Reference: "BF-XXXX-XXXX"}, nil), 400, api.CodeValidation)
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 0 {
			t.Fatal("credited on a wrong reference")
		}
		var got api.Payment
		e.MustJSON(e.Do("POST", "/v1/staff/payments/"+p.ID+"/confirm", staff.Token, api.ConfirmRequest{Reference: in.Reference, Note: "statement 11/25"}, nil), 200, &got)
		if got.State != billing.PaymentSucceeded {
			t.Fatalf("confirmed payment: %+v", got)
		}
		// Confirming twice is harmless.
		e.MustJSON(e.Do("POST", "/v1/staff/payments/"+p.ID+"/confirm", staff.Token, api.ConfirmRequest{Reference: in.Reference}, nil), 200, &got)
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 20_000 {
			t.Fatalf("credit: %+v", s.AvailableCredit)
		}
		entries := checkLedger(t, e, c.Token)
		if len(entries) != 1 || entries[0].Actor != staff.Email {
			t.Fatalf("ledger: %+v", entries)
		}
		var audit api.AuditPage
		e.MustJSON(e.Do("GET", "/v1/staff/audit?customer_id="+c.ID, staff.Token, nil, nil), 200, &audit)
		if len(audit.Items) == 0 || audit.Items[0].Action != "payment.confirm" || audit.Items[0].Actor != staff.Email {
			t.Fatalf("audit: %+v", audit)
		}
		// A USD account cannot use the JPY bank account.
		u := e.NewCustomer(billing.USD)
		r := e.Do("POST", "/v1/funds", u.Token, api.AddFundsRequest{Amount: billing.New(20_00, billing.USD), Gateway: "bank_transfer", PolicyVersion: "2026-06-01"}, servertest.Key())
		wantProblem(t, r, 422, api.CodeGatewayUnavailable)
	})
}

func TestApplyCreditPartialThenFull(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		staff := e.NewStaff()
		adjust(t, e, staff, c, 5_000, "Goodwill credit for the outage on 11/20")
		id := serviceInvoice(t, e, c,
			server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 3_300, TaxRate: 10},
			server.ServiceLine{Description: "Water", Quantity: 3, UnitPrice: 333, TaxRate: 8})
		var inv api.Invoice
		e.MustJSON(e.Do("GET", "/v1/invoices/"+id, c.Token, nil, nil), 200, &inv)
		// 10%: 3,300 → 330; 8%: 999 → 79 (rounded down once per rate).
		if inv.Subtotal.Amount != 4_299 || inv.Tax.Amount != 409 || inv.Total.Amount != 4_708 || len(inv.TaxByRate) != 2 ||
			inv.TaxByRate[0].Rate != 10 || inv.TaxByRate[0].Tax.Amount != 330 || inv.TaxByRate[1].Tax.Amount != 79 {
			t.Fatalf("totals: %+v %+v", inv, inv.TaxByRate)
		}
		if !strings.HasPrefix(inv.Seller.RegistrationNumber, "T") || len(inv.Seller.RegistrationNumber) != 14 {
			t.Fatalf("registration number %q", inv.Seller.RegistrationNumber)
		}
		var res api.ApplyCreditResult
		e.MustJSON(e.Do("POST", "/v1/invoices/"+id+"/apply-credit", c.Token, api.ApplyCreditRequest{Amount: billing.New(1_000, billing.JPY)}, servertest.Key()), 200, &res)
		if res.Invoice.Status != billing.InvoiceUnpaid || res.Invoice.BalanceDue.Amount != 3_708 || res.Balance.Amount != 4_000 {
			t.Fatalf("partial: %+v", res)
		}
		wantProblem(t, e.Do("POST", "/v1/invoices/"+id+"/apply-credit", c.Token, api.ApplyCreditRequest{Amount: billing.New(3_709, billing.JPY)}, servertest.Key()), 422, api.CodeAmountExceedsDue)
		e.MustJSON(e.Do("POST", "/v1/invoices/"+id+"/apply-credit", c.Token, api.ApplyCreditRequest{Amount: billing.New(3_708, billing.JPY)}, servertest.Key()), 200, &res)
		if res.Invoice.Status != billing.InvoicePaid || res.Invoice.CreditApplied.Amount != 4_708 || res.Balance.Amount != 292 {
			t.Fatalf("full: %+v", res)
		}
		wantProblem(t, e.Do("POST", "/v1/invoices/"+id+"/apply-credit", c.Token, api.ApplyCreditRequest{Amount: billing.New(1, billing.JPY)}, servertest.Key()), 409, api.CodeInvoiceNotPayable)
		// Credit cannot pay a deposit.
		dep := addFunds(t, e, c, 1_000, "card")
		wantProblem(t, e.Do("POST", "/v1/invoices/"+dep.ID+"/apply-credit", c.Token, api.ApplyCreditRequest{Amount: billing.New(100, billing.JPY)}, servertest.Key()), 409, api.CodeCreditNotAllowed)
		entries := checkLedger(t, e, c.Token)
		if entries[len(entries)-1].Description != "Goodwill credit for the outage on 11/20" {
			t.Fatalf("adjustment reason not in ledger: %+v", entries[len(entries)-1])
		}
	})
}

func TestVouchers(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b, func(o *server.Options) { o.VoucherInterval, o.VoucherBurst = time.Hour, 4 })
		ctx := context.Background()
		if err := e.Server.CreateVoucher(ctx, "WELCOME1000", billing.New(1_000, billing.JPY), time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := e.Server.CreateVoucher(ctx, "OLD", billing.New(500, billing.JPY), e.Clock.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		c := e.NewCustomer(billing.JPY)
		var res api.LedgerResult
		e.MustJSON(e.Do("POST", "/v1/vouchers/redeem", c.Token, api.RedeemRequest{Code: " welcome1000 "}, nil), 200, &res)
		if res.Balance.Amount != 1_000 || res.Entry.Kind != billing.LedgerVoucher {
			t.Fatalf("redeem: %+v", res)
		}
		wantProblem(t, e.Do("POST", "/v1/vouchers/redeem", c.Token, api.RedeemRequest{Code: "WELCOME1000"}, nil), 422, api.CodeVoucherRedeemed)
		wantProblem(t, e.Do("POST", "/v1/vouchers/redeem", c.Token, api.RedeemRequest{Code: "OLD"}, nil), 422, api.CodeVoucherExpired)
		wantProblem(t, e.Do("POST", "/v1/vouchers/redeem", c.Token, api.RedeemRequest{Code: "NOPE"}, nil), 422, api.CodeVoucherInvalid)
		r := e.Do("POST", "/v1/vouchers/redeem", c.Token, api.RedeemRequest{Code: "NOPE2"}, nil)
		p := wantProblem(t, r, 429, api.CodeRateLimited)
		if r.Header.Get("Retry-After") == "" || p.RetryAfter < 1 {
			t.Fatalf("no Retry-After: %v %+v", r.Header, p)
		}
		// A USD customer has no JPY voucher.
		u := e.NewCustomer(billing.USD)
		wantProblem(t, e.Do("POST", "/v1/vouchers/redeem", u.Token, api.RedeemRequest{Code: "WELCOME1000"}, nil), 422, api.CodeVoucherInvalid)
		// Typed with a Japanese input method: full-width, an ideographic
		// space after it. It was not valid.
		j := e.NewCustomer(billing.JPY)
		e.MustJSON(e.Do("POST", "/v1/vouchers/redeem", j.Token, api.RedeemRequest{Code: "ｗｅｌｃｏｍｅ１０００　"}, nil), 200, &res)
		if res.Balance.Amount != 1_000 {
			t.Fatalf("full-width code: %+v", res)
		}
		checkLedger(t, e, c.Token)
	})
}

func TestCancelOwnAddFundsInvoice(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.EUR)
		inv := addFunds(t, e, c, 20_00, "card")
		p := pay(t, e, c, inv.ID, "card")
		wantProblem(t, e.Do("POST", "/v1/funds", c.Token, api.AddFundsRequest{Amount: billing.New(20_00, billing.EUR), Gateway: "card", PolicyVersion: "2026-06-01"}, servertest.Key()), 409, api.CodeOpenInvoiceExists)
		var got api.Invoice
		e.MustJSON(e.Do("POST", "/v1/invoices/"+inv.ID+"/cancel", c.Token, nil, nil), 200, &got)
		if got.Status != billing.InvoiceCancelled || got.CancelledAt == nil || got.Payments[0].State != billing.PaymentExpired {
			t.Fatalf("cancelled: %+v", got)
		}
		if res := checkout(t, e, p, url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}}); res.Status == "succeeded" {
			t.Fatal("paid a cancelled invoice")
		}
		wantProblem(t, e.Do("POST", "/v1/invoices/"+inv.ID+"/cancel", c.Token, nil, nil), 409, api.CodeNotCancellable)
		addFunds(t, e, c, 20_00, "card") // a new one is allowed now
		svc := serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: 10_00, TaxRate: 10})
		wantProblem(t, e.Do("POST", "/v1/invoices/"+svc+"/cancel", c.Token, nil, nil), 409, api.CodeNotCancellable)
	})
}

func TestCheckoutExpires(t *testing.T) {
	e := servertest.New(t, servertest.Backends(t)[0])
	c := e.NewCustomer(billing.JPY)
	inv := addFunds(t, e, c, 5_000, "card")
	p := pay(t, e, c, inv.ID, "card")
	e.Clock.Advance(31 * time.Minute)
	c.Token = e.SignIn(c.Email, c.Password).AccessToken // the old token expired too
	if res := checkout(t, e, p, url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}}); res.Status != "expired" {
		t.Fatalf("expired checkout: %+v", res)
	}
	var got api.Payment
	e.MustJSON(e.Do("GET", "/v1/payments/"+p.ID, c.Token, nil, nil), 200, &got)
	if got.State != billing.PaymentExpired || got.NextAction.Type != api.ActionNone {
		t.Fatalf("payment: %+v", got)
	}
}

func TestInvoicePaginationAndFilter(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		for i := range 23 {
			e.Clock.Advance(time.Second)
			id := serviceInvoice(t, e, c, server.ServiceLine{Description: "VPS", Quantity: 1, UnitPrice: int64(1000 + i), TaxRate: 10})
			if i%4 == 0 {
				e.MustJSON(e.Do("POST", "/v1/invoices/"+id+"/cancel", c.Token, nil, nil), 409, nil)
			}
		}
		seen := map[string]bool{}
		var last time.Time
		cursor := ""
		for pages := 0; ; pages++ {
			var page api.InvoicePage
			e.MustJSON(e.Do("GET", "/v1/invoices?limit=5&status=unpaid&cursor="+cursor, c.Token, nil, nil), 200, &page)
			// The summaries page the same way: the same invoices, each as
			// its full invoice has it, and the same next page.
			var sums api.InvoiceSummaryPage
			e.MustJSON(e.Do("GET", "/v1/invoice-summaries?limit=5&status=unpaid&cursor="+cursor, c.Token, nil, nil), 200, &sums)
			if len(sums.Items) != len(page.Items) || sums.NextCursor != page.NextCursor {
				t.Fatalf("summaries: %d, next %q; invoices: %d, next %q", len(sums.Items), sums.NextCursor, len(page.Items), page.NextCursor)
			}
			for i, inv := range page.Items {
				if seen[inv.ID] || (!last.IsZero() && inv.IssuedAt.After(last)) || inv.Status != billing.InvoiceUnpaid {
					t.Fatalf("page order/duplicate at %s", inv.Number)
				}
				if want := inv.Summary(); sums.Items[i] != want {
					t.Fatalf("summary %+v, want %+v", sums.Items[i], want)
				}
				seen[inv.ID], last = true, inv.IssuedAt
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 23 {
			t.Fatalf("saw %d invoices, want 23", len(seen))
		}
		for _, path := range []string{"/v1/invoices", "/v1/invoice-summaries"} {
			wantProblem(t, e.Do("GET", path+"?status=bogus", c.Token, nil, nil), 400, api.CodeValidation)
			wantProblem(t, e.Do("GET", path+"?limit=0", c.Token, nil, nil), 400, api.CodeValidation)
			wantProblem(t, e.Do("GET", path+"?limit=501", c.Token, nil, nil), 400, api.CodeValidation)
			wantProblem(t, e.Do("GET", path+"?cursor=!!", c.Token, nil, nil), 400, api.CodeValidation)
		}
		// Another customer's list is their own (empty); staff have their
		// own endpoints.
		var other api.InvoiceSummaryPage
		e.MustJSON(e.Do("GET", "/v1/invoice-summaries?limit=500", e.NewCustomer(billing.JPY).Token, nil, nil), 200, &other)
		if len(other.Items) != 0 {
			t.Fatalf("another customer sees %d invoices", len(other.Items))
		}
		wantProblem(t, e.Do("GET", "/v1/invoice-summaries", e.NewStaff().Token, nil, nil), 403, api.CodeForbidden)
	})
}

// openEvents opens the customer's event stream; ctx bounds it.
func openEvents(ctx context.Context, t *testing.T, e *servertest.Env, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.URL+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.Client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("events: %v %v", err, resp)
	}
	return resp
}

func TestEventsStreamBalanceAndResume(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		resp := openEvents(ctx, t, e, c.Token)
		defer resp.Body.Close()
		inv := addFunds(t, e, c, 3_000, "card")
		p := pay(t, e, c, inv.ID, "card")
		checkout(t, e, p, url.Values{"action": {"approve"}, "card_number": {"4242424242424242"}})

		sc := bufio.NewScanner(resp.Body)
		var ids []string
		for sc.Scan() {
			line := sc.Text()
			if id, ok := strings.CutPrefix(line, "id: "); ok {
				ids = append(ids, id)
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				var ev api.Event
				if err := json.Unmarshal([]byte(data), &ev); err != nil {
					t.Fatalf("event %q: %v", data, err)
				}
				if ev.Type == api.EventBalance && ev.Balance.Amount == 3_000 {
					break
				}
			}
		}
		if len(ids) < 3 {
			t.Fatalf("events before balance: %v (%v)", ids, sc.Err())
		}
		cancel()
		// Resuming after the first event replays the rest.
		req, _ := http.NewRequestWithContext(context.Background(), "GET", e.URL+"/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+c.Token)
		req.Header.Set("Last-Event-ID", ids[0])
		rctx, rcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer rcancel()
		resp2, err := e.Client.Do(req.WithContext(rctx))
		if err != nil {
			t.Fatal(err)
		}
		defer resp2.Body.Close()
		sc = bufio.NewScanner(resp2.Body)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
				if id != ids[1] {
					t.Fatalf("resumed at %s, want %s", id, ids[1])
				}
				return
			}
		}
		t.Fatal("no replayed event")
	})
}

// Signing out ends the streams the session opened (the deadline only
// guards a hang: before, the stream outlived its token).
func TestSignOutEndsEventStream(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		c := e.NewCustomer(billing.JPY)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		resp := openEvents(ctx, t, e, c.Token)
		defer resp.Body.Close()
		if r := e.Do("DELETE", "/v1/sessions/current", c.Token, nil, nil); r.Status != http.StatusNoContent {
			t.Fatalf("sign out: %d %s", r.Status, r.Body)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			t.Fatalf("stream did not end cleanly after sign-out: %v", err)
		}
	})
}

func TestDemoData(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		if seeded, err := e.Server.SeedDemo(context.Background()); err != nil || !seeded {
			t.Fatalf("seed: %v %v", seeded, err)
		}
		if seeded, err := e.Server.SeedDemo(context.Background()); err != nil || seeded {
			t.Fatalf("second seed must do nothing: %v %v", seeded, err)
		}
		for _, email := range []string{server.DemoCustomerJA, server.DemoCustomerEN} {
			tok := e.SignIn(email, server.DemoPassword).AccessToken
			s := summary(t, e, tok)
			if s.OverdueCount != 1 || s.UnpaidCount != 2 || s.AvailableCredit.Amount <= 0 {
				t.Fatalf("%s summary: %+v", email, s)
			}
			var page api.InvoicePage
			e.MustJSON(e.Do("GET", "/v1/invoices?limit=500", tok, nil, nil), 200, &page)
			rates := map[billing.TaxRate]bool{}
			for _, inv := range page.Items {
				for _, r := range inv.TaxByRate {
					rates[r.Rate] = true
				}
			}
			want := 13 // a year of service invoices and a deposit
			if email == server.DemoCustomerJA {
				want++ // the deposit the demo statement paid
			}
			if len(page.Items) != want || !rates[10] || !rates[8] {
				t.Fatalf("%s: %d invoices, rates %v", email, len(page.Items), rates)
			}
			// Overdue, unpaid, paid, credited: each summary as its invoice.
			var sums api.InvoiceSummaryPage
			e.MustJSON(e.Do("GET", "/v1/invoice-summaries?limit=500", tok, nil, nil), 200, &sums)
			if len(sums.Items) != len(page.Items) {
				t.Fatalf("%s: %d summaries of %d invoices", email, len(sums.Items), len(page.Items))
			}
			for i, inv := range page.Items {
				if sums.Items[i] != inv.Summary() {
					t.Fatalf("%s: summary %d is %+v, want %+v", email, i, sums.Items[i], inv.Summary())
				}
			}
			checkLedger(t, e, tok)
			var res api.LedgerResult
			e.MustJSON(e.Do("POST", "/v1/vouchers/redeem", tok, api.RedeemRequest{Code: "WELCOME1000"}, nil), 200, &res)
			wantProblem(t, e.Do("POST", "/v1/vouchers/redeem", tok, api.RedeemRequest{Code: "SUMMER2025"}, nil), 422, api.CodeVoucherExpired)
		}
		staff := e.SignIn(server.DemoStaff, server.DemoPassword)
		var list api.CustomerList
		e.MustJSON(e.Do("GET", "/v1/staff/customers?q=yamada", staff.AccessToken, nil, nil), 200, &list)
		if len(list.Items) != 1 || list.Items[0].Name != "山田 太郎" {
			t.Fatalf("staff search: %+v", list)
		}
		// The week's bank statement: yamada's transfer matched and
		// credited, a transfer nobody announced queued.
		var statements api.BankStatementPage
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements", staff.AccessToken, nil, nil), 200, &statements)
		if len(statements.Items) != 1 || statements.Items[0].Matched != 1 || statements.Items[0].Queued != 1 {
			t.Fatalf("demo statements: %+v", statements)
		}
		var st api.BankStatement
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements/"+statements.Items[0].ID, staff.AccessToken, nil, nil), 200, &st)
		if m := lineOf(t, st, 2); m.State != api.LineMatched || m.Payment == nil || m.Payment.CustomerID != list.Items[0].ID ||
			m.Payment.State != billing.PaymentSucceeded {
			t.Fatalf("demo statement's matched line: %+v", m)
		}
		if q := lineOf(t, st, 3); q.State != api.LineQueued || q.Reason != api.QueueNoMatch {
			t.Fatalf("demo statement's queued line: %+v", q)
		}
	})
}
