// Package integration holds tests that run several parts of Billfold
// together: the reference server in-process (servertest), the real client,
// and what the desktop app and the archive do with the answers. They live
// here so that the parts' own tests build none of the others.
package integration

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/invoicepdf"
	"billfold/internal/invoicepdf/pdftext"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// totalLabels are the words the PDF prints before each total, per
// invoice language, as a reader sees them.
var totalLabels = map[string]struct {
	subtotal, tax, total, credit, paid, balance string
	rate                                        func(billing.TaxRate) string
}{
	"ja": {"小計（税抜）", "消費税", "合計（税込）", "クレジット充当", "お支払済額", "お支払残高",
		func(r billing.TaxRate) string { return fmt.Sprintf("%d%%対象", r) }},
	"en": {"Subtotal", "Tax", "Total", "Credit applied", "Amount paid", "Balance due",
		func(r billing.TaxRate) string {
			if r == 8 {
				return "8% (reduced)"
			}
			return fmt.Sprintf("%d%%", r)
		}},
}

// TestPDFTotalsEqualTheServers renders invoices the reference server
// issued and computed (tax once per rate, partial credit applied) in JPY,
// USD and EUR, as the client receives them, and reads every total back
// from the PDF: it must equal the server's to the minor unit.
func TestPDFTotalsEqualTheServers(t *testing.T) {
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
			pdf, err := invoicepdf.Render(inv, invoicepdf.Options{})
			if err != nil {
				t.Fatal(err)
			}
			pages, err := pdftext.Pages(pdf)
			if err != nil {
				t.Fatal(err)
			}
			text := pdftext.Join(pages)
			l, ok := totalLabels[inv.Language]
			if !ok {
				t.Fatalf("invoice language %q", inv.Language)
			}
			for label, want := range map[string]billing.Money{
				l.subtotal: inv.Subtotal, l.tax: inv.Tax, l.total: inv.Total,
				l.credit: inv.CreditApplied.Neg(), l.paid: inv.AmountPaid.Neg(), l.balance: inv.BalanceDue,
			} {
				if line := label + " " + billing.Format(want); !hasLine(text, line) {
					t.Errorf("no line %q in:\n%s", line, text)
				}
			}
			for _, rt := range inv.TaxByRate {
				line := l.rate(rt.Rate) + " " + billing.Format(rt.Base) + " " + billing.Format(rt.Tax)
				if !hasLine(text, line) {
					t.Errorf("no line %q in:\n%s", line, text)
				}
			}
		})
	}
}

func hasLine(text, line string) bool {
	return strings.Contains("\n"+text, "\n"+line+"\n")
}
