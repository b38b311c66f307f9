package archivecli

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printable makes text from the archive (names and numbers a customer or
// a server chose) safe to print on a terminal: control characters (C0,
// DEL, C1: escape sequences, carriage returns, bells), bidirectional
// overrides and line separators are written as Go escapes (\x1b, \u202e),
// and bytes that are not UTF-8 as \xNN. Everything else, Japanese
// included, is printed as it is.
func printable(s string) string {
	if strings.IndexFunc(s, unsafeRune) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case unsafeRune(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports characters a terminal acts on or that reorder or
// break the text around them.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}
