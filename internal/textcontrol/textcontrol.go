// Package textcontrol tells the characters that act on the text around
// them rather than show: control characters (C0, DEL, C1: line breaks,
// escape sequences, bells), bidirectional controls, which can make a text
// show as another, and the line and paragraph separators. Text a person
// reads from someone else (a staff reason in a customer's ledger, an
// archived name on a terminal) must not hold them unseen.
package textcontrol

import "unicode"

// Is reports whether r acts on the text around it rather than shows.
func Is(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}
