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
	// Server is the server's address when the folder was claimed. It is
	// not part of the identity: a server may move (and the desktop demo's
	// embedded server gets a new port on every start).
	Server string
	Email  string // the account's e-mail address
	// UserID is the account's id on its server, random per server: the
	// same e-mail on two servers is two owners. Empty in an owner given by
	// e-mail alone (the offline commands' --email).
	UserID string
}

func (o Owner) String() string { return o.Email + " on " + o.Server }

// same compares accounts: by id when both have one, else by e-mail
// without case, as the server compares addresses.
func (o Owner) same(p Owner) bool {
	if o.UserID != "" && p.UserID != "" {
		return o.UserID == p.UserID
	}
	return strings.EqualFold(o.Email, p.Email)
}

// OwnerError is the answer when a folder belongs to another account.
type OwnerError struct{ Have, Want Owner }

func (e *OwnerError) Error() string {
	return fmt.Sprintf("archive: the folder keeps the invoices of %s, not of %s: choose another folder", e.Have, e.Want)
}

// Owner returns the folder's account; ok is false before its first sync.
func (a *Archive) Owner(ctx context.Context) (o Owner, ok bool, err error) {
	err = a.db.QueryRowContext(ctx, `SELECT server, email, user_id FROM owner WHERE id = 1`).Scan(&o.Server, &o.Email, &o.UserID)
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
	if o.Server == "" || o.Email == "" || o.UserID == "" {
		return errors.New("archive: an owner needs a server, an e-mail address and an account id")
	}
	if _, err := a.db.ExecContext(ctx, `INSERT INTO owner (id, server, email, user_id) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		o.Server, o.Email, o.UserID); err != nil {
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
