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
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// FuzzCanonicalAgreesWithDecoder: the one-pass canonicalizer accepts what
// encoding/json's tokenizer reads, refuses what it refuses, and writes
// the same bytes and the same omitted signature. decoderCanonical is the
// first implementation, built on encoding/json's tokenizer, which Canonical
// replaced for speed: it is kept here as the reference.
func FuzzCanonicalAgreesWithDecoder(f *testing.F) {
	for _, s := range []string{
		`{"b":[1,{"c":"\u00e9"}],"a":null,"signature":"x"}`, `"\ud83d\ude00"`, `"\ud83d\u0041\udc00"`, `[-0,1,true]`,
		`{"":{},"signature":null}`, `"\u0000\/"`, `{"signature":1}`, `{"a":1,"b":2,"a":3}`, `{"\u0061":1,"a":2}`,
		`[01]`, `1.5`, `-`, `[1,]`, `{"a":1,}`, ` {"z":{"y":[{"x":0}]},"\ufb33":3,"😀":2,"€":1} `, `truex`, `{"signature":"a","signature":"a"}`,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, signed bool) {
		omit := ""
		if signed {
			omit = Field
		}
		got, gotSig, gotErr := canonical(data, omit)
		want, wantSig, wantErr := decoderCanonical(data, omit)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("canonical(%q, %q): error %v, the decoder's %v", data, omit, gotErr, wantErr)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("canonical(%q, %q) = %q, the decoder's %q", data, omit, got, want)
		}
		if (gotSig == nil) != (wantSig == nil) || gotSig != nil && *gotSig != *wantSig {
			t.Fatalf("canonical(%q, %q) omitted %v, the decoder %v", data, omit, gotSig, wantSig)
		}
	})
}

var oracleInteger = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

func decoderCanonical(data []byte, omit string) (out []byte, omitted *string, err error) {
	if !utf8.Valid(data) {
		return nil, nil, errors.New("canonical JSON: not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	c := tokenCanonicalizer{dec: dec, omit: omit}
	var buf bytes.Buffer
	if err := c.value(&buf, 0); err != nil {
		return nil, nil, fmt.Errorf("canonical JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("canonical JSON: more than one value")
	}
	return buf.Bytes(), c.omitted, nil
}

type tokenCanonicalizer struct {
	dec     *json.Decoder
	omit    string
	omitted *string
}

func (c *tokenCanonicalizer) value(w *bytes.Buffer, depth int) error {
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
		tokenWriteString(w, t)
	case json.Number:
		s := string(t)
		if !oracleInteger.MatchString(s) {
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

func (c *tokenCanonicalizer) array(w *bytes.Buffer, depth int) error {
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

type tokenMember struct {
	name  string
	key   []uint16
	value []byte
}

func (c *tokenCanonicalizer) object(w *bytes.Buffer, depth int) error {
	var members []tokenMember
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
		members = append(members, tokenMember{name: name, key: utf16.Encode([]rune(name)), value: v.Bytes()})
	}
	if _, err := c.dec.Token(); err != nil { // '}'
		return err
	}
	slices.SortFunc(members, func(a, b tokenMember) int { return slices.Compare(a.key, b.key) })
	w.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			w.WriteByte(',')
		}
		tokenWriteString(w, m.name)
		w.WriteByte(':')
		w.Write(m.value)
	}
	w.WriteByte('}')
	return nil
}

func tokenWriteString(w *bytes.Buffer, s string) {
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
