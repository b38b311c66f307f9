package anchor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
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

var integer = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// canonical is Canonical, leaving out the top-level object's member named
// omit (when omit is not ""), whose string value it returns.
func canonical(data []byte, omit string) (out []byte, omitted *string, err error) {
	if !utf8.Valid(data) {
		return nil, nil, errors.New("canonical JSON: not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	c := canonicalizer{dec: dec, omit: omit}
	var buf bytes.Buffer
	if err := c.value(&buf, 0); err != nil {
		return nil, nil, fmt.Errorf("canonical JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("canonical JSON: more than one value")
	}
	return buf.Bytes(), c.omitted, nil
}

type canonicalizer struct {
	dec     *json.Decoder
	omit    string
	omitted *string
}

func (c *canonicalizer) value(w *bytes.Buffer, depth int) error {
	if depth > maxDepth {
		return errors.New("nested too deeply")
	}
	tok, err := c.dec.Token()
	if err != nil {
		return err
	}
	if depth == 0 && c.omit != "" && tok != json.Delim('{') {
		return errors.New("not an object")
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return c.array(w, depth)
		}
		if t == '{' {
			return c.object(w, depth)
		}
		return fmt.Errorf("unexpected %v", t)
	case string:
		writeString(w, t)
	case json.Number:
		s := string(t)
		if !integer.MatchString(s) {
			return fmt.Errorf("number %s is not an integer", s)
		}
		if s == "-0" {
			s = "0"
		}
		w.WriteString(s)
	case bool:
		w.WriteString(strconv.FormatBool(t))
	case nil:
		w.WriteString("null")
	}
	return nil
}

func (c *canonicalizer) array(w *bytes.Buffer, depth int) error {
	w.WriteByte('[')
	for i := 0; c.dec.More(); i++ {
		if i > 0 {
			w.WriteByte(',')
		}
		if err := c.value(w, depth+1); err != nil {
			return err
		}
	}
	_, err := c.dec.Token() // ']'
	w.WriteByte(']')
	return err
}

type member struct {
	name  string
	key   []uint16
	value []byte
}

func (c *canonicalizer) object(w *bytes.Buffer, depth int) error {
	var members []member
	seen := map[string]bool{}
	for c.dec.More() {
		tok, err := c.dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		if seen[name] {
			return fmt.Errorf("member %q appears twice", name)
		}
		seen[name] = true
		var v bytes.Buffer
		if err := c.value(&v, depth+1); err != nil {
			return err
		}
		if depth == 0 && c.omit != "" && name == c.omit {
			var s string
			if err := json.Unmarshal(v.Bytes(), &s); err != nil {
				return fmt.Errorf("member %q is not a string", name)
			}
			c.omitted = &s
			continue
		}
		members = append(members, member{name: name, key: utf16.Encode([]rune(name)), value: v.Bytes()})
	}
	if _, err := c.dec.Token(); err != nil { // '}'
		return err
	}
	slices.SortFunc(members, func(a, b member) int { return slices.Compare(a.key, b.key) })
	w.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			w.WriteByte(',')
		}
		writeString(w, m.name)
		w.WriteByte(':')
		w.Write(m.value)
	}
	w.WriteByte('}')
	return nil
}

const hexDigits = "0123456789abcdef"

// writeString writes s as RFC 8785 does.
func writeString(w *bytes.Buffer, s string) {
	w.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			w.WriteString(`\"`)
		case r == '\\':
			w.WriteString(`\\`)
		case r == '\b':
			w.WriteString(`\b`)
		case r == '\t':
			w.WriteString(`\t`)
		case r == '\n':
			w.WriteString(`\n`)
		case r == '\f':
			w.WriteString(`\f`)
		case r == '\r':
			w.WriteString(`\r`)
		case r < 0x20:
			w.WriteString(`\u00`)
			w.WriteByte(hexDigits[r>>4])
			w.WriteByte(hexDigits[r&0xf])
		default:
			w.WriteRune(r)
		}
	}
	w.WriteByte('"')
}
