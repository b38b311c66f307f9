package billing

import (
	"encoding/json"
	"testing"
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
