package billing

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Parse errors; the UI and the server map them to messages for people.
var (
	ErrEmptyAmount     = errors.New("enter an amount")
	ErrInvalidAmount   = errors.New("not a number")
	ErrTooManyDecimals = errors.New("too many decimal places for the currency")
)

// normaliser turns what people type (full-width digits, Japanese commas, the
// yen sign, "円", spaces) into plain ASCII before parsing.
var normaliser = strings.NewReplacer(
	"０", "0", "１", "1", "２", "2", "３", "3", "４", "4",
	"５", "5", "６", "6", "７", "7", "８", "8", "９", "9",
	"，", ",", "．", ".", "－", "-", "ー", "-", "円", "", "￥", "", "¥", "", "$", "", "€", "",
	" ", "", "\u00a0", "", "\u3000", "",
)

// ParseAmount parses a decimal amount as typed by a person ("10,000",
// "¥10,000", "１０００円", "99.5", "-3.20") into minor units of c. It refuses
// more decimals than the currency has, misplaced group separators and values
// that overflow int64. The sign is kept; callers decide whether it is allowed.
func ParseAmount(s string, c Currency) (Money, error) {
	if !c.Valid() {
		return Money{}, fmt.Errorf("currency %q: %w", c, ErrInvalidAmount)
	}
	s = strings.TrimSpace(normaliser.Replace(strings.TrimSpace(s)))
	s = strings.TrimSuffix(strings.TrimPrefix(s, string(c)), string(c))
	if s == "" {
		return Money{}, ErrEmptyAmount
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || (hasDot && frac == "") {
		return Money{}, ErrInvalidAmount
	}
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return Money{}, ErrInvalidAmount
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return Money{}, ErrInvalidAmount
			}
		}
		intPart = strings.Join(groups, "")
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return Money{}, ErrInvalidAmount
	}
	dec := c.Decimals()
	if len(frac) > dec {
		// Trailing zeros beyond the currency's precision are harmless ("100.00" yen).
		trimmed := strings.TrimRight(frac, "0")
		if len(trimmed) > dec {
			return Money{}, ErrTooManyDecimals
		}
		frac = trimmed
	}
	frac += strings.Repeat("0", dec-len(frac))
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return Money{}, ErrOverflow
		}
		return Money{}, ErrInvalidAmount
	}
	if neg {
		n = -n
	}
	return Money{Amount: n, Currency: c}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format prints m with its currency sign and thousands separators:
// ¥10,000, $100.00, €1,234.50, -¥500.
func Format(m Money) string {
	n := FormatNumber(m)
	if rest, ok := strings.CutPrefix(n, "-"); ok {
		return "-" + m.Currency.Symbol() + rest
	}
	return m.Currency.Symbol() + n
}

// FormatNumber prints m without the currency sign ("10,000", "100.00"),
// for entries and tables whose column already names the currency.
func FormatNumber(m Money) string {
	var b strings.Builder
	u := uint64(m.Amount)
	if m.Amount < 0 {
		b.WriteByte('-')
		if m.Amount == math.MinInt64 {
			u = uint64(math.MaxInt64) + 1
		} else {
			u = uint64(-m.Amount)
		}
	}
	dec := m.Currency.Decimals()
	digits := strconv.FormatUint(u, 10)
	if len(digits) <= dec {
		digits = strings.Repeat("0", dec-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-dec], digits[len(digits)-dec:]
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if dec > 0 {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// FormatPlain prints m for a text entry the user will edit: no symbol, no
// separators ("10000", "100.50").
func FormatPlain(m Money) string {
	return strings.ReplaceAll(FormatNumber(m), ",", "")
}
