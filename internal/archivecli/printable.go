package archivecli

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"billfold/internal/textcontrol"
)

// printable makes text from the archive (names and numbers a customer or
// a server chose) safe to print on a terminal: control characters (C0,
// DEL, C1: escape sequences, carriage returns, bells), bidirectional
// overrides and line separators are written as Go escapes (\x1b, \u202e),
// and bytes that are not UTF-8 as \xNN. Everything else, Japanese
// included, is printed as it is.
func printable(s string) string {
	if strings.IndexFunc(s, textcontrol.Is) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case textcontrol.Is(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
