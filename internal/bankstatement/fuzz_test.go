package bankstatement

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParse: no input panics; a failure is an *Error or ErrTooLarge; a
// success holds statements whose numbers add up and whose text is clean.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for seed := range uint64(4) {
		s, _ := randomStatement(rand.New(rand.NewPCG(seed, 99)))
		if b, err := EncodeZengin(s, ZenginOptions{LineBreak: []string{"", "\n"}[seed%2]}); err == nil {
			f.Add(b)
		}
	}
	// Shift_JIS edges: a lead byte with no trail, the C1 byte 0x80, the
	// half-width range's ends, a BOM before Shift_JIS.
	f.Add([]byte("\"日付\",\"摘要\",\"摘要内容\",\"支払い金額\",\"預かり金額\",\"差引残高\"\n\"2026/3/2\",\"\x83\",\"\xa1\xdf\x80\",\"\",\"1\",\"1\"\n"))
	f.Add([]byte("\xef\xbb\xbf日付,摘要,摘要内容,支払い金額,預かり金額,差引残高\n2026/3/2,a,\x82\xa0,,\"1,0\",-5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, Options{Now: uploaded})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if len(s.Accounts) == 0 || s.SHA256 != Hash(data) {
			t.Fatalf("statement %+v", s)
		}
		for _, l := range s.Lines {
			if l.Amount.Amount <= 0 || l.Account < 0 || l.Account >= len(s.Accounts) || l.Number < 1 || l.Fingerprint == "" ||
				(l.Direction != Deposit && l.Direction != Withdrawal) {
				t.Fatalf("line %+v", l)
			}
			for _, text := range []string{l.Remitter, l.Kind, l.Description, l.EDI, l.RemitterBank, l.RemitterBranch, l.InquiryNumber, l.RemitterCode} {
				if !utf8.ValidString(text) || strings.IndexFunc(text, unicode.IsControl) >= 0 {
					t.Fatalf("text %q", text)
				}
			}
		}
		if s.Format == FormatZengin {
			for ai, a := range s.Accounts {
				sum := a.Opening.Amount
				for _, l := range s.Lines {
					if l.Account == ai && l.Direction == Deposit {
						sum += l.Amount.Amount
					} else if l.Account == ai {
						sum -= l.Amount.Amount
					}
				}
				if sum != a.Closing.Amount {
					t.Fatalf("account %d: opening %d and lines make %d, closing %d", ai, a.Opening.Amount, sum, a.Closing.Amount)
				}
			}
		}
	})
}

// FuzzZenginRemitter: a remitter name EncodeZengin accepts (half-width
// conversion, Shift_JIS, 48 bytes) reads back with the same name key and
// the same references, between two other lines.
func FuzzZenginRemitter(f *testing.F) {
	for _, s := range []string{"ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ", "BF-KFLY-E6Y2 ｽｽﾞｷ", "ヴァ~\\", "ﾞﾟ", "ｰｰ", "(ｶ)", "  "} {
		f.Add(s)
	}
	rng := rand.New(rand.NewPCG(1, 5))
	var base *Statement
	for base == nil || len(base.Lines) < 3 {
		base, _ = randomStatement(rng)
	}
	base.Accounts, base.Lines = base.Accounts[:1], base.Lines[:3]
	for i := range base.Lines {
		base.Lines[i].Account = 0
	}
	f.Fuzz(func(t *testing.T, remitter string) {
		s := *base
		s.Lines = slices.Clone(base.Lines)
		s.Lines[1].Remitter = remitter
		data, err := EncodeZengin(&s, ZenginOptions{LineBreak: "\r\n"})
		if err != nil {
			return // not writable in a Zengin text field
		}
		out, err := Parse(data, Options{Now: uploaded})
		if err != nil {
			t.Fatalf("%q: %v", remitter, err)
		}
		got := out.Lines[1].Remitter
		if NormalizeName(got) != NormalizeName(strings.TrimRight(remitter, " ")) && strings.ContainsFunc(remitter, isKanaOrLatin) {
			t.Errorf("%q read back as %q", remitter, got)
		}
		if a, b := FindReferences(got), FindReferences(remitter); !slices.Equal(a, b) {
			t.Errorf("references of %q: %q, of what was read back (%q): %q", remitter, b, got, a)
		}
	})
}

// isKanaOrLatin marks names whose key must survive the half-width trip
// (symbols may come back as their Shift_JIS look-alikes).
func isKanaOrLatin(r rune) bool {
	return unicode.In(r, unicode.Katakana, unicode.Hiragana) || (r < unicode.MaxASCII && unicode.IsLetter(r))
}
