// Package problem is the server's coded error: a refusal named by one of
// the API's stable problem codes (api.Code*), with a sentence for people and
// the fields to correct. The rules layer returns them, the HTTP layer adds
// its own (a body that is not JSON, a missing token) and answers each with
// the status its code has in the API's one table (httpapi.statusOf), so no
// layer below HTTP ever picks a status. Sentences are words.Msgs, rendered
// in the caller's language only when the HTTP layer answers.
package problem

import (
	"billfold/api"
	"billfold/internal/server/words"
)

// Error is a refusal the caller can act on.
type Error struct {
	Code   string    // one of api.Code*
	Detail words.Msg // for people; may change, never parsed
	Fields []FieldError
	// RetryAfter is the seconds to wait, on rate_limited.
	RetryAfter int
}

// FieldError is a complaint about one input field; Message is rendered
// into api.FieldError's in the caller's language.
type FieldError struct {
	Field   string // dotted path of the field
	Code    string // why: required, invalid, too_long… or a rule's code
	Message words.Msg
}

// Field is a complaint about field, with code and message.
func Field(field, code string, message words.Text, args ...any) FieldError {
	return FieldError{Field: field, Code: code, Message: words.M(message, args...)}
}

// In is f as the API answers it, in l.
func (f FieldError) In(l words.Lang) api.FieldError {
	return api.FieldError{Field: f.Field, Code: f.Code, Message: f.Message.In(l)}
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail.String() }

// New is a refusal with code and no field to point at.
func New(code string, detail words.Text, args ...any) *Error {
	return &Error{Code: code, Detail: words.M(detail, args...)}
}

// OnField is a refusal with code that marks one input field: a rule
// (amount_below_minimum, currency_mismatch…) refused what it holds.
func OnField(code, field string, detail words.Text, args ...any) *Error {
	d := words.M(detail, args...)
	return &Error{Code: code, Detail: d, Fields: []FieldError{{Field: field, Code: code, Message: d}}}
}

// Invalid is validation_failed: fields missing, empty, of the wrong type
// or out of range, whatever the account's state.
func Invalid(detail words.Text, fields ...FieldError) *Error {
	return &Error{Code: api.CodeValidation, Detail: words.M(detail), Fields: fields}
}

// fieldDetail is the detail of a refusal that names one field first.
const fieldDetail words.Text = "%s %s"

// InvalidFields is validation_failed on fields, the first of which the
// detail names.
func InvalidFields(fields ...FieldError) *Error {
	e := &Error{Code: api.CodeValidation, Fields: fields}
	if len(fields) > 0 {
		e.Detail = words.M(fieldDetail, fields[0].Field, fields[0].Message)
	}
	return e
}

// InvalidField is validation_failed on one field; code says why
// (required, invalid, too_long…) and message is the field's complaint.
func InvalidField(field, code string, message words.Text, args ...any) *Error {
	return InvalidFields(Field(field, code, message, args...))
}

// NotFound is not_found: no such resource for this caller. Another
// customer's resource is not found too, so that ids do not leak.
func NotFound(detail words.Text) *Error { return New(api.CodeNotFound, detail) }
