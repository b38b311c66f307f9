package textwrap

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// cells measures like a monospaced terminal: Japanese characters (and
// anything outside Latin-1) are 2 cells wide, the rest 1. It is additive,
// as Lines requires, and exact in floating point.
func cells(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x100 {
			w++
		} else {
			w += 2
		}
	}
	return w
}

// lineCase is text wrapped at width into the lines want.
type lineCase struct {
	name, text string
	width      float64
	want       []string
}

func runLineCases(t *testing.T, cases []lineCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Lines(c.text, c.width, cells)
			if !slices.Equal(got, c.want) {
				t.Errorf("Lines(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
			}
			checkLines(t, c.text, c.width, got)
		})
	}
}

func TestLinesKinsoku(t *testing.T) {
	runLineCases(t, []lineCase{
		// Without kinsoku the 。 would begin the second line: the
		// character before it goes along (oidashi).
		{"full stop", "あいうえお。かき", 10, []string{"あいうえ", "お。かき"}},
		{"comma", "あいうえお、かきく", 10, []string{"あいうえ", "お、かきく"}},
		{"closing bracket and stop", "あいう「えお」。かき", 10, []string{"あいう「え", "お」。かき"}},
		{"opening bracket", "あいう「えお」", 8, []string{"あいう", "「えお」"}},
		{"question and exclamation", "ほんとうですか？！はい", 14, []string{"ほんとうです", "か？！はい"}},
		{"prolonged sound mark", "サーバー", 4, []string{"サー", "バー"}},
		{"small kana", "チェック", 4, []string{"チェ", "ック"}},
		{"forced when nothing else fits", "サー", 2, []string{"サ", "ー"}},
		{"middle dot", "ドメイン・サーバー", 8, []string{"ドメイ", "ン・サー", "バー"}},
		{"iteration mark", "人々の", 4, []string{"人々", "の"}},
		{"full-width parenthesis", "スタンダード（2 vCPU）", 14, []string{"スタンダード", "（2 vCPU）"}},
		{"inseparable ellipsis", "あ……い", 4, []string{"あ", "……", "い"}},
		// A number stays with its counter, full-width digits too.
		{"counter", "VPS 2026年11月分", 10, []string{"VPS 2026年", "11月分"}},
		{"full-width number", "合計１２３４５円ですね", 14, []string{"合計", "１２３４５円で", "すね"}},
		// A space does not open a way around kinsoku.
		{"space before closing bracket", "(see the note )", 13, []string{"(see the", "note )"}},
		{"space after opening bracket", "「 あいう」", 6, []string{"「 あ", "いう」"}},
		{"yen sign before number", "合計 ¥ 1,000", 8, []string{"合計", "¥ 1,000"}},
		// A paragraph does not end on one character and its punctuation:
		// the line before gives it its last character, or more.
		{"stray last character", "サインは保管されます。", 18, []string{"サインは保管され", "ます。"}},
		{"stray after a full stop", "あいうえお。", 10, []string{"あいう", "えお。"}},
		{"stray with closing brackets", "あいう「えお」。", 10, []string{"あいう", "「えお」。"}},
		{"stray question", "ほんとうですか？！", 14, []string{"ほんとうで", "すか？！"}},
		{"stray stays when nothing can move", "人々の", 4, []string{"人々", "の"}},
		{"stray stays when moving would not fit", "あいう。", 4, []string{"あい", "う。"}},
		{"a two-character last line stays", "あいうえおかき", 10, []string{"あいうえお", "かき"}},
		{"a short Latin last line stays", "ドメインの a", 10, []string{"ドメインの", "a"}},
	})
}

func TestLinesLatin(t *testing.T) {
	runLineCases(t, []lineCase{
		{"at spaces", "Managed TLS certificate, wildcard", 16, []string{"Managed TLS", "certificate,", "wildcard"}},
		{"spaces inside a line kept", "a  b   c", 20, []string{"a  b   c"}},
		{"spaces at a break dropped", "aaaa    bbbb", 6, []string{"aaaa", "bbbb"}},
		{"leading spaces of a paragraph kept", "  indented", 20, []string{"  indented"}},
		{"long word cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"long word on its own line", "ab abcdefghij cd", 4, []string{"ab", "abcd", "efgh", "ij", "cd"}},
		{"Latin then Japanese", "VPSスタンダード", 9, []string{"VPSスタン", "ダード"}},
		{"newlines", "one\n\ntwo", 20, []string{"one", "", "two"}},
		{"CRLF", "one\r\ntwo\r\n", 20, []string{"one", "two", ""}},
		{"empty", "", 20, []string{""}},
		{"only spaces", "   ", 20, []string{""}},
		{"ideographic space", "東京都　渋谷区", 7, []string{"東京都", "渋谷区"}},
	})
}

// TestLinesNarrow: a width narrower than any character gives one
// character per line and returns.
func TestLinesNarrow(t *testing.T) {
	for _, width := range []float64{0.5, 0, -3} {
		got := Lines("請求書 abc", width, cells)
		if want := []string{"請", "求", "書", "a", "b", "c"}; !slices.Equal(got, want) {
			t.Errorf("width %v: %q, want %q", width, got, want)
		}
	}
}

// TestLinesKinsokuAtEveryWidth wraps an invoice note at every width and
// checks every line.
func TestLinesKinsokuAtEveryWidth(t *testing.T) {
	text := "お支払いは、請求書記載の口座へお振込みください。「振込手数料」はお客様のご負担となります（ご了承ください）。" +
		"ご不明な点は、サポート窓口【平日 9:00〜18:00】までお問い合わせください！ Thank you for your business."
	for width := 1.0; width <= cells(text)+2; width++ {
		checkLines(t, text, width, Lines(text, width, cells))
	}
}

// FuzzLines: for any text and width, Lines returns, loses nothing but the
// spaces at breaks, keeps every line of two or more characters within the
// width, and breaks against kinsoku only where a line had no other place
// to break.
func FuzzLines(f *testing.F) {
	for _, s := range []string{
		"お支払いは、請求書記載の口座へお振込みください。「振込手数料」はお客様のご負担となります。",
		"VPS スタンダードプラン（2 vCPU / 4 GB）2026年11月分", "Managed TLS certificate, wildcard *.example.com",
		"「 」", "ab\n\ncd", "  lead", "……――", "\xff\xfe あ", "１２３４５円", "a\t\tb",
	} {
		f.Add(s, uint8(10))
	}
	f.Fuzz(func(t *testing.T, text string, w uint8) {
		checkLines(t, text, float64(w), Lines(text, float64(w), cells))
	})
}

// checkLines checks the properties Lines promises for text at width.
func checkLines(t *testing.T, text string, width float64, lines []string) {
	t.Helper()
	// Paragraphs are wrapped on their own.
	var perPara [][]string
	var joined, paras []string
	for p := range strings.SplitSeq(text, "\n") {
		p = strings.TrimSuffix(p, "\r") // part of the line end
		paras = append(paras, p)
		// Not Lines(p): it would take a second "\r" off ("\r\r" is a
		// paragraph "\r").
		ls := appendParagraph(nil, p, width, cells)
		perPara = append(perPara, ls)
		joined = append(joined, ls...)
	}
	if !slices.Equal(lines, joined) {
		t.Fatalf("%q at %v: %q, but paragraph by paragraph %q", text, width, lines, joined)
	}
	noSpace := func(s string) string { // byte for byte, invalid UTF-8 included
		var b strings.Builder
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !isSpace(r) && r != '\n' {
				b.WriteString(s[i : i+n])
			}
			i += n
		}
		return b.String()
	}
	// Piece by piece: joined, invalid UTF-8 bytes could decode otherwise.
	var got, want strings.Builder
	for _, l := range lines {
		got.WriteString(noSpace(l))
	}
	for _, p := range paras {
		want.WriteString(noSpace(p))
	}
	if got.String() != want.String() {
		t.Fatalf("%q at %v: lines %q lose or add text", text, width, lines)
	}
	for _, ls := range perPara {
		for i, l := range ls {
			if utf8.RuneCountInString(l) > 1 && cells(l) > width {
				t.Errorf("%q at %v: line %q is %v wide", text, width, l, cells(l))
			}
			if l != strings.TrimRightFunc(l, isSpace) {
				t.Errorf("%q at %v: line %q has trailing spaces", text, width, l)
			}
			if i == 0 {
				continue
			}
			// A break against kinsoku (or before a space) is a last
			// resort: the line before it had no place where it could
			// have ended instead.
			prev := []rune(ls[i-1])
			first, _ := utf8.DecodeRuneInString(l)
			if l == "" || mayEnd(prev, len(prev), first) {
				continue
			}
			for j := 1; j < len(prev); j++ {
				if mayEnd(prev, j, prev[j]) {
					t.Errorf("%q at %v: %q | %q breaks against kinsoku, but %q could have ended the line",
						text, width, ls[i-1], l, string(prev[:j]))
					break
				}
			}
		}
	}
}

// mayEnd reports whether a line may end after line[:j] with next after it.
func mayEnd(line []rune, j int, next rune) bool {
	last := rune(-1)
	for _, r := range line[:j] {
		if !isSpace(r) {
			last = r
		}
	}
	return last >= 0 && !isSpace(next) && !prohibited(last, next)
}

func ExampleLines() {
	// A monospaced measure: Japanese characters 2 cells, others 1. A UI
	// passes its text measurement (for Fyne: fyne.MeasureText(s, size,
	// style).Width), the PDF renderer its font's advance widths.
	for _, l := range Lines("お支払いは、請求書記載の口座へお振込みください。", 12, cells) {
		fmt.Println(l)
	}
	// Output:
	// お支払いは、
	// 請求書記載の
	// 口座へお振込
	// みください。
}
