package httpapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"billfold/internal/server/problem"
)

// exactKeys checks what encoding/json lets through, in a body it decoded
// into a t:
//   - a key that names a field of t only when case is ignored: encoding/json
//     matches {"GATEWAY": …} to "gateway", and DisallowUnknownFields lets it
//     pass. The API's names are case-sensitive, so such a key is an unknown
//     field;
//   - a key that appears twice in one object, at any depth: encoding/json
//     keeps the last ({"amount":1,"amount":1000000} would be a million);
//   - a string, key or value, holding a NUL character (JSON's \u0000), which
//     is no text (see validText);
//   - a string holding half of a surrogate pair (\ud800 alone), which
//     encoding/json turns into U+FFFD without a word: the text stored would
//     not be the text sent.
//
// Malformed JSON is left for the decoder to report.
func exactKeys(body []byte, t reflect.Type) error {
	// A U+FFFD the body does not hold, as a character or as \ufffd, came
	// from a lone surrogate.
	sent := sync.OnceValue(func() bool {
		return bytes.ContainsRune(body, utf8.RuneError) || bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`))
	})
	text := func(s string) bool { return validText(s) && (!strings.ContainsRune(s, utf8.RuneError) || sent()) }
	if err := walkKeys(json.NewDecoder(bytes.NewReader(body)), t, "", text); !errors.Is(err, errMalformed) {
		return err
	}
	return nil
}

// errMalformed stops the walk at the first token that does not read: the
// decoder reports it.
var errMalformed = errors.New("malformed JSON")

func walkKeys(dec *json.Decoder, t reflect.Type, path string, text func(string) bool) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return errMalformed
	}
	switch tok {
	case json.Delim('{'):
		fields := jsonFields(t)
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return errMalformed
			}
			key, _ := kt.(string)
			switch {
			case !text(key):
				return errInvalidText(cmp.Or(path, "body")) // not the key itself: it is no text
			case seen[key]:
				return problem.InvalidField(joinPath(path, key), "duplicate", "appears more than once")
			}
			seen[key] = true
			var ft reflect.Type
			if f, ok := fields[key]; ok {
				ft = f
			} else {
				for name := range fields {
					if strings.EqualFold(name, key) {
						return problem.InvalidField(joinPath(path, key), "unknown_field",
							"is not a known field (names are case-sensitive: %s)", name)
					}
				}
				if t != nil && t.Kind() == reflect.Map {
					ft = t.Elem()
				}
			}
			if err := walkKeys(dec, ft, joinPath(path, key), text); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // '}'
	case json.Delim('['):
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for dec.More() {
			if err := walkKeys(dec, et, path, text); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // ']'
	default:
		if s, ok := tok.(string); ok && !text(s) {
			return errInvalidText(path)
		}
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldCache holds jsonFields' answers: request types are few and fixed.
var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields maps the JSON names of struct t's fields to their types; nil
// when t is not a struct.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
			continue
		case name == "" && f.Anonymous:
			for k, v := range jsonFields(f.Type) {
				m[k] = v
			}
			continue
		case name == "":
			name = f.Name
		}
		m[name] = f.Type
	}
	fieldCache.Store(t, m)
	return m
}
