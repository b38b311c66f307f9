package anchor

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Canonical returns the canonical form of the JSON document data: the
// JSON Canonicalization Scheme (RFC 8785) restricted to what Billing API
// v1 sends, so that every conforming writer gives the same bytes for the
// same value:
//
//   - no white space between tokens;
//   - object members sorted by their names' UTF-16 code units (RFC 8785
//     §3.2.3), a name appearing twice refused;
//   - strings with only '"', '\\' and the control characters U+0000 to
//     U+001F escaped (\b \t \n \f \r, else \u00xx in lower case), every
//     other character as its UTF-8 bytes (§3.2.2.2);
//   - numbers must be integers (the API's money is int64 minor units,
//     counts and rates are whole numbers) and are written in plain decimal
//     without sign on zero, leading zeros, fraction or exponent. RFC 8785
//     writes numbers as ECMAScript does, which for integers is the same up
//     to 2^53; beyond that it would round, and money must not: the
//     departure keeps every int64 exact. Fractions and exponents are
//     refused rather than given a second, float, form.
//
// The input must be valid UTF-8 holding exactly one JSON value.
func Canonical(data []byte) ([]byte, error) {
	out, _, err := canonical(data, "")
	return out, err
}

// maxDepth bounds nesting: an invoice is four levels deep.
const maxDepth = 32

// canonical is Canonical, leaving out the top-level object's member named
// omit (when omit is not ""), whose string value it returns.
//
// It reads data in one pass, checking the grammar of RFC 8259 as it
// goes, and writes the canonical form as it reads: the server signs every
// invoice it sends, and doing this through encoding/json's tokenizer was a
// fifth of the CPU an add-funds request cost.
func canonical(data []byte, omit string) (out []byte, omitted *string, err error) {
	if !utf8.Valid(data) {
		return nil, nil, errors.New("canonical JSON: not valid UTF-8")
	}
	p := parser{data: data, omit: omit, out: make([]byte, 0, len(data))}
	p.space()
	if omit != "" && p.peek() != '{' {
		return nil, nil, errors.New("canonical JSON: not an object")
	}
	if err := p.value(0); err != nil {
		return nil, nil, fmt.Errorf("canonical JSON: %w", err)
	}
	p.space()
	if p.i != len(data) {
		return nil, nil, errors.New("canonical JSON: more than one value")
	}
	return p.out, p.omitted, nil
}

type parser struct {
	data    []byte
	i       int
	out     []byte
	omit    string
	omitted *string
}

var errEnd = errors.New("unexpected end of JSON input")

// peek is the next byte, 0 at the end (a NUL is no JSON token either).
func (p *parser) peek() byte {
	if p.i < len(p.data) {
		return p.data[p.i]
	}
	return 0
}

func (p *parser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) unexpected() error {
	if p.i >= len(p.data) {
		return errEnd
	}
	return fmt.Errorf("unexpected %q at offset %d", p.data[p.i], p.i)
}

func (p *parser) value(depth int) error {
	if depth > maxDepth {
		return errors.New("nested too deeply")
	}
	switch c := p.peek(); {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.string()
		if err != nil {
			return err
		}
		p.out = appendString(p.out, s)
		return nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if bytes.HasPrefix(p.data[p.i:], []byte(lit)) {
				p.i += len(lit)
				p.out = append(p.out, lit...)
				return nil
			}
		}
		return p.unexpected()
	}
}

// number writes an integer in plain decimal, refusing a fraction or an
// exponent (see Canonical) and anything RFC 8259 does not call a number.
func (p *parser) number() error {
	start := p.i
	neg := p.peek() == '-'
	if neg {
		p.i++
	}
	switch c := p.peek(); {
	case c == '0':
		p.i++
	case c >= '1' && c <= '9':
		for c := p.peek(); c >= '0' && c <= '9'; c = p.peek() {
			p.i++
		}
	default:
		return p.unexpected()
	}
	if c := p.peek(); c == '.' || c == 'e' || c == 'E' {
		return fmt.Errorf("number at offset %d is not an integer", start)
	}
	digits := p.data[start:p.i]
	if neg && len(digits) == 2 && digits[1] == '0' {
		digits = digits[1:] // -0 is 0
	}
	p.out = append(p.out, digits...)
	return nil
}

func (p *parser) array(depth int) error {
	p.i++ // [
	p.out = append(p.out, '[')
	p.space()
	if p.peek() == ']' {
		p.i++
		p.out = append(p.out, ']')
		return nil
	}
	for {
		p.space()
		if err := p.value(depth + 1); err != nil {
			return err
		}
		p.space()
		switch p.peek() {
		case ',':
			p.i++
			p.out = append(p.out, ',')
		case ']':
			p.i++
			p.out = append(p.out, ']')
			return nil
		default:
			return p.unexpected()
		}
	}
}

// member is an object member as written to out: its name decoded, and
// where its "name":value pair lies in out.
type member struct {
	name       string
	start, end int
}

func (p *parser) object(depth int) error {
	p.i++ // {
	p.out = append(p.out, '{')
	start := len(p.out)
	p.space()
	if p.peek() == '}' {
		p.i++
		p.out = append(p.out, '}')
		return nil
	}
	var members []member
	omitting := depth == 0 && p.omit != ""
	for {
		p.space()
		if p.peek() != '"' {
			return p.unexpected()
		}
		name, err := p.string()
		if err != nil {
			return err
		}
		p.space()
		if p.peek() != ':' {
			return p.unexpected()
		}
		p.i++
		p.space()
		if omitting && name == p.omit {
			if err := p.omittedValue(depth); err != nil {
				return err
			}
		} else {
			if len(members) > 0 {
				p.out = append(p.out, ',')
			}
			m := member{name: name, start: len(p.out)}
			p.out = appendString(p.out, name)
			p.out = append(p.out, ':')
			if err := p.value(depth + 1); err != nil {
				return err
			}
			m.end = len(p.out)
			members = append(members, m)
		}
		p.space()
		if p.peek() == '}' {
			p.i++
			break
		}
		if p.peek() != ',' {
			return p.unexpected()
		}
		p.i++
	}
	return p.sortMembers(start, members)
}

// omittedValue reads the value of the member Canonical leaves out: a
// string, or null for an empty one.
func (p *parser) omittedValue(depth int) error {
	if p.omitted != nil {
		return fmt.Errorf("member %q appears twice", p.omit)
	}
	mark := len(p.out)
	if p.peek() == '"' {
		s, err := p.string()
		if err != nil {
			return err
		}
		p.omitted = &s
		return nil
	}
	if err := p.value(depth + 1); err != nil {
		return err
	}
	if string(p.out[mark:]) != "null" {
		return fmt.Errorf("member %q is not a string", p.omit)
	}
	p.out = p.out[:mark]
	p.omitted = new(string)
	return nil
}

// sortMembers puts members, which lie in out from start in the order they
// were read, in the order of their names' UTF-16 code units, and closes
// the object.
func (p *parser) sortMembers(start int, members []member) error {
	sorted := slices.IsSortedFunc(members, compareMembers)
	if !sorted {
		slices.SortFunc(members, compareMembers)
	}
	for i := 1; i < len(members); i++ {
		if members[i].name == members[i-1].name {
			return fmt.Errorf("member %q appears twice", members[i].name)
		}
	}
	if !sorted {
		written := slices.Clone(p.out[start:])
		p.out = p.out[:start]
		for i, m := range members {
			if i > 0 {
				p.out = append(p.out, ',')
			}
			p.out = append(p.out, written[m.start-start:m.end-start]...)
		}
	}
	p.out = append(p.out, '}')
	return nil
}

func compareMembers(a, b member) int { return compareUTF16(a.name, b.name) }

// compareUTF16 orders strings by their UTF-16 code units (RFC 8785
// §3.2.3) without encoding them: that order is code point order except
// that U+E000 to U+FFFF come after every supplementary character, whose
// surrogates (U+D800 to U+DFFF) come first in UTF-16.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return cmp.Compare(utf16Rank(ra), utf16Rank(rb))
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

func utf16Rank(r rune) rune {
	if r >= 0xE000 && r <= 0xFFFF {
		return r + 0x110000
	}
	return r
}

// string reads a JSON string and returns it decoded, as encoding/json
// decodes it: a surrogate escape that is not half of a pair becomes
// U+FFFD.
func (p *parser) string() (string, error) {
	p.i++ // "
	start := p.i
	// Most strings have no escape: they are their own bytes.
	for p.i < len(p.data) {
		switch c := p.data[p.i]; {
		case c == '"':
			s := string(p.data[start:p.i])
			p.i++
			return s, nil
		case c == '\\':
			return p.escapedString(start)
		case c < 0x20:
			return "", p.unexpected()
		default:
			p.i++
		}
	}
	return "", errEnd
}

func (p *parser) escapedString(start int) (string, error) {
	buf := slices.Clone(p.data[start:p.i])
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			return string(buf), nil
		case c < 0x20:
			return "", p.unexpected()
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		p.i++ // \
		switch e := p.peek(); e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(p.data[p.i+1:])
			if !ok {
				return "", fmt.Errorf("bad \\u escape at offset %d", p.i)
			}
			p.i += 4
			if utf16.IsSurrogate(r) {
				r = p.surrogatePair(r)
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", p.unexpected()
		}
		p.i++
	}
	return "", errEnd
}

// surrogatePair decodes the surrogate hi, whose escape ends at p.i, with
// the escape after it when the two make a pair, moving past that one too;
// else it is U+FFFD.
func (p *parser) surrogatePair(hi rune) rune {
	rest := p.data[p.i+1:]
	if len(rest) < 2 || rest[0] != '\\' || rest[1] != 'u' {
		return unicode.ReplacementChar
	}
	lo, ok := hex4(rest[2:])
	if !ok {
		return unicode.ReplacementChar
	}
	r := utf16.DecodeRune(hi, lo)
	if r != unicode.ReplacementChar {
		p.i += 6
	}
	return r
}

// hex4 reads four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

const hexDigits = "0123456789abcdef"

// appendString appends s as RFC 8785 writes it.
func appendString(out []byte, s string) []byte {
	out = append(out, '"')
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		out = append(out, s[last:i]...)
		last = i + 1
		switch c {
		case '"', '\\':
			out = append(out, '\\', c)
		case '\b':
			out = append(out, '\\', 'b')
		case '\t':
			out = append(out, '\\', 't')
		case '\n':
			out = append(out, '\\', 'n')
		case '\f':
			out = append(out, '\\', 'f')
		case '\r':
			out = append(out, '\\', 'r')
		default:
			out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	out = append(out, s[last:]...)
	return append(out, '"')
}
