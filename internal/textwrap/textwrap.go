// Package textwrap breaks text into lines that fit a width, with the
// Japanese line-breaking rules (kinsoku shori, the basics of JIS X 4051):
// closing brackets and punctuation such as 。、）」？！・ー and small kana
// never begin a line, opening brackets such as （「『【〔 never end one, a
// number stays with its counter (11月, 3台), and Latin text breaks at
// spaces. It knows nothing about fonts: the caller measures, so the same
// rules serve the PDF renderer (font metrics in points) and the desktop
// UI (Fyne's text measurement).
package textwrap

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lines breaks text into lines no wider than maxWidth, as width measures
// them.
//
// "\n" or "\r\n" ends a line (and "\n\n" leaves an empty one). Within a
// paragraph a line may break after a run of spaces, which is then dropped,
// and between two characters where either is Japanese (kanji, kana,
// full-width forms), unless kinsoku forbids that break; the spaces a
// paragraph starts with are kept. A word or an unbreakable run wider than
// maxWidth starts a line of its own and is cut between characters, where
// possible not before a character that must not begin a line nor after
// one that must not end it. Each line takes at least one character of its
// paragraph, so Lines always returns, even for a maxWidth narrower than
// any character.
//
// width must be additive: the width of a line is taken as the sum of the
// widths of the pieces it is built from (font advance widths are; kerning
// across a break opportunity is ignored). Lines never returns nil: empty
// text is one empty line.
func Lines(text string, maxWidth float64, width func(string) float64) []string {
	var lines []string
	for para := range strings.SplitSeq(text, "\n") {
		lines = appendParagraph(lines, strings.TrimSuffix(para, "\r"), maxWidth, width)
	}
	return lines
}

// Kinsoku sets (JIS X 4051 classes 2, 5, 6, 7, 9, 11 and the small kana
// of the strict rule): characters that must not begin a line.
const noLineStart = closers +
	"ヽヾゝゞ々〻ー" + // iteration marks, prolonged sound mark
	"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ" + // small kana
	"‐゠–〜～" + // hyphens and wave dashes
	"%％‰℃°′″" + // units after a number
	"/／"

// closers are the closing brackets and the punctuation and separators.
const closers = ")）]］}｝〕〉》」』】〙〗〟’”｠»" + "、。，．,.・：；:;？！?!‼⁇⁈⁉"

// noLineEnd are the characters that must not end a line: opening brackets
// (class 1) and the currency and number signs written before a number.
const noLineEnd = "(（[［{｛〔〈《「『【〘〖〝‘“｟«" + "¥￥$＄£￡€#＃№"

// inseparable (class 8) are never split from their own kind: …… and ――.
const inseparable = "…‥—―"

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\u3000' }

// isAlnum covers ASCII and full-width letters and digits, which form words.
func isAlnum(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
		return true
	}
	return false
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// isCJK reports whether a line may break before and after r without a
// space: ideographs, kana, CJK symbols and full-width forms (other than
// letters and digits, which form words).
func isCJK(r rune) bool {
	switch {
	case r < 0x2460 || isAlnum(r):
		return false
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

// prohibited reports whether kinsoku forbids a line to end with a and the
// next to begin with b.
func prohibited(a, b rune) bool {
	return strings.ContainsRune(noLineEnd, a) || strings.ContainsRune(noLineStart, b) ||
		a == b && strings.ContainsRune(inseparable, a)
}

// mayBreak reports whether a line may break between a and b when no space
// separates them.
func mayBreak(a, b rune) bool {
	switch {
	case prohibited(a, b):
		return false
	case isDigit(a) && isCJK(b):
		return false // a number stays with its counter: 11月, 3台, 100円
	}
	return isCJK(a) || isCJK(b)
}

// segment is the text between two break opportunities: its content and
// the spaces after it, which vanish when a line breaks after them.
type segment struct {
	text  string  // content and trailing spaces
	core  int     // bytes of content
	w, cw float64 // width with and without the trailing spaces
}

// segments splits a paragraph at its break opportunities: after a run of
// spaces, and between two characters where mayBreak allows it.
func segments(para string, width func(string) float64) []segment {
	var segs []segment
	start := 0
	last := rune(-1) // the last rune that is not a space
	spaceAt := -1    // where the spaces after last begin, or -1
	add := func(end int) {
		core := end
		if spaceAt >= 0 {
			core = spaceAt
		}
		s := segment{text: para[start:end], core: core - start}
		s.w = width(s.text)
		s.cw = s.w
		if s.core < len(s.text) {
			s.cw = width(s.text[:s.core])
		}
		segs = append(segs, s)
		start = end
	}
	for i, r := range para {
		if isSpace(r) {
			if spaceAt < 0 && last >= 0 { // leading spaces belong to the first segment
				spaceAt = i
			}
			continue
		}
		if last >= 0 && (spaceAt >= 0 && !prohibited(last, r) || spaceAt < 0 && mayBreak(last, r)) {
			add(i)
		}
		last, spaceAt = r, -1
	}
	if start < len(para) || len(segs) == 0 {
		add(len(para))
	}
	return segs
}

// appendParagraph fills lines greedily with the paragraph's segments, then
// keeps its last line from being a stray character (keepLastLineFull).
func appendParagraph(lines []string, para string, maxWidth float64, width func(string) float64) []string {
	var paraLines [][]segment
	var line []segment
	lineW := 0.0 // trailing spaces included
	emit := func() {
		paraLines = append(paraLines, line)
		line, lineW = nil, 0
	}
	put := func(s segment) {
		line = append(line, s)
		lineW += s.w
	}
	for _, s := range segments(para, width) {
		if len(line) > 0 {
			if lineW+s.cw <= maxWidth {
				put(s)
				continue
			}
			emit()
		}
		if s.cw <= maxWidth {
			put(s)
			continue
		}
		for i, piece := range cut(s, maxWidth, width) {
			if i > 0 {
				emit()
			}
			put(piece)
		}
	}
	emit()
	keepLastLineFull(paraLines, maxWidth)
	for _, l := range paraLines {
		var b strings.Builder
		for _, s := range l {
			b.WriteString(s.text)
		}
		lines = append(lines, strings.TrimRightFunc(b.String(), isSpace))
	}
	return lines
}

// keepLastLineFull moves the end of the line before a paragraph's last
// line down to it while the last line is a single Japanese character with
// its punctuation (「す。」 under a full line reads as a stray; Japanese
// editors avoid it), as long as the line before keeps a piece and the
// last line still fits.
func keepLastLineFull(lines [][]segment, maxWidth float64) {
	if len(lines) < 2 {
		return
	}
	prev, last := &lines[len(lines)-2], &lines[len(lines)-1]
	for stray(*last) && len(*prev) > 1 {
		moved := (*prev)[len(*prev)-1]
		w := moved.w
		for i, s := range *last {
			if i == len(*last)-1 {
				w += s.cw
			} else {
				w += s.w
			}
		}
		if w > maxWidth {
			return
		}
		*prev = (*prev)[:len(*prev)-1]
		*last = append([]segment{moved}, *last...)
	}
}

// stray reports whether a line is one Japanese character and the
// punctuation and closing brackets after it.
func stray(line []segment) bool {
	chars := 0
	for _, s := range line {
		for _, r := range s.text[:s.core] {
			switch {
			case isSpace(r) || strings.ContainsRune(closers, r) && chars > 0:
			case isCJK(r) && !isAlnum(r):
				chars++
			default:
				return false
			}
		}
	}
	return chars == 1
}

// cut splits a segment wider than maxWidth into pieces of at least one
// rune that fit; the last piece keeps the trailing spaces. A piece ends
// where a line may end, if the longest prefix that fits has such a place:
// not inside the spaces, not before a space and not where kinsoku forbids.
func cut(s segment, maxWidth float64, width func(string) float64) []segment {
	core, spaces := s.text[:s.core], s.text[s.core:]
	var pieces []segment
	for core != "" {
		// n: bytes of the longest prefix that fits (at least one rune);
		// best: of the longest such prefix that may end a line.
		n, best, w, bestW := 0, 0, 0.0, 0.0
		last := rune(-1) // the prefix's last rune that is not a space
		for i := 0; i < len(core); {
			r, size := utf8.DecodeRuneInString(core[i:])
			if last >= 0 && !isSpace(r) && !prohibited(last, r) {
				best, bestW = i, w
			}
			rw := width(core[i : i+size])
			if i > 0 && w+rw > maxWidth {
				break
			}
			i += size
			n, w = i, w+rw
			if !isSpace(r) {
				last = r
			}
		}
		if n == len(core) {
			return append(pieces, segment{text: core + spaces, core: n, cw: w, w: w + width(spaces)})
		}
		if best > 0 {
			n, w = best, bestW
		}
		pieces = append(pieces, segment{text: core[:n], core: n, cw: w, w: w})
		core = core[n:]
	}
	return pieces
}
