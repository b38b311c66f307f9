package invoicepdf

import (
	"fmt"
	"strings"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/invoicepdf/pdftext"
)

// TotalsError is CheckTotals' finding: the PDF prints an amount other than
// the invoice's, or not at all.
type TotalsError struct {
	Field   string // "subtotal", "tax", "total", "balance_due": the invoice JSON's name
	Want    string // as the JSON gives it, formatted
	Printed string // what the PDF shows after the label ("" when the label is missing)
}

func (e *TotalsError) Error() string {
	if e.Printed == "" {
		return fmt.Sprintf("the PDF does not print the %s %s", strings.ReplaceAll(e.Field, "_", " "), e.Want)
	}
	return fmt.Sprintf("the PDF prints the %s as %s, the invoice's JSON says %s", strings.ReplaceAll(e.Field, "_", " "), e.Printed, e.Want)
}

// CheckTotals reads the totals box of a PDF this package rendered for inv
// back from the PDF's text (what a viewer shows and copies, through each
// font's ToUnicode map, by pdftext) and compares it with inv: the
// subtotal, tax, total and balance due must be printed after their labels
// exactly as Render prints them. It returns a *TotalsError for the first
// that is not, and another error when the PDF cannot be read.
func CheckTotals(pdf []byte, inv api.Invoice) error {
	pages, err := pdftext.Pages(pdf)
	if err != nil {
		return fmt.Errorf("read the PDF's text: %w", err)
	}
	l := labelsFor(inv.Language)
	for _, row := range []struct {
		field, label string
		amount       billing.Money
	}{
		{"subtotal", l.subtotal, inv.Subtotal},
		{"tax", l.tax, inv.Tax},
		{"total", l.total, inv.Total},
		{"balance_due", l.balanceDue, inv.BalanceDue},
	} {
		want := billing.Format(row.amount)
		if printed, ok := printedAfter(pages, row.label, want); !ok {
			return &TotalsError{Field: row.field, Want: want, Printed: printed}
		}
	}
	return nil
}

// printedAfter looks for a line on which label is followed by want (then
// a space or the line's end). When there is none it returns what follows
// the label where the label stands on its own.
func printedAfter(pages [][]string, label, want string) (string, bool) {
	printed := ""
	for _, page := range pages {
		for _, line := range page {
			for rest := line; ; {
				i := strings.Index(rest, label+" ")
				if i < 0 || (i > 0 && rest[i-1] != ' ') {
					break
				}
				after := rest[i+len(label)+1:]
				value, _, _ := strings.Cut(after, " ")
				if value == want {
					return "", true
				}
				if printed == "" {
					printed = value
				}
				rest = after
			}
		}
	}
	return printed, false
}
