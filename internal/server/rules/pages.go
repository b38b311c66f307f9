package rules

import (
	"encoding/base64"
	"errors"

	"billfold/internal/server/problem"
	"billfold/internal/server/store"
)

// Page sizes of every list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Page selects one page of a list: Limit items (DefaultPageSize when 0)
// after Cursor, the opaque NextCursor of the previous page ("" for the
// first).
type Page struct {
	Limit  int
	Cursor string
}

// errBadCursor answers a cursor this server did not issue.
func errBadCursor() error {
	return problem.InvalidField("cursor", "invalid", "is not a cursor this server issued")
}

// cursor is the store's cursor inside p's opaque one; it also settles the
// limit.
func (p *Page) cursor() (string, error) {
	switch {
	case p.Limit <= 0:
		p.Limit = DefaultPageSize
	case p.Limit > MaxPageSize:
		p.Limit = MaxPageSize
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
	if err != nil {
		return "", errBadCursor()
	}
	return string(b), nil
}

func encodeCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// pageError turns the store's refusal of a cursor into a problem.
func pageError(err error) error {
	if errors.Is(err, store.ErrBadCursor) {
		return errBadCursor()
	}
	return err
}
