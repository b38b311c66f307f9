package rules

import (
	"context"
	"fmt"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/store"
)

// NewUser describes an account to create.
type NewUser struct {
	Email    string
	Password string
	// PasswordHash, when set, is Password's hash (auth.Hasher), stored
	// instead of hashing Password at the service's cost: the demo's
	// accounts share one hash of their published password.
	PasswordHash string
	Name         string
	Role         billing.Role
	Locale       string // "ja" or "en"
	Currency     billing.Currency
	Company      string
	Address      string
}

// CreateUser adds a customer or staff account and returns its id.
func (s *Service) CreateUser(ctx context.Context, u NewUser) (string, error) {
	if u.Role == billing.RoleCustomer && !u.Currency.Valid() {
		return "", fmt.Errorf("create user %s: customers need a currency", u.Email)
	}
	hash := u.PasswordHash
	if hash == "" {
		var err error
		if hash, err = s.cfg.Passwords.Hash(u.Password); err != nil {
			return "", err
		}
	}
	prefix := "cus_"
	if u.Role == billing.RoleStaff {
		prefix = "stf_"
	}
	row := store.NewUser{User: api.User{ID: auth.NewID(prefix), Email: u.Email, Name: u.Name, Role: u.Role, Locale: u.Locale,
		Currency: u.Currency, Company: u.Company, Address: u.Address}, PasswordHash: hash, CreatedAt: s.now()}
	if err := s.db.WriteTx(ctx, "", func(tx *store.Tx) error { return tx.InsertUser(row) }); err != nil {
		return "", fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return row.ID, nil
}
