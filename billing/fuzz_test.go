package billing

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"unsafe"
)

// FuzzParseAmount: any input either fails cleanly or yields an amount that
// formats and parses back to itself.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"10,000", "¥1", "１０円", "-3.20", "1.005", "9223372036854775807", "1,2,3", "€", ".", "0.0"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, ci uint8) {
		c := Currencies[int(ci)%len(Currencies)]
		m, err := ParseAmount(s, c)
		if err != nil {
			return
		}
		back, err := ParseAmount(Format(m), c)
		if err != nil || back != m {
			t.Fatalf("%q → %v → %q → %v, %v", s, m, Format(m), back, err)
		}
	})
}

// FuzzMoneyJSON: decoding arbitrary bytes never panics, and what decodes
// re-encodes to an equal value.
func FuzzMoneyJSON(f *testing.F) {
	for _, s := range []string{`{"amount":1,"currency":"JPY"}`, `{"amount":-9223372036854775808,"currency":"EUR"}`, `{"amount":1.0}`, `{}`, `[`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Money
		if err := json.Unmarshal(b, &m); err != nil {
			return
		}
		enc, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var again Money
		if err := json.Unmarshal(enc, &again); err != nil || again != m {
			t.Fatalf("%s → %v → %s → %v, %v", b, m, enc, again, err)
		}
	})
}

// FuzzMoneyFastPath: the canonical-shape fast path of Money.UnmarshalJSON
// accepts only what the strict decoder accepts, with the same result.
func FuzzMoneyFastPath(f *testing.F) {
	for _, s := range []string{`{"amount":1,"currency":"JPY"}`, `{"amount":-0,"currency":"USD"}`, `{"amount":01,"currency":"JPY"}`,
		`{"amount":+1,"currency":"JPY"}`, `{"amount":9223372036854775808,"currency":"EUR"}`, `{"amount":1,"currency":"XXX"}`,
		`{"amount":1,"currency":"JPY"} `, `{"amount":1e3,"currency":"JPY"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := parseCanonicalMoney(b)
		if !ok {
			return
		}
		var strict Money
		if err := strictMoney(&strict, b); err != nil || strict != fast {
			t.Fatalf("%s: fast path %v, strict decoder %v %v", b, fast, strict, err)
		}
	})
}

// strictMoney decodes without the fast path.
func strictMoney(m *Money, b []byte) error {
	var raw struct {
		Amount   json.RawMessage `json:"amount"`
		Currency string          `json:"currency"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	var n int64
	if err := json.Unmarshal(raw.Amount, &n); err != nil {
		return err
	}
	c, ok := knownCurrency([]byte(raw.Currency))
	if !ok {
		return errors.New("currency")
	}
	*m = Money{Amount: n, Currency: c}
	return nil
}

// TestDecodedCurrenciesShareTheConstants: a page of invoices must not keep
// a copy of "JPY" per amount.
func TestDecodedCurrenciesShareTheConstants(t *testing.T) {
	var v struct {
		C Currency `json:"c"`
		M Money    `json:"m"`
		S Money    `json:"s"` // not the canonical shape: the strict path
	}
	if err := json.Unmarshal([]byte(`{"c":"EUR","m":{"amount":5,"currency":"USD"},"s":{ "currency":"JPY", "amount":7 }}`), &v); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Currency{v.C, v.M.Currency, v.S.Currency} {
		known, _ := knownCurrency([]byte(c))
		if unsafe.StringData(string(c)) != unsafe.StringData(string(known)) {
			t.Fatalf("%s is a copy, not the constant", c)
		}
	}
	if v.M != New(5, USD) || v.S != New(7, JPY) {
		t.Fatalf("decoded %+v", v)
	}
	var null struct {
		C Currency `json:"c"`
	}
	null.C = JPY
	if err := json.Unmarshal([]byte(`{"c":null}`), &null); err != nil || null.C != JPY {
		t.Fatalf("null: %v %v", null.C, err)
	}
	var typ *json.UnmarshalTypeError
	if err := json.Unmarshal([]byte(`{"c":5}`), &null); !errors.As(err, &typ) || typ.Field != "c" {
		t.Fatalf("number for a currency: %#v", err)
	}
}
