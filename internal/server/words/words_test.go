package words

import "testing"

func TestNegotiate(t *testing.T) {
	for header, want := range map[string]Lang{
		"":                                 English,
		"ja":                               Japanese,
		"ja-JP":                            Japanese,
		"JA-jp":                            Japanese,
		"en":                               English,
		"en-GB":                            English,
		"fr":                               English,
		"fr-FR, de;q=0.8":                  English,
		"fr, ja;q=0.5":                     Japanese,
		"en;q=0.4, ja;q=0.9":               Japanese,
		"ja;q=0.1, en;q=0.9":               English,
		"*":                                English,
		"ja-Jpan-JP-u-ca-japanese":         Japanese,
		"zh-Hant-TW, ja;q=0.3":             Japanese,
		";;;,,,":                           English,
		"ja;q=abc":                         English,
		"ja;q=":                            English,
		"\xff\xfe":                         English,
		"x-klingon":                        English,
		"ja-" + string(make([]byte, 2000)): English,
	} {
		if got := Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %s, want %s", header, got, want)
		}
	}
}

// FuzzNegotiate: any header gets one of the languages, never a panic.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "ja", "ja-JP,en;q=0.5", "fr", "*;q=0", "en-US;q=0.9, ja;q=1.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		switch l := Negotiate(header); l {
		case English, Japanese:
		default:
			t.Fatalf("Negotiate(%q) = %q", header, l)
		}
	})
}

func TestMsgIn(t *testing.T) {
	m := M("Invoice %s is %s.", "INV-1", State("paid"))
	if got := m.In(Japanese); got != "請求書 INV-1 は支払済みです。" {
		t.Errorf("ja: %q", got)
	}
	if got := m.In(English); got != "Invoice INV-1 is paid." {
		t.Errorf("en: %q", got)
	}
	nested := M("%s %s", "amount", M("must be a %s", Text("whole number")))
	if got := nested.In(Japanese); got != "amount：整数にしてください" {
		t.Errorf("nested ja: %q", got)
	}
	if got := Japanese.T("a text the catalogue lacks"); got != "a text the catalogue lacks" {
		t.Errorf("fallback: %q", got)
	}
}

func TestForLocale(t *testing.T) {
	for locale, want := range map[string]Lang{"ja": Japanese, "ja-JP": Japanese, "en": English, "en-GB": English, "": English, "fr": English} {
		if got := ForLocale(locale); got != want {
			t.Errorf("ForLocale(%q) = %s, want %s", locale, got, want)
		}
	}
}
