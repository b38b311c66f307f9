package httpapi

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"billfold/internal/server/problem"
)

// Text is checked at the edge, the same way for every route and both
// databases: every string the server takes from a request is valid UTF-8
// without NUL characters. PostgreSQL refuses such bytes in a text column
// with an error (a 500 when a handler did not expect it), SQLite stores
// them; neither is a text a customer or a staff member means. The checks
// live in two places only: checkedText here for the path, the query, the
// headers read as data and form fields, and the JSON decoder for bodies
// (decodeStrict, walkKeys).

// dataHeaders are the request headers the server reads as data. A header
// that a handler starts reading as data belongs here.
var dataHeaders = []string{"Idempotency-Key", "Last-Event-ID", "Billfold-Signature", "Stripe-Signature"}

// validText reports whether s is text the server accepts.
func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// errInvalidText is validation_failed on field, whose value is not text.
func errInvalidText(field string) *problem.Error {
	return problem.InvalidField(field, "invalid_text", "must be UTF-8 text without NUL characters")
}

// checkedText refuses a request whose path, query or data headers are not
// text, before any handler sees it.
func (h *Handler) checkedText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requestText(r); err != nil {
			writeProblem(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func requestText(r *http.Request) *problem.Error {
	if !validText(r.URL.Path) {
		return errInvalidText("path")
	}
	if err := valuesText(r.URL.Query(), "query"); err != nil {
		return err
	}
	for _, name := range dataHeaders {
		for _, v := range r.Header.Values(name) {
			if !validText(v) {
				return errInvalidText(name)
			}
		}
	}
	return nil
}

// valuesText checks the names and values of a query or a form (what), in
// name order so that the answer does not depend on map order: each name
// once, and text.
func valuesText(vs url.Values, what string) *problem.Error {
	names := make([]string, 0, len(vs))
	for name := range vs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !validText(name) {
			return errInvalidText(what)
		}
		if len(vs[name]) > 1 {
			// As a key twice in a JSON object: which one was meant?
			// (A checkout form with action=decline&action=approve.)
			return problem.InvalidField(name, "duplicate", "appears more than once")
		}
		for _, v := range vs[name] {
			if !validText(v) {
				return errInvalidText(name)
			}
		}
	}
	return nil
}
