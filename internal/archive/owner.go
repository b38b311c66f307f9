package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Owner is the account whose invoices an archive folder keeps: one folder,
// one account on one server, so that two accounts' invoices never mix in
// one index, one audit chain and one set of file names.
type Owner struct {
	Server string // the server's base URL
	Email  string // the signed-in account's e-mail address
}

func (o Owner) String() string { return o.Email + " on " + o.Server }

// same compares addresses the way the server does: e-mail without case,
// the URL without a trailing slash.
func (o Owner) same(p Owner) bool {
	return strings.EqualFold(o.Email, p.Email) &&
		strings.EqualFold(strings.TrimRight(o.Server, "/"), strings.TrimRight(p.Server, "/"))
}

// OwnerError is the answer when a folder belongs to another account.
type OwnerError struct{ Have, Want Owner }

func (e *OwnerError) Error() string {
	return fmt.Sprintf("archive: the folder keeps the invoices of %s, not of %s: choose another folder", e.Have, e.Want)
}

// Owner returns the folder's account; ok is false before its first sync.
func (a *Archive) Owner(ctx context.Context) (o Owner, ok bool, err error) {
	err = a.db.QueryRowContext(ctx, `SELECT server, email FROM owner WHERE id = 1`).Scan(&o.Server, &o.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return Owner{}, false, nil
	}
	if err != nil {
		return Owner{}, false, fmt.Errorf("archive: owner: %w", err)
	}
	return o, true, nil
}

// Claim makes o the folder's account when it has none yet, and returns an
// *OwnerError when it belongs to another one.
func (a *Archive) Claim(ctx context.Context, o Owner) error {
	if o.Server == "" || o.Email == "" {
		return errors.New("archive: an owner needs a server and an e-mail address")
	}
	if _, err := a.db.ExecContext(ctx, `INSERT INTO owner (id, server, email) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`,
		o.Server, o.Email); err != nil {
		return fmt.Errorf("archive: owner: %w", err)
	}
	return a.CheckOwner(ctx, o)
}

// CheckOwner returns an *OwnerError when the folder belongs to an account
// other than o; a folder without an owner yet passes.
func (a *Archive) CheckOwner(ctx context.Context, o Owner) error {
	have, ok, err := a.Owner(ctx)
	if err != nil || !ok {
		return err
	}
	if !have.same(o) {
		return &OwnerError{Have: have, Want: o}
	}
	return nil
}
