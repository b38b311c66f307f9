// Package billing is the shared vocabulary of Billfold: money in integer
// minor units, currencies, tax, invoice and payment states. The server, the
// API client, the screens and the PDFs all use this one package so that an
// amount is parsed, rounded and printed the same way everywhere.
package billing

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Currency is an ISO 4217 code supported by Billfold.
type Currency string

// Supported currencies.
const (
	JPY Currency = "JPY"
	USD Currency = "USD"
	EUR Currency = "EUR"
)

// Currencies lists every supported currency in a stable order.
var Currencies = []Currency{JPY, USD, EUR}

// Decimals is the number of minor-unit digits: 0 for JPY, 2 for USD and EUR.
func (c Currency) Decimals() int {
	if c == JPY {
		return 0
	}
	return 2
}

// Valid reports whether c is a supported currency.
func (c Currency) Valid() bool {
	return c == JPY || c == USD || c == EUR
}

// Symbol is the sign printed before an amount.
func (c Currency) Symbol() string {
	switch c {
	case JPY:
		return "¥"
	case USD:
		return "$"
	case EUR:
		return "€"
	}
	return string(c) + " "
}

// Money is an amount in integer minor units of one currency. It is never a
// float: ¥10,000 is {10000, JPY} and $100.00 is {10000, USD}.
type Money struct {
	Amount   int64    `json:"amount"`
	Currency Currency `json:"currency"`
}

// New returns Money of amount minor units.
func New(amount int64, c Currency) Money { return Money{Amount: amount, Currency: c} }

// Zero returns zero in currency c.
func Zero(c Currency) Money { return Money{Currency: c} }

// ErrCurrencyMismatch is returned when two amounts of different currencies meet.
var ErrCurrencyMismatch = errors.New("currency mismatch")

// ErrOverflow is returned when an amount does not fit in int64 minor units.
var ErrOverflow = errors.New("amount is too large")

// Add returns m+o, refusing mixed currencies and overflow.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("add %s to %s: %w", o.Currency, m.Currency, ErrCurrencyMismatch)
	}
	if (o.Amount > 0 && m.Amount > math.MaxInt64-o.Amount) || (o.Amount < 0 && m.Amount < math.MinInt64-o.Amount) {
		return Money{}, ErrOverflow
	}
	return Money{Amount: m.Amount + o.Amount, Currency: m.Currency}, nil
}

// Neg returns -m.
func (m Money) Neg() Money { return Money{Amount: -m.Amount, Currency: m.Currency} }

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.Amount == 0 }

// String formats m for logs and errors, e.g. "¥10,000" or "-$1.50".
func (m Money) String() string { return Format(m) }

// UnmarshalJSON is strict: amount must be a whole JSON number within int64
// (no fraction, no exponent, no string) and currency a supported code, so a
// client can never smuggle a float or an unknown currency into the ledger.
func (m *Money) UnmarshalJSON(b []byte) error {
	var raw struct {
		Amount   json.RawMessage `json:"amount"`
		Currency *string         `json:"currency"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return &FieldError{Field: "", Reason: "must be an object {\"amount\": integer minor units, \"currency\": \"JPY\"}"}
	}
	if raw.Amount == nil {
		return &FieldError{Field: "amount", Reason: "is required"}
	}
	s := strings.TrimSpace(string(raw.Amount))
	if s == "" || strings.ContainsAny(s, ".eE\"") {
		return &FieldError{Field: "amount", Reason: "must be a whole number of minor units (no decimals, no strings)"}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return &FieldError{Field: "amount", Reason: "is too large"}
		}
		return &FieldError{Field: "amount", Reason: "must be a whole number of minor units"}
	}
	if raw.Currency == nil {
		return &FieldError{Field: "currency", Reason: "is required"}
	}
	c := Currency(*raw.Currency)
	if !c.Valid() {
		return &FieldError{Field: "currency", Reason: "must be one of JPY, USD, EUR"}
	}
	m.Amount, m.Currency = n, c
	return nil
}

// FieldError names the JSON field that is wrong and why.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + " " + e.Reason
}
