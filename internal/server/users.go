package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/store"
)

// NewUser describes an account to create.
type NewUser struct {
	Email    string
	Password string
	Name     string
	Role     billing.Role
	Locale   string // "ja" or "en"
	Currency billing.Currency
	Company  string
	Address  string
}

// CreateUser adds a customer or staff account and returns its id.
func (s *Server) CreateUser(ctx context.Context, u NewUser) (string, error) {
	if u.Role == billing.RoleCustomer && !u.Currency.Valid() {
		return "", fmt.Errorf("create user %s: customers need a currency", u.Email)
	}
	hash, err := auth.HashPassword(u.Password)
	if err != nil {
		return "", err
	}
	prefix := "cus_"
	if u.Role == billing.RoleStaff {
		prefix = "stf_"
	}
	id := auth.NewID(prefix)
	err = s.db.WriteTx(ctx, "", func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO users (id, email, password_hash, name, role, locale, currency, company, address, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, strings.ToLower(u.Email), hash, u.Name, string(u.Role), u.Locale,
			string(u.Currency), u.Company, u.Address, micro(s.now()))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return id, nil
}

// CreateVoucher adds a voucher code worth amount in its currency; a zero
// expiry never expires. A code may exist once per currency.
func (s *Server) CreateVoucher(ctx context.Context, code string, amount billing.Money, expires time.Time) error {
	var exp any
	if !expires.IsZero() {
		exp = micro(expires)
	}
	return s.db.WriteTx(ctx, "", func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO vouchers (code, currency, amount, expires_at) VALUES (?, ?, ?, ?)`,
			strings.ToUpper(code), string(amount.Currency), amount.Amount, exp)
		return err
	})
}

// ServiceLine is one line of a service invoice issued by IssueServiceInvoice.
type ServiceLine struct {
	Description string
	Quantity    int64
	UnitPrice   int64 // minor units of the customer's currency
	TaxRate     billing.TaxRate
}

// IssueServiceInvoice bills a customer for services (renewals and the like);
// tax is computed once per rate. It returns the new invoice's id.
func (s *Server) IssueServiceInvoice(ctx context.Context, customerID string, issued, due time.Time, lines []ServiceLine) (string, error) {
	var id string
	err := s.db.WriteTx(ctx, customerID, func(tx *store.Tx) error {
		u, _, err := loadCustomer(tx, customerID)
		if err != nil {
			return err
		}
		ls := make([]api.InvoiceLine, len(lines))
		for i, l := range lines {
			ls[i] = api.InvoiceLine{Description: l.Description, Quantity: l.Quantity, UnitPrice: billing.New(l.UnitPrice, u.Currency), TaxRate: l.TaxRate}
		}
		inv, err := s.createInvoice(tx, newInvoice{customer: u, kind: billing.KindService, status: billing.InvoiceUnpaid, issued: issued, due: due, lines: ls})
		id = inv.ID
		return err
	})
	return id, err
}
