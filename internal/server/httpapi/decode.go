package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/problem"
	"billfold/internal/server/words"
)

// cleaner is a rules input: Clean normalises it (trims, upper-cases) or
// refuses it with validation_failed.
type cleaner[T any] interface{ Clean() (T, error) }

// decode reads r's body as one JSON object of type T, strictly (see
// parse), and cleans it. On failure it has answered with the problem and
// returns false. This is the preamble of every handler that takes a body.
func decode[T cleaner[T]](h *Handler, w http.ResponseWriter, r *http.Request) (T, bool) {
	body, err := h.jsonBody(r)
	if err != nil {
		var zero T
		h.fail(w, r, err)
		return zero, false
	}
	v, err := parse[T](body)
	if err != nil {
		h.fail(w, r, err)
		return v, false
	}
	return v, true
}

// jsonBody reads the whole body of a request that must be JSON, within the
// size limit. Another media type is unsupported_media_type: a form body
// (curl -d without a Content-Type) is refused rather than read as JSON.
func (h *Handler) jsonBody(r *http.Request) ([]byte, error) {
	return h.readBody(r, "application/json", h.maxBody)
}

// readBody reads the whole body of a request whose media type must be
// one of types, within limit bytes.
func (h *Handler) readBody(r *http.Request, types string, limit int64) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !slices.Contains(strings.Split(types, ", "), mt) {
		if types == "application/json" {
			return nil, problem.New(api.CodeUnsupportedMediaType, "Send the request body as JSON, with Content-Type: application/json.")
		}
		return nil, problem.New(api.CodeUnsupportedMediaType, "Send the file as the request body, with Content-Type %s.", types)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		return nil, h.bodyError(err, limit)
	}
	return body, nil
}

// bodyError is the problem with a body that could not be read: too large,
// too slow (bodyDeadline), or cut off.
func (h *Handler) bodyError(err error, limit int64) *problem.Error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return problem.New(api.CodeBodyTooLarge, "The request body is larger than %d bytes.", limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return problem.New(api.CodeRequestTimeout, "The request body did not arrive within %v.", h.bodyTTL)
	}
	return problem.New(api.CodeInvalidJSON, "The request body could not be read.")
}

// parse decodes body into a T and cleans it: one JSON object, no unknown
// fields (names are case-sensitive), no trailing data, right types.
// Errors name the field.
func parse[T cleaner[T]](body []byte) (T, error) {
	var v T
	if err := decodeStrict(body, &v); err != nil {
		return v, err
	}
	return v.Clean()
}

func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return problem.New(api.CodeInvalidJSON, "The request body must be a JSON object.")
	}
	if !utf8.Valid(body) {
		// encoding/json would quietly turn the bytes into U+FFFD.
		return problem.New(api.CodeInvalidJSON, "The request body is not UTF-8 text.")
	}
	// First what the decoder would let through (repeated keys, NUL), so
	// that no such key reaches an answer.
	if err := exactKeys(body, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if dec.More() {
		return problem.New(api.CodeInvalidJSON, "Unexpected data after the JSON object.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return problem.New(api.CodeInvalidJSON, "Unexpected data after the JSON object.")
	}
	return nil
}

func jsonProblem(err error) *problem.Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var fe *billing.FieldError
	switch {
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return problem.New(api.CodeInvalidJSON, "The request body is not valid JSON.")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return problem.New(api.CodeInvalidJSON, "The request body must be a JSON object.")
		}
		return problem.InvalidField(field, "wrong_type", "must be a %s", jsonType(typ.Type.Kind().String()))
	case errors.As(err, &fe):
		// Every money field of the API's requests is called "amount".
		field := "amount"
		if fe.Field != "" {
			field += "." + fe.Field
		}
		return problem.InvalidField(field, "invalid", words.Text(fe.Reason))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return problem.InvalidField(name, "unknown_field", "is not a known field")
	}
	return problem.New(api.CodeInvalidJSON, "The request body is not valid JSON.")
}

func jsonType(kind string) words.Text {
	switch kind {
	case "string":
		return "string"
	case "int", "int64", "int32", "uint", "uint64":
		return "whole number"
	case "bool":
		return "boolean"
	case "struct", "map":
		return "JSON object"
	case "slice", "array":
		return "JSON array"
	}
	return "JSON value"
}
