package bankstatement

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// TestFindReferences: the reference survives what banks and customers do
// to it.
func TestFindReferences(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"BFKFLYE6Y2 ﾔﾏﾀﾞ ﾀﾛｳ", []string{"BF-KFLY-E6Y2"}},
		{"ﾔﾏﾀﾞ ﾀﾛｳ BF-KFLY-E6Y2", []string{"BF-KFLY-E6Y2"}},
		{"ﾔﾏﾀﾞﾀﾛｳBFKFLYE6Y2", []string{"BF-KFLY-E6Y2"}},
		{"ＢＦ－ＫＦＬＹ－Ｅ６Ｙ２　ヤマダ　タロウ", []string{"BF-KFLY-E6Y2"}}, // full-width, as MUFG's CSV shows it
		{"bf-kfly-e6y2 yamada", []string{"BF-KFLY-E6Y2"}},
		{"BFｰKFLYｰE6Y2", []string{"BF-KFLY-E6Y2"}}, // half-width prolonged sound mark as hyphen
		{"BF−KFLY−E6Y2", []string{"BF-KFLY-E6Y2"}}, // minus sign (Shift_JIS 0x817C, some decoders)
		{"BF KFLY E6Y2", []string{"BF-KFLY-E6Y2"}},
		{"BF.KFLY/E6Y2", []string{"BF-KFLY-E6Y2"}},
		{"YAMADA BFKFLYE6Y2TARO", []string{"BF-KFLY-E6Y2"}},
		{"BF-DEMO-0012 ｽｽﾞｷ", []string{"BF-DEMO-0012"}},
		{"BFKFLYE6Y2 BFKFLYE6Y2", []string{"BF-KFLY-E6Y2"}},
		{"BFAAAABBBB ﾀﾅｶ BFCCCCDDDD", []string{"BF-AAAA-BBBB", "BF-CCCC-DDDD"}},
		{"ﾔﾏﾀﾞ ﾀﾛｳ", nil},
		{"BF-KFLY", nil},     // cut at the field's end
		{"BFKFLYｱE6Y2", nil}, // katakana inside breaks it
		{"", nil},
	} {
		if got := FindReferences(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("FindReferences(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestNormalizeName: the spellings a bank, a customer and staff use for one
// name share a key.
func TestNormalizeName(t *testing.T) {
	for _, group := range [][]string{
		{"ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ", "やまだ たろう", "ﾔﾏﾀﾞﾀﾛｳ", "ヤマダ・タロウ"},
		{"ｶ)ﾔﾏﾀﾞｼﾖｳﾃﾝ", "ヤマダショウテン(カ)", "(カ)ヤマダショウテン", "ヤマダショウテン", "ﾔﾏﾀﾞｼｮｳﾃﾝ"},
		{"ｷﾔﾉﾝ", "キャノン"},
		{"ｽｽﾞｷ-ﾊﾅｺ", "スズキハナコ", "ｽｽﾞｷｰﾊﾅｺ"},
		{"ｳﾞｪﾙﾃﾞｨ", "ヴェルディ"},
		{"ACME ﾄﾚｰﾃﾞｨﾝｸﾞ", "acme トレーディング", "ＡＣＭＥトレーディング"},
	} {
		key := NormalizeName(group[0])
		for _, s := range group[1:] {
			if got := NormalizeName(s); got != key {
				t.Errorf("NormalizeName(%q) = %q, NormalizeName(%q) = %q", group[0], key, s, got)
			}
		}
	}
	if NormalizeName("ﾔﾏﾀﾞ ﾀﾛｳ") == NormalizeName("ﾔﾏﾀﾞ ｼﾞﾛｳ") {
		t.Error("different names share a key")
	}
}

// FuzzFindReferences: whatever name surrounds a reference, and however it
// is typed (width, case, hyphens, spaces), it is found.
func FuzzFindReferences(f *testing.F) {
	f.Add("ﾔﾏﾀﾞ ﾀﾛｳ", uint64(1), uint8(0))
	f.Add("ＡＣＭＥ（カ", uint64(2), uint8(7))
	f.Add("\x00\xff", uint64(3), uint8(255))
	f.Add("BF", uint64(4), uint8(9))
	f.Fuzz(func(t *testing.T, name string, seed uint64, style uint8) {
		rng := rand.New(rand.NewPCG(seed, 0))
		ref := randomReference(rng)
		dash := []string{"-", "", " ", "ｰ", "－", "−", "‐", "ー", " - "}[int(style)%9]
		typed := strings.ReplaceAll(ref, "-", dash)
		if style&0x10 != 0 {
			typed = strings.ToLower(typed)
		}
		if style&0x20 != 0 {
			typed = width.Widen.String(typed)
		}
		text := name + " " + typed
		if style&0x40 != 0 {
			text = typed + " " + name
		}
		if got := FindReferences(text); !slices.Contains(got, ref) {
			t.Fatalf("FindReferences(%q) = %q, want %s among them", text, got, ref)
		}
	})
}

// FuzzNormalizeName: any input gives a valid key without spaces or
// hyphens, and the key of a key is the key.
func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"ﾔﾏﾀﾞ ﾀﾛｳ", "ｶ)ﾔﾏﾀﾞ(ｶ", "カ ゙", "((カ))", "ｳﾞ", "ı", "ǆ", "\xff\xfe", "㍿"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key := NormalizeName(s)
		if again := NormalizeName(key); again != key {
			t.Fatalf("NormalizeName(%q) = %q, but NormalizeName of that = %q", s, key, again)
		}
		if !utf8.ValidString(key) && utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 key %q from %q", key, s)
		}
		if strings.IndexFunc(key, unicode.IsSpace) >= 0 || strings.ContainsAny(key, "-ｰー") {
			t.Fatalf("key %q of %q keeps a space or hyphen", key, s)
		}
	})
}
