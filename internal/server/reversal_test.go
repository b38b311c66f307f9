package server_test

import (
	"net/http"
	"testing"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// TestAdjustmentReversal: a correction is a reversal entry that undoes an
// earlier adjustment exactly, once; the ledger keeps both and still sums to
// the balance.
func TestAdjustmentReversal(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff, c, other := e.NewStaff(), e.NewCustomer(billing.JPY), e.NewCustomer(billing.JPY)
		wrong := adjust(t, e, staff, c, 5_000, "Goodwill credit (booked to the wrong customer)")
		adjust(t, e, staff, c, 700, "Goodwill credit")
		reverse := func(amount int64, reverses string) servertest.Response {
			return e.Do("POST", "/v1/staff/customers/"+c.ID+"/adjustments", staff.Token, api.AdjustmentRequest{
				Amount: billing.New(amount, billing.JPY), Reason: "Reversal: booked to the wrong customer", Reverses: reverses}, servertest.Key())
		}
		for _, bad := range []struct {
			name        string
			amount      int64
			reverses    string
			status      int
			code, field string
		}{
			{"not exact", -4_000, wrong.Entry.ID, 400, api.CodeValidation, "amount.amount"},
			{"unknown entry", -5_000, "led_nope", 400, api.CodeValidation, "reverses"},
			{"another customer's entry", -300, adjust(t, e, staff, other, 300, "Other").Entry.ID, 400, api.CodeValidation, "reverses"},
		} {
			p := wantProblem(t, reverse(bad.amount, bad.reverses), bad.status, bad.code)
			if len(p.Errors) == 0 || p.Errors[0].Field != bad.field {
				t.Errorf("%s: field errors %+v, want %s", bad.name, p.Errors, bad.field)
			}
		}
		var res api.LedgerResult
		e.MustJSON(reverse(-5_000, wrong.Entry.ID), http.StatusCreated, &res)
		if res.Entry.Kind != billing.LedgerReversal || res.Entry.Reference != wrong.Entry.ID || res.Balance.Amount != 700 {
			t.Fatalf("reversal: %+v", res)
		}
		wantProblem(t, reverse(-5_000, wrong.Entry.ID), 409, api.CodeAlreadyReversed)
		// A reversal is not reversed by hand, nor is an entry tied to an invoice.
		p := wantProblem(t, e.Do("POST", "/v1/staff/customers/"+c.ID+"/adjustments", staff.Token, api.AdjustmentRequest{
			Amount: billing.New(5_000, billing.JPY), Reason: "Undo the undo", Reverses: res.Entry.ID}, servertest.Key()), 400, api.CodeValidation)
		if p.Errors[0].Field != "reverses" {
			t.Errorf("reversing a reversal: %+v", p.Errors)
		}
		entries := checkLedger(t, e, c.Token)
		if len(entries) != 3 || entries[0].Kind != billing.LedgerReversal || entries[0].Description != "Reversal: booked to the wrong customer" {
			t.Fatalf("customer's ledger: %+v", entries)
		}
	})
}
