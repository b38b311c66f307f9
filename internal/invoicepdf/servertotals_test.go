package invoicepdf

import (
	"context"
	"net/http"
	"testing"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// TestTotalsEqualTheServers renders invoices the reference server issued
// and computed (tax once per rate, partial credit applied) in JPY, USD and
// EUR, as the client receives them, and reads every total back from the
// PDF: it must equal the server's to the minor unit.
func TestTotalsEqualTheServers(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	staff := env.NewStaff()
	ctx := context.Background()
	// Prices whose per-line tax would round differently from the tax per
	// rate: 3 × 333 and 1,999 at 10 %, 3 × 1,234 and 77 at 8 %.
	lines := []server.ServiceLine{
		{Description: "VPS 2GB", Quantity: 3, UnitPrice: 333, TaxRate: 10},
		{Description: "Backups", Quantity: 1, UnitPrice: 1_999, TaxRate: 10},
		{Description: "Newsletter (reduced rate)", Quantity: 3, UnitPrice: 1_234, TaxRate: 8},
		{Description: "Snacks", Quantity: 1, UnitPrice: 77, TaxRate: 8},
	}
	for _, cur := range []billing.Currency{billing.JPY, billing.USD, billing.EUR} {
		t.Run(string(cur), func(t *testing.T) {
			cust := env.NewCustomer(cur)
			at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
			id, err := env.Server.IssueServiceInvoice(ctx, cust.ID, at, at.AddDate(0, 0, 30), lines)
			if err != nil {
				t.Fatal(err)
			}
			c, err := apiclient.New(env.URL, apiclient.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.SignIn(ctx, cust.Email, cust.Password); err != nil {
				t.Fatal(err)
			}
			// Part of it paid with credit, so that credit applied and the
			// balance due are printed too.
			part := billing.New(1_001, cur)
			env.MustJSON(env.Do("POST", "/v1/staff/customers/"+cust.ID+"/adjustments", staff.Token,
				api.AdjustmentRequest{Amount: part, Reason: "goodwill"}, servertest.Key()), http.StatusCreated, nil)
			if _, err := c.ApplyCredit(ctx, apiclient.NewIdempotencyKey(), id, api.ApplyCreditRequest{Amount: part}); err != nil {
				t.Fatal(err)
			}
			inv, err := c.Invoice(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.TaxByRate) != 2 || inv.CreditApplied != part {
				t.Fatalf("server invoice: tax by rate %+v, credit applied %v", inv.TaxByRate, inv.CreditApplied)
			}
			checkTotals(t, inv, mustRender(t, inv, Options{}))
		})
	}
}
