// Package billing is the shared vocabulary of Billfold: money in integer
// minor units, currencies, tax, invoice and payment states. The server, the
// API client, the screens and the PDFs all use this one package so that an
// amount is parsed, rounded and printed the same way everywhere.
package billing

import (
	"bytes"
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
	if v, ok := parseCanonicalMoney(b); ok {
		*m = v
		return nil
	}
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
	c, ok := knownCurrency([]byte(*raw.Currency))
	if !ok {
		return &FieldError{Field: "currency", Reason: "must be one of JPY, USD, EUR"}
	}
	m.Amount, m.Currency = n, c
	return nil
}

// parseCanonicalMoney decodes the exact shape the server writes,
// {"amount":N,"currency":"XXX"}, without a json.Decoder: a page of 500
// invoices holds thousands of amounts. Anything else, including every
// malformed input, goes through the strict decoder instead, so it gets the
// same errors (FuzzMoneyFastPath checks that both agree).
func parseCanonicalMoney(b []byte) (Money, bool) {
	const head, mid, tail = `{"amount":`, `,"currency":"`, `"}`
	if len(b) < len(head)+1+len(mid)+3+len(tail) || string(b[:len(head)]) != head {
		return Money{}, false
	}
	i := bytes.IndexByte(b[len(head):], ',')
	if i <= 0 {
		return Money{}, false
	}
	digits, rest := b[len(head):len(head)+i], b[len(head)+i:]
	if !isJSONInteger(digits) || len(rest) != len(mid)+3+len(tail) ||
		string(rest[:len(mid)]) != mid || string(rest[len(mid)+3:]) != tail {
		return Money{}, false
	}
	c, ok := knownCurrency(rest[len(mid) : len(mid)+3])
	if !ok {
		return Money{}, false
	}
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return Money{}, false
	}
	return Money{Amount: n, Currency: c}, true
}

// isJSONInteger reports whether b is a JSON number without fraction or
// exponent: an optional minus, then 0 or digits not starting with 0.
func isJSONInteger(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 || (b[0] == '0' && len(b) > 1) {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// knownCurrency returns the constant for a supported code. Decoded amounts
// share these strings instead of each keeping its own copy of "JPY".
func knownCurrency(code []byte) (Currency, bool) {
	for _, c := range Currencies {
		if string(code) == string(c) {
			return c, true
		}
	}
	return "", false
}

// UnmarshalJSON decodes a currency code as any string, keeping supported
// codes as the shared constants; whether the code is supported is for the
// caller to check (Valid), so that it can name the field.
func (c *Currency) UnmarshalJSON(b []byte) error {
	if len(b) == 5 && b[0] == '"' && b[4] == '"' { // "JPY", without a decoder
		if known, ok := knownCurrency(b[1:4]); ok {
			*c = known
			return nil
		}
	}
	if string(b) == "null" {
		return nil // like a plain string field: null leaves it as it is
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err // an *json.UnmarshalTypeError, which the decoder names the field in
	}
	if known, ok := knownCurrency([]byte(s)); ok {
		*c = known
		return nil
	}
	*c = Currency(s)
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
