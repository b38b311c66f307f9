// Package problem is the server's coded error: a refusal named by one of
// the API's stable problem codes (api.Code*), with a sentence for people and
// the fields to correct. The rules layer returns them, the HTTP layer adds
// its own (a body that is not JSON, a missing token) and answers each with
// the status its code has in the API's one table (httpapi.statusOf), so no
// layer below HTTP ever picks a status.
package problem

import "billfold/api"

// Error is a refusal the caller can act on.
type Error struct {
	Code   string // one of api.Code*
	Detail string // for people; may change, never parsed
	Fields []api.FieldError
	// RetryAfter is the seconds to wait, on rate_limited.
	RetryAfter int
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

// New is a refusal with code and no field to point at.
func New(code, detail string) *Error { return &Error{Code: code, Detail: detail} }

// OnField is a refusal with code that marks one input field: a rule
// (amount_below_minimum, currency_mismatch…) refused what it holds.
func OnField(code, field, detail string) *Error {
	return &Error{Code: code, Detail: detail, Fields: []api.FieldError{{Field: field, Code: code, Message: detail}}}
}

// Invalid is validation_failed: fields missing, empty, of the wrong type
// or out of range, whatever the account's state.
func Invalid(detail string, fields ...api.FieldError) *Error {
	return &Error{Code: api.CodeValidation, Detail: detail, Fields: fields}
}

// InvalidField is validation_failed on one field; code says why
// (required, invalid, too_long…) and message is the field's complaint.
func InvalidField(field, code, message string) *Error {
	return Invalid(field+" "+message, api.FieldError{Field: field, Code: code, Message: message})
}

// NotFound is not_found: no such resource for this caller. Another
// customer's resource is not found too, so that ids do not leak.
func NotFound(detail string) *Error { return New(api.CodeNotFound, detail) }
