// Package rules is the billing: what adding funds, paying, applying credit,
// redeeming a voucher, cancelling, staff adjustments and confirmations and
// sessions may do, on plain Go values. It refuses with coded errors
// (*problem.Error, whose code the HTTP layer maps to a status) and keeps
// its data through the store; it imports neither net/http nor a database
// driver, so every rule can be tested with a store and no server.
//
// Operations a client may retry with an Idempotency-Key (AddFunds, Pay,
// ApplyCredit, Redeem, CancelInvoice, Adjust, ConfirmPayment) run in the
// caller's write transaction: the HTTP layer's idempotency middleware opens
// it with the account's lock, so that the stored response commits with the
// change. Reads take the caller's transaction too. The rest (sessions,
// gateway callbacks, the sandbox checkout, tools) open their own.
package rules

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/gateway"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
	"billfold/internal/server/words"
)

// Limits are the add-funds rules for one currency, in minor units.
type Limits struct {
	MinDeposit int64
	MaxDeposit int64
	MaxBalance int64
}

// Config is the provider's policy and the service's collaborators. Every
// field is required.
type Config struct {
	Now             func() time.Time
	Log             *slog.Logger
	Limits          map[billing.Currency]Limits
	MaxOpenAddFunds int // unpaid add-funds invoices per customer; <= 0: no cap
	Policy          api.CreditPolicy
	SupportURL      string
	Seller          api.Seller
	Gateways        *gateway.Registry
	Passwords       *auth.Hasher
	AccessTTL       time.Duration
	RefreshTTL      time.Duration
	// SigningKey signs every invoice the API shows and the archive heads
	// of POST /v1/archive/heads (internal/anchor); nil is a key of this
	// Service only (tests of the rules alone).
	SigningKey ed25519.PrivateKey
}

// Service runs the rules on a store.
type Service struct {
	cfg     Config
	db      *store.DB
	baseURL atomic.Pointer[string]
	auth    *authCache
}

// New returns the rules over db.
func New(db *store.DB, cfg Config) *Service {
	if cfg.SigningKey == nil {
		_, cfg.SigningKey, _ = ed25519.GenerateKey(nil)
	}
	s := &Service{cfg: cfg, db: db, auth: newAuthCache()}
	s.SetBaseURL("")
	// Sign-out and revocation, in this replica or another, end the
	// cached tokens at once.
	db.Subscribe(store.TopicSessions, s.auth.ended)
	return s
}

// SetBaseURL sets the public origin of checkout redirect URLs.
func (s *Service) SetBaseURL(u string) { s.baseURL.Store(&u) }

func (s *Service) now() time.Time { return s.cfg.Now() }

// notFound turns the store's "no such row" into a not_found problem
// saying what was looked for; other errors pass.
func notFound(err error, detail words.Text) error {
	if errors.Is(err, store.ErrNotFound) {
		return problem.NotFound(detail)
	}
	return err
}

// Customer reads a customer (not staff); not_found for anyone else.
func (s *Service) Customer(tx *store.Tx, id string) (api.User, error) {
	u, _, err := tx.Customer(id)
	return u, notFound(err, "No such customer.")
}

// customer reads a customer and their balance; inside a write transaction
// that holds the account's lock, the balance is current.
func (s *Service) customer(tx *store.Tx, id string) (api.User, int64, error) {
	u, balance, err := tx.Customer(id)
	return u, balance, notFound(err, "No such customer.")
}

// read runs fn in a read transaction of its own.
func (s *Service) read(ctx context.Context, fn func(*store.Tx) error) error {
	return s.db.ReadTx(ctx, fn)
}
