package billing

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in   string
		c    Currency
		want int64
		err  error
	}{
		{"10000", JPY, 10000, nil},
		{"10,000", JPY, 10000, nil},
		{"¥10,000", JPY, 10000, nil},
		{"１０，０００円", JPY, 10000, nil},
		{" 1 000 ", JPY, 1000, nil},
		{"100.00", JPY, 100, nil},
		{"100.5", JPY, 0, ErrTooManyDecimals},
		{"100", USD, 10000, nil},
		{"$1,234.5", USD, 123450, nil},
		{"0.01", USD, 1, nil},
		{"€99.99", EUR, 9999, nil},
		{"1.234", EUR, 0, ErrTooManyDecimals},
		{"-3.20", USD, -320, nil},
		{"", JPY, 0, ErrEmptyAmount},
		{"¥", JPY, 0, ErrEmptyAmount},
		{"1,00", JPY, 0, ErrInvalidAmount},
		{"1,0000", JPY, 0, ErrInvalidAmount},
		{",100", JPY, 0, ErrInvalidAmount},
		{"1.", USD, 0, ErrInvalidAmount},
		{".5", USD, 0, ErrInvalidAmount},
		{"1e3", JPY, 0, ErrInvalidAmount},
		{"12abc", JPY, 0, ErrInvalidAmount},
		{"--5", JPY, 0, ErrInvalidAmount},
		{"9223372036854775807", JPY, math.MaxInt64, nil},
		{"9223372036854775808", JPY, 0, ErrOverflow},
		{"92233720368547758.08", USD, 0, ErrOverflow},
	}
	for _, tc := range cases {
		got, err := ParseAmount(tc.in, tc.c)
		if !errors.Is(err, tc.err) || (err == nil && (got.Amount != tc.want || got.Currency != tc.c)) {
			t.Errorf("ParseAmount(%q, %s) = %v, %v; want %d, %v", tc.in, tc.c, got.Amount, err, tc.want, tc.err)
		}
	}
}

func TestFormat(t *testing.T) {
	cases := []struct {
		m    Money
		want string
	}{
		{New(10000, JPY), "¥10,000"},
		{New(0, JPY), "¥0"},
		{New(-500, JPY), "-¥500"},
		{New(10000, USD), "$100.00"},
		{New(5, USD), "$0.05"},
		{New(123456789, EUR), "€1,234,567.89"},
		{New(-1, EUR), "-€0.01"},
		{New(math.MinInt64, JPY), "-¥9,223,372,036,854,775,808"},
	}
	for _, tc := range cases {
		if got := Format(tc.m); got != tc.want {
			t.Errorf("Format(%v) = %q, want %q", tc.m.Amount, got, tc.want)
		}
	}
	if got := FormatPlain(New(123450, USD)); got != "1234.50" {
		t.Errorf("FormatPlain = %q", got)
	}
}

// Every formatted amount parses back to itself.
func TestFormatParseRoundTrip(t *testing.T) {
	for _, c := range Currencies {
		for _, v := range []int64{0, 1, 99, 100, 1001, 123456789, math.MaxInt64, -42} {
			m := New(v, c)
			got, err := ParseAmount(Format(m), c)
			if err != nil || got != m {
				t.Errorf("%s: %v → %q → %v, %v", c, v, Format(m), got, err)
			}
		}
	}
}

func TestMoneyJSONIsStrict(t *testing.T) {
	var m Money
	if err := json.Unmarshal([]byte(`{"amount":1500,"currency":"USD"}`), &m); err != nil || m != New(1500, USD) {
		t.Fatalf("good money: %v %v", m, err)
	}
	for _, bad := range []string{`{"amount":1.5,"currency":"USD"}`, `{"amount":"15","currency":"USD"}`, `{"amount":1e2,"currency":"USD"}`,
		`{"amount":15}`, `{"currency":"USD"}`, `{"amount":15,"currency":"GBP"}`, `{"amount":15,"currency":"USD","x":1}`,
		`{"amount":99999999999999999999,"currency":"USD"}`, `15`, `null`, `[]`} {
		var m Money
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("accepted %s as %v", bad, m)
		}
	}
}

func TestAdd(t *testing.T) {
	if _, err := New(1, JPY).Add(New(1, USD)); !errors.Is(err, ErrCurrencyMismatch) {
		t.Error("mixed currencies added")
	}
	if _, err := New(math.MaxInt64, JPY).Add(New(1, JPY)); !errors.Is(err, ErrOverflow) {
		t.Error("overflow not caught")
	}
	if _, err := New(math.MinInt64, JPY).Add(New(-1, JPY)); !errors.Is(err, ErrOverflow) {
		t.Error("underflow not caught")
	}
}

func TestTaxBreakdownRoundsOncePerRate(t *testing.T) {
	// Three ¥333 lines at 10%: per line 33+33+33 = 99, per rate 999×10% = 99.
	// Two ¥105 lines at 8%: per line 8+8 = 16, per rate 210×8% = 16.8 → 16.
	// One ¥5 line at 8% joins them: 215 × 8% = 17.2 → 17 (per line: 8+8+0 = 16).
	lines := []Line{{333, 10}, {333, 10}, {333, 10}, {105, 8}, {105, 8}, {5, 8}, {10000, 0}}
	got := TaxBreakdown(lines, JPY)
	if got.Subtotal.Amount != 11214 || got.Tax.Amount != 99+17 || got.Total.Amount != 11214+116 {
		t.Fatalf("totals: %+v", got)
	}
	if len(got.ByRate) != 2 || got.ByRate[0].Rate != 10 || got.ByRate[1].Rate != 8 || got.ByRate[1].Tax.Amount != 17 || got.ByRate[1].Base.Amount != 215 {
		t.Fatalf("by rate: %+v", got.ByRate)
	}
	usd := TaxBreakdown([]Line{{1999, 10}}, USD)
	if usd.Tax.Amount != 199 {
		t.Fatalf("USD tax %d, want 199 (¢ rounded down)", usd.Tax.Amount)
	}
}
