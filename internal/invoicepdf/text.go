package invoicepdf

import (
	"strings"
	"unicode"
)

// runeWidth is the advance of r in 1/1000 em, truncated exactly as gopdf
// does (GlyphIndexToPdfWidth), so that layout and the PDF's /W array agree.
// Runes without a glyph measure 0; text is checked for them before layout.
func (f *sfnt) runeWidth(r rune) int {
	g, ok := f.cmap[r]
	if !ok {
		return 0
	}
	adv, _ := f.metric(int(g))
	return int(adv) * 1000 / f.unitsPerEm
}

// width is the width of s in points at size pt.
func (f *sfnt) width(s string, size float64) float64 {
	w := 0
	for _, r := range s {
		w += f.runeWidth(r)
	}
	return float64(w) * size / 1000
}

// Kinsoku (禁則処理): characters that must not begin a line, and characters
// that must not end one (JIS X 4051, the common subset).
const (
	noLineStart = "、。，．,.)）]］｝}〕〉》」』】〙〗〟’”｠»ゝゞーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻‐゠–〜～？！?!‼⁇⁈⁉・：；:;/／"
	noLineEnd   = "(（[［｛{〔〈《「『【〘〖〝‘“｟«"
)

// breaksAnywhere reports whether a line may break before and after r
// without a space: CJK ideographs, kana and full-width forms.
func breaksAnywhere(r rune) bool {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
		return true
	case r >= 0x3000 && r <= 0x303F, // CJK symbols and punctuation
		r >= 0xFF00 && r <= 0xFFEF, // half- and full-width forms
		r >= 0x3200 && r <= 0x33FF, // enclosed CJK, compatibility
		r >= 0x2460 && r <= 0x24FF: // circled numbers
		return true
	}
	return false
}

// wrap breaks s into lines no wider than maxW points at size pt. "\n"
// starts a new line; Latin text breaks at spaces; Japanese text breaks
// between any two characters except where kinsoku forbids it; a word or
// character wider than the line is cut by character. It always makes
// progress, so a width narrower than one glyph gives one glyph per line
// instead of the endless loop gopdf's SplitText falls into.
func (f *sfnt) wrap(s string, maxW, size float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, f.wrapPara(para, maxW, size)...)
	}
	return out
}

func isSpace(r rune) bool { return r == ' ' || r == '\u3000' }

// breakBetween reports whether a line may break between a and b.
func breakBetween(a, b rune) bool {
	switch {
	case isSpace(a) || isSpace(b):
		return isSpace(a) != isSpace(b)
	case strings.ContainsRune(noLineEnd, a), strings.ContainsRune(noLineStart, b):
		return false
	case a >= '0' && a <= '9' && breaksAnywhere(b):
		return false // a number stays with its counter: 11月, 3台, 100円
	}
	return breaksAnywhere(a) || breaksAnywhere(b)
}

func (f *sfnt) wrapPara(s string, maxW, size float64) []string {
	// Tokens are units that are never split unless they alone overflow a
	// line: a Latin word, a run of spaces, or one CJK character with the
	// kinsoku characters glued to it.
	var toks []string
	begin, prev := 0, rune(-1)
	for i, r := range s {
		if prev >= 0 && breakBetween(prev, r) {
			toks = append(toks, s[begin:i])
			begin = i
		}
		prev = r
	}
	if begin < len(s) {
		toks = append(toks, s[begin:])
	}

	var lines []string
	var line strings.Builder
	lineW := 0.0
	emit := func() {
		lines = append(lines, strings.TrimRight(line.String(), " \u3000"))
		line.Reset()
		lineW = 0
	}
	for _, t := range toks {
		tw := f.width(t, size)
		isSpace := strings.Trim(t, " \u3000") == ""
		if line.Len() == 0 && isSpace {
			continue // no leading spaces on a wrapped line
		}
		if lineW+tw <= maxW {
			line.WriteString(t)
			lineW += tw
			continue
		}
		if isSpace {
			emit()
			continue
		}
		if tw <= maxW {
			emit()
			line.WriteString(t)
			lineW = tw
			continue
		}
		// The token alone is too wide: cut it by character.
		for _, r := range t {
			rw := f.width(string(r), size)
			if line.Len() > 0 && lineW+rw > maxW {
				emit()
			}
			line.WriteRune(r)
			lineW += rw
		}
	}
	if line.Len() > 0 || len(lines) == 0 {
		emit()
	}
	return lines
}
