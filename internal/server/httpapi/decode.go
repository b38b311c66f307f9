package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

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
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, problem.New(api.CodeUnsupportedMediaType, "Send the request body as JSON, with Content-Type: application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, h.maxBody))
	if err != nil {
		return nil, bodyError(err, h.maxBody)
	}
	return body, nil
}

// bodyError is the problem with a body that could not be read.
func bodyError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return problem.New(api.CodeBodyTooLarge, "The request body is larger than %d bytes.", limit)
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
	return exactKeys(body, reflect.TypeOf(v))
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
