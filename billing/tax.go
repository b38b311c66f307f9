package billing

import "sort"

// TaxRate is a consumption-tax / VAT rate in whole percent (10, 8).
type TaxRate int

// TaxFor computes the tax on base minor units at rate, rounded down
// (切り捨て). The qualified-invoice rules require rounding once per rate per
// invoice, so callers pass the sum of all lines at that rate, never a line.
func TaxFor(base int64, rate TaxRate) int64 {
	if base <= 0 || rate <= 0 {
		return 0
	}
	// base*rate cannot overflow for any amount the server accepts (limits are
	// far below MaxInt64/100); the division truncates toward zero = floor here.
	return base * int64(rate) / 100
}

// Line is the taxable part of an invoice line.
type Line struct {
	Amount int64 // quantity × unit price, minor units, before tax
	Rate   TaxRate
}

// RateTotal is the per-rate breakdown printed on a qualified invoice.
type RateTotal struct {
	Rate  TaxRate `json:"rate"`
	Base  Money   `json:"base"`
	Tax   Money   `json:"tax"`
	Total Money   `json:"total"`
}

// Totals is the result of TaxBreakdown.
type Totals struct {
	Subtotal Money       `json:"subtotal"`
	Tax      Money       `json:"tax"`
	Total    Money       `json:"total"`
	ByRate   []RateTotal `json:"tax_by_rate"`
}

// TaxBreakdown sums lines per rate (highest rate first), taxes each rate once
// and returns subtotal, tax and total. This is the only place tax is computed.
func TaxBreakdown(lines []Line, c Currency) Totals {
	base := map[TaxRate]int64{}
	var rates []TaxRate
	var subtotal int64
	for _, l := range lines {
		if _, ok := base[l.Rate]; !ok {
			rates = append(rates, l.Rate)
		}
		base[l.Rate] += l.Amount
		subtotal += l.Amount
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] > rates[j] })
	t := Totals{Subtotal: New(subtotal, c), ByRate: []RateTotal{}}
	var tax int64
	for _, r := range rates {
		if r <= 0 {
			continue // untaxed lines (deposits) have no rate block on the invoice
		}
		rt := TaxFor(base[r], r)
		tax += rt
		t.ByRate = append(t.ByRate, RateTotal{Rate: r, Base: New(base[r], c), Tax: New(rt, c), Total: New(base[r]+rt, c)})
	}
	t.Tax = New(tax, c)
	t.Total = New(subtotal+tax, c)
	return t
}
