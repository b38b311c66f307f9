package bankstatement

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// decodeShiftJIS decodes Shift_JIS (Windows-31J, as Japanese banks write
// it). The decoder turns bytes that are not Shift_JIS into U+FFFD, which
// Shift_JIS itself cannot contain: finding one means the input was bad.
func decodeShiftJIS(b []byte) (string, *Finding) {
	if s, ok := decodeSingleBytes(b); ok {
		return s, nil
	}
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(b)
	if err != nil {
		return "", new(found("is not Shift_JIS text: %v", err))
	}
	if strings.ContainsRune(string(out), utf8.RuneError) {
		i := invalidAt(b)
		return "", new(found("is not Shift_JIS text: byte %d of the field (0x%02X) does not start a character", i+1, b[i]))
	}
	return string(out), nil
}

// decodeSingleBytes is the fast path for text of one-byte characters
// only, which Zengin text fields are: ASCII, and the half-width katakana
// of JIS X 0201 (0xA1–0xDF, U+FF61–U+FF9F). ok is false for anything else.
func decodeSingleBytes(b []byte) (string, bool) {
	n := 0
	for _, c := range b {
		switch {
		case c < 0x80:
			n++
		case c >= 0xA1 && c <= 0xDF:
			n += 3
		default:
			return "", false
		}
	}
	if n == len(b) {
		return string(b), true
	}
	out := make([]byte, 0, n)
	for _, c := range b {
		if c < 0x80 {
			out = append(out, c)
		} else {
			out = utf8.AppendRune(out, 0xFF61+rune(c-0xA1))
		}
	}
	return string(out), true
}

// invalidAt finds the first byte that does not start a valid Shift_JIS
// character, for the error message.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80 || (c >= 0xA1 && c <= 0xDF):
			i++
		case (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC):
			if i+1 >= len(b) {
				return i
			}
			if out, _ := japanese.ShiftJIS.NewDecoder().Bytes(b[i : i+2]); strings.ContainsRune(string(out), utf8.RuneError) {
				return i
			}
			i += 2
		default:
			return i
		}
	}
	return len(b) - 1
}

// cleanText checks decoded text the way the server checks all text at its
// edge: no control characters (NUL included).
func cleanText(s string) *Finding {
	for _, r := range s {
		if unicode.IsControl(r) {
			return new(found("contains the control character %U", r))
		}
	}
	return nil
}
