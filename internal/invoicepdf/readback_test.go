package invoicepdf

import (
	"errors"
	"testing"

	"billfold/api"
	"billfold/billing"
)

// TestCheckTotals: the totals read back from a rendered PDF match its
// invoice, and an invoice whose total differs from the one printed (a PDF
// showing ¥4,235 beside JSON saying ¥104,235) is named.
func TestCheckTotals(t *testing.T) {
	for name, sample := range map[string]func() (api.Invoice, Options){"ja": sampleJA, "en": sampleEN} {
		inv, opts := sample()
		pdf := mustRender(t, inv, opts)
		if err := CheckTotals(pdf, inv); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		other := inv
		other.Total = billing.New(inv.Total.Amount+100000, inv.Currency)
		var te *TotalsError
		if err := CheckTotals(pdf, other); !errors.As(err, &te) || te.Field != "total" || te.Printed != billing.Format(inv.Total) {
			t.Fatalf("%s: a total the PDF does not print: %v", name, err)
		}
		other = inv
		other.BalanceDue = billing.New(inv.BalanceDue.Amount-1, inv.Currency)
		if err := CheckTotals(pdf, other); !errors.As(err, &te) || te.Field != "balance_due" {
			t.Fatalf("%s: a balance the PDF does not print: %v", name, err)
		}
	}
	if err := CheckTotals([]byte("%PDF-1.7 not really"), api.Invoice{}); err == nil {
		t.Fatal("an unreadable PDF passed")
	}
}
