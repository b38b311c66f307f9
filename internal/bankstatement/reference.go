package bankstatement

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Customers paying by bank transfer put the payment's reference (the
// server's gateway makes them: "BF-" and two groups of four characters,
// e.g. BF-KFLY-E6Y2; the demo's are BF-DEMO-<digits>) into the remitter
// name. The bank then rewrites it: to half-width katakana and upper case,
// with its own hyphen (-, ｰ, －, −) or none, spaces moved, the name before
// or after it, sometimes cut at the field's 48 bytes.

// dashes are the characters that stand for a hyphen in remitter names:
// ASCII and Unicode hyphens and dashes, the minus sign Shift_JIS 0x817C
// decodes to, and the katakana prolonged sound mark (ｰ/ー) banks write for
// "-" in half-width names.
const dashes = "-‐‑‒–—―−－ーｰ〜～"

// NormalizeName is the key two spellings of one remitter name share:
// half-width and full-width forms unified (NFKC), hiragana as katakana,
// small kana as the full-size ones banks write (ｷﾔﾉﾝ for キャノン), Latin
// letters upper case, and spaces, hyphens, dots and legal-entity marks
// (カ) for 株式会社 and the like) dropped. It is for comparing names, never
// for showing them.
func NormalizeName(s string) string {
	// Dropping a space can put a lone voiced mark next to the kana it
	// belongs to, and NFKC then joins them: repeat until nothing changes,
	// so that the key of a key is the key.
	for range 8 {
		next := normalizeOnce(s)
		if next == s {
			break
		}
		s = next
	}
	return s
}

func normalizeOnce(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), strings.ContainsRune(dashes, r), strings.ContainsRune(".・･,、。", r):
			continue
		case r >= 'ぁ' && r <= 'ゖ':
			r += 'ァ' - 'ぁ'
		}
		if large, ok := smallKana[r]; ok {
			r = large
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return dropEntityMarks(b.String())
}

var smallKana = map[rune]rune{
	'ァ': 'ア', 'ィ': 'イ', 'ゥ': 'ウ', 'ェ': 'エ', 'ォ': 'オ', 'ッ': 'ツ', 'ャ': 'ヤ', 'ュ': 'ユ', 'ョ': 'ヨ', 'ヮ': 'ワ', 'ヵ': 'カ', 'ヶ': 'ケ',
}

// entityMarks are the abbreviations banks write for the legal form of a
// company, before the name as "カ)" or after it as "(カ": 株式会社, 有限会社,
// 合同会社, 合名会社, 合資会社, 医療法人, 財団法人, 社団法人, 学校法人,
// 社会福祉法人 (small kana already made full-size: シヤ).
var entityMarks = []string{"カ", "ユ", "ド", "メ", "シ", "イ", "ザイ", "シヤ", "ガク", "フク"}

// dropEntityMarks removes a leading "X)" or "(X)", a trailing "(X" or
// "(X)", then any parentheses left.
func dropEntityMarks(s string) string {
	for _, m := range entityMarks {
		for _, form := range []string{"(" + m + ")", m + ")"} {
			if rest, ok := strings.CutPrefix(s, form); ok {
				s = rest
			}
		}
		for _, form := range []string{"(" + m + ")", "(" + m} {
			if rest, ok := strings.CutSuffix(s, form); ok {
				s = rest
			}
		}
	}
	return strings.NewReplacer("(", "", ")", "").Replace(s)
}

// ReferencePrefix starts every Billfold transfer reference.
const ReferencePrefix = "BF"

// FindReferences returns the Billfold references in a remitter name (or
// any statement text), in their canonical form "BF-XXXX-XXXX", in the order
// they appear and each once. A candidate is "BF" and eight letters or
// digits, with hyphens, spaces and width ignored; whether it names a
// pending payment is the caller's lookup.
func FindReferences(text string) []string {
	var out []string
	for _, run := range referenceRuns(text) {
		for i := 0; i+len(ReferencePrefix)+8 <= len(run); i++ {
			if !strings.HasPrefix(run[i:], ReferencePrefix) {
				continue
			}
			body := run[i+len(ReferencePrefix) : i+len(ReferencePrefix)+8]
			ref := ReferencePrefix + "-" + body[:4] + "-" + body[4:]
			if !slices.Contains(out, ref) {
				out = append(out, ref)
			}
		}
	}
	return out
}

// referenceRuns are the stretches of A–Z and 0–9 in text once widths are
// unified and upper-cased, joined across spaces, hyphens and punctuation
// (BF KFLY-E6Y2 is one run) and cut at anything else (katakana, kanji).
func referenceRuns(text string) []string {
	var (
		runs []string
		cur  strings.Builder
	)
	for _, r := range norm.NFKC.String(text) {
		r = unicode.ToUpper(r)
		switch {
		case (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			cur.WriteRune(r)
		case unicode.IsSpace(r) || strings.ContainsRune(dashes, r) || (r < unicode.MaxASCII && unicode.IsPunct(r)):
		default:
			if cur.Len() > 0 {
				runs = append(runs, cur.String())
				cur.Reset()
			}
		}
	}
	if cur.Len() > 0 {
		runs = append(runs, cur.String())
	}
	return runs
}
