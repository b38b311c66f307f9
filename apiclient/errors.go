package apiclient

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"billfold/api"
)

// Error is every failure a Client method returns. It carries what happened
// as data — a Kind, the HTTP status, the problem's code and fields, how
// long to wait — and no sentence for people: the app words it, in the
// user's language. Its text (Error) is for logs and never contains a token.
type Error struct {
	// Op is what the client was doing, e.g. "add funds".
	Op string
	// Kind is what happened, for the caller to act on and to word.
	Kind Kind
	// Status is the HTTP status, 0 when no answer arrived.
	Status int
	// Code is the problem's stable code (api.Code*), "" when the answer was
	// not a problem (an HTML page from a proxy) or there was no answer.
	Code string
	// Detail is what the other side said, as received and not translated:
	// the problem's detail, or the title or first line of a proxy's error
	// page. It is for logs and support, and for a screen only as the last
	// resort for a code the app does not know.
	Detail string
	// Language is the language the server says Detail and the fields'
	// messages are in (its Content-Language, e.g. "ja"); "" when it did
	// not say or the answer was not a problem. A screen shows Detail only
	// when this is its own language.
	Language string
	// Fields are the invalid request fields the server named.
	Fields []api.FieldError
	// RetryAfter is how long the server asked to wait (429, 503).
	RetryAfter time.Duration
	// Err is the underlying cause: a network, timeout, TLS or decode error.
	Err error
}

// Kind classifies an *Error.
type Kind int

const (
	// KindUnreachable: no answer (offline, refused, reset, timed out).
	// Retrying later with the same idempotency key is safe.
	KindUnreachable Kind = iota + 1
	// KindCanceled: the caller cancelled the context.
	KindCanceled
	// KindCertificate: the server's TLS certificate is not trusted; retrying
	// will not help.
	KindCertificate
	// KindBadResponse: an answer the client cannot use (unreadable or
	// oversized body, unexpected status, a repeated page cursor). When it
	// answered a money-moving call, the call may have succeeded.
	KindBadResponse
	// KindSignedOut: the call needs a session and there is none, or the
	// server ended it (expired beyond refresh, revoked).
	KindSignedOut
	// KindInvalidCredentials: sign-in refused: wrong e-mail or password.
	KindInvalidCredentials
	// KindRateLimited: too many requests; RetryAfter says how long to wait.
	KindRateLimited
	// KindForbidden: the signed-in role may not do this.
	KindForbidden
	// KindNotFound: no such resource for this user.
	KindNotFound
	// KindConflict: the resource's state does not allow this (an open
	// add-funds invoice exists, a request with the same key is in flight…).
	KindConflict
	// KindInvalid: the request's input was refused; Fields name the fields.
	KindInvalid
	// KindRefused: a billing rule refused the request; Code says which
	// (below the minimum, voucher expired, …).
	KindRefused
	// KindUnavailable: the server or a gateway in front of it is down or
	// overloaded (502, 503, 504); a money-moving call may have succeeded.
	KindUnavailable
	// KindServer: the server failed (500 and other 5xx).
	KindServer
	// KindUsage: the calling code passed something unusable (no key, an
	// empty id); nothing was sent.
	KindUsage
)

var kindNames = map[Kind]string{
	KindUnreachable: "unreachable", KindCanceled: "canceled", KindCertificate: "untrusted certificate",
	KindBadResponse: "unusable answer", KindSignedOut: "signed out", KindInvalidCredentials: "invalid credentials",
	KindRateLimited: "rate limited", KindForbidden: "forbidden", KindNotFound: "not found", KindConflict: "conflict",
	KindInvalid: "invalid input", KindRefused: "refused", KindUnavailable: "unavailable", KindServer: "server error",
	KindUsage: "usage",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	b.WriteString(e.Kind.String())
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.Status)
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		}
		b.WriteString(")")
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	// Causes come from the network stack and the server; scrub them anyway.
	return redact(b.String())
}

// Unwrap exposes the cause, so errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error { return e.Err }

// AsError finds the *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsUnauthorized: the user has to sign in: the session is missing, expired
// beyond refresh or revoked, or the credentials were wrong.
func (e *Error) IsUnauthorized() bool {
	return e != nil && (e.Kind == KindSignedOut || e.Kind == KindInvalidCredentials)
}

// IsForbidden: the signed-in role may not do this (a staff account on a
// customer screen, or a firewall page in between).
func (e *Error) IsForbidden() bool { return e != nil && e.Kind == KindForbidden }

// IsValidation: the request's input was refused; FieldError tells which
// field to mark.
func (e *Error) IsValidation() bool { return e != nil && e.Kind == KindInvalid }

// FieldError returns the server's complaint about field name (a dotted
// path); asking for "amount" also finds "amount.currency".
func (e *Error) FieldError(name string) (api.FieldError, bool) {
	if e == nil {
		return api.FieldError{}, false
	}
	for _, f := range e.Fields {
		if f.Field == name || strings.HasPrefix(f.Field, name+".") {
			return f, true
		}
	}
	return api.FieldError{}, false
}

// IsLimit: an amount rule refused the request: below the minimum or above
// the maximum deposit, over the balance limit, more credit than available
// or than the invoice's balance due.
func (e *Error) IsLimit() bool {
	if e == nil {
		return false
	}
	switch e.Code {
	case api.CodeBelowMinimum, api.CodeAboveMaximum, api.CodeBalanceLimit, api.CodeInsufficientCredit, api.CodeAmountExceedsDue:
		return true
	}
	return false
}

// IsConflict: the resource is not in a state that allows this.
func (e *Error) IsConflict() bool { return e != nil && e.Kind == KindConflict }

// IsNotFound: no such resource for this user.
func (e *Error) IsNotFound() bool { return e != nil && e.Kind == KindNotFound }

// IsRateLimited: too many requests; RetryAfter says how long to wait.
func (e *Error) IsRateLimited() bool { return e != nil && e.Kind == KindRateLimited }

// IsOffline: no answer from the server. Retrying later, with the same
// idempotency key, is safe.
func (e *Error) IsOffline() bool { return e != nil && e.Kind == KindUnreachable }

// IsCertificate: the server's TLS certificate is not trusted.
func (e *Error) IsCertificate() bool { return e != nil && e.Kind == KindCertificate }

// IsBadResponse: the server answered with something the client cannot
// read. When it answered a money-moving call, repeating the call with the
// same key shows the outcome.
func (e *Error) IsBadResponse() bool { return e != nil && e.Kind == KindBadResponse }

// IsTemporary: trying again later may succeed (offline, rate limited, a
// server or gateway error, a request with the same key still in flight).
func (e *Error) IsTemporary() bool {
	if e == nil {
		return false
	}
	switch e.Kind {
	case KindUnreachable, KindRateLimited, KindUnavailable, KindServer:
		return true
	}
	return e.Code == api.CodeIdempotencyInFlight
}

// Refused reports whether the server definitely did not carry out a
// request and never will under its idempotency key: it answered with a
// problem (problem+json, with a code) and a 4xx status, other than "a
// request with this key is still in flight". Everything else — no answer,
// a 5xx or a gateway's 502/504 after the retries, a 2xx whose body could
// not be read, a page from a proxy — may hide a request that succeeded, so
// the caller must repeat it with the same key to learn the outcome.
func Refused(err error) bool {
	e, ok := AsError(err)
	return ok && e.Code != "" && e.Status >= 400 && e.Status < 500 && e.Code != api.CodeIdempotencyInFlight
}

// usageError reports a mistake of the calling code, caught before sending.
func usageError(op, detail string) *Error {
	return &Error{Op: op, Kind: KindUsage, Detail: detail}
}

func notSignedIn(op string) *Error {
	return &Error{Op: op, Kind: KindSignedOut}
}

// kindOfStatus classifies an error answer by its status and problem code.
func kindOfStatus(status int, code string, fields int) Kind {
	switch {
	case status == http.StatusUnauthorized && code == api.CodeInvalidCredentials:
		return KindInvalidCredentials
	case status == http.StatusUnauthorized:
		return KindSignedOut
	case status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusConflict:
		return KindConflict
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case code == api.CodeValidation || code == api.CodeInvalidJSON || fields > 0:
		return KindInvalid
	case status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
		return KindUnavailable
	case status >= 500:
		return KindServer
	case status >= 400:
		return KindRefused
	}
	return KindBadResponse
}
