// Package server is the Billfold reference billing server: Billing API v1
// over HTTP, a SQLite or PostgreSQL store, the append-only credit ledger,
// gateways with a sandbox checkout, and staff operations. It is a library so
// the desktop app can run it in-process in demo mode; cmd/billfold-server
// wraps it as a standalone binary.
//
// This package only wires the layers together (docs/ARCHITECTURE.md):
// httpapi (HTTP) → rules (billing) → store (SQL), with events, gateway,
// auth and demodata beside them.
package server

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/demodata"
	"billfold/internal/server/events"
	"billfold/internal/server/gateway"
	"billfold/internal/server/httpapi"
	"billfold/internal/server/rules"
	"billfold/internal/server/store"
	"billfold/internal/server/store/sqlitestore"
	"billfold/internal/server/words"
)

// Limits are the add-funds rules for one currency, in minor units.
type Limits = rules.Limits

// NewUser describes an account to create.
type NewUser = rules.NewUser

// ServiceLine is one line of a service invoice issued by IssueServiceInvoice.
type ServiceLine = rules.ServiceLine

// RefreshRetryGrace is how long a spent refresh token may be presented
// again (rules.RefreshRetryGrace).
const RefreshRetryGrace = rules.RefreshRetryGrace

// Demo accounts (demodata); all share DemoPassword.
const (
	DemoCustomerJA = demodata.CustomerJA
	DemoCustomerEN = demodata.CustomerEN
	DemoStaff      = demodata.Staff
	DemoPassword   = demodata.Password
)

// Options configure a Server. Zero values take the documented defaults.
type Options struct {
	// DataDir holds the SQLite database when DSN is empty.
	DataDir string
	// SQLiteCacheKiB bounds the page cache of each of the six SQLite
	// connections (0: SQLite's default, 2 MiB). The demo inside the desktop
	// app keeps it small; the operating system caches the file anyway.
	SQLiteCacheKiB int
	// DSN selects PostgreSQL (a pgx connection string) instead of SQLite;
	// OpenPostgres must then be set.
	DSN string
	// OpenPostgres connects to DSN: pgstore.Open in the binaries that
	// serve PostgreSQL. It is an option so that the desktop app, whose demo
	// server is SQLite only, does not link the PostgreSQL driver.
	OpenPostgres func(ctx context.Context, dsn string) (*store.DB, error)
	// BaseURL is the public origin used in checkout redirect URLs.
	BaseURL string
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock (tests move it); nil is time.Now.
	Now func() time.Time
	// WebhookSecret signs gateway callbacks; empty generates a random one.
	WebhookSecret []byte
	// Limits per currency; missing currencies take DefaultLimits.
	Limits map[billing.Currency]Limits
	// MaxOpenAddFunds caps unpaid add-funds invoices per customer; 0 means
	// the default of 1 and a negative value means no cap.
	MaxOpenAddFunds int
	// LoginInterval and LoginBurst rate-limit sign-in per client IP and
	// e-mail (default one per 6 s after a burst of 10); one account from
	// all the addresses that failed on it in the last hour together gets
	// three times the burst, so that guessing one password from many
	// addresses is throttled too, while an address with no failures there
	// (its owner's) is never locked out by the others. VoucherInterval
	// and VoucherBurst do the same for voucher redemption per customer.
	LoginInterval time.Duration
	LoginBurst    int
	// LoginSourceInterval and LoginSourceBurst rate-limit sign-in per
	// client IP across all e-mail addresses (default one per second after
	// a burst of 60), against trying one password on many accounts.
	LoginSourceInterval time.Duration
	LoginSourceBurst    int
	VoucherInterval     time.Duration
	VoucherBurst        int
	// Replicas is how many servers share the database behind a load
	// balancer (1). The sign-in and voucher limits are kept in each
	// replica's memory, so each allows 1/Replicas of them (a burst rounded
	// up, an interval that many times longer): a guesser whose requests
	// are spread over the replicas gets what one server would allow, one
	// who reaches a single replica less.
	Replicas int
	// AccessTTL and RefreshTTL are token lifetimes (15 min, 30 days).
	AccessTTL  time.Duration
	RefreshTTL time.Duration
	// Policy is the credit policy customers accept when adding funds.
	Policy api.CreditPolicy
	// SupportURL is where customers open a ticket.
	SupportURL string
	// Seller is printed on every invoice.
	Seller api.Seller
	// Bank is where bank transfers go.
	Bank gateway.BankAccount
	// Gateways are the payment methods offered, in display order; nil
	// offers gateway.Sandbox() (bank transfer, and the sandbox's PayPal
	// and card). The binary builds Stripe's (stripegw) here when enabled,
	// so that the desktop app's demo server does not link stripe-go.
	Gateways []gateway.Gateway
	// MaxBodyBytes limits request bodies (64 KiB).
	MaxBodyBytes int64
	// BodyTimeout is how long a request's body may take to arrive once its
	// headers have (10 s): a client that sends it slowly, or not at all,
	// is answered 408 and its connection closed.
	BodyTimeout time.Duration
	// PasswordCost is the argon2id work per password hash: zero is
	// auth.ProductionCost; tests use auth.TestCost.
	PasswordCost auth.Cost
	// SigningKey signs invoices and archive heads (internal/anchor). Nil
	// takes the key kept in the database, created on first start. Archives
	// pin the public key: it must never change for a running provider.
	SigningKey ed25519.PrivateKey
}

// DefaultLimits are the add-funds limits of the demo provider.
var DefaultLimits = map[billing.Currency]Limits{
	billing.JPY: {MinDeposit: 1_000, MaxDeposit: 500_000, MaxBalance: 1_000_000},
	billing.USD: {MinDeposit: 10_00, MaxDeposit: 5_000_00, MaxBalance: 10_000_00},
	billing.EUR: {MinDeposit: 10_00, MaxDeposit: 5_000_00, MaxBalance: 10_000_00},
}

// defaultPolicySummary is the credit policy's summary when the operator
// gives none; package words has it in Japanese.
const defaultPolicySummary words.Text = "Account credit is in principle non-refundable and cannot be withdrawn as cash. It pays future orders and invoices."

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if len(o.WebhookSecret) == 0 {
		o.WebhookSecret = make([]byte, 32)
		_, _ = rand.Read(o.WebhookSecret)
	}
	if o.Limits == nil {
		o.Limits = map[billing.Currency]Limits{}
	}
	for c, l := range DefaultLimits {
		if _, ok := o.Limits[c]; !ok {
			o.Limits[c] = l
		}
	}
	if o.MaxOpenAddFunds == 0 {
		o.MaxOpenAddFunds = 1
	}
	if o.LoginInterval == 0 {
		o.LoginInterval = 6 * time.Second
	}
	if o.LoginBurst == 0 {
		o.LoginBurst = 10
	}
	if o.LoginSourceInterval == 0 {
		o.LoginSourceInterval = time.Second
	}
	if o.LoginSourceBurst == 0 {
		o.LoginSourceBurst = 60
	}
	if o.VoucherInterval == 0 {
		o.VoucherInterval = 12 * time.Second
	}
	if o.VoucherBurst == 0 {
		o.VoucherBurst = 5
	}
	if o.Replicas > 1 {
		n := o.Replicas
		o.LoginInterval, o.LoginBurst = o.LoginInterval*time.Duration(n), (o.LoginBurst+n-1)/n
		o.LoginSourceInterval, o.LoginSourceBurst = o.LoginSourceInterval*time.Duration(n), (o.LoginSourceBurst+n-1)/n
		o.VoucherInterval, o.VoucherBurst = o.VoucherInterval*time.Duration(n), (o.VoucherBurst+n-1)/n
	}
	if o.AccessTTL == 0 {
		o.AccessTTL = 15 * time.Minute
	}
	if o.RefreshTTL == 0 {
		o.RefreshTTL = 30 * 24 * time.Hour
	}
	if o.Policy.Version == "" {
		o.Policy = api.CreditPolicy{
			URL:     "https://billing.example.jp/policies/account-credit",
			Version: "2026-06-01",
			Summary: string(defaultPolicySummary),
		}
	}
	if o.SupportURL == "" {
		o.SupportURL = "https://billing.example.jp/support/tickets/new"
	}
	if o.Seller.Name == "" {
		o.Seller = api.Seller{
			Name:               "Billfold Hosting 株式会社",
			Address:            "〒100-0005 東京都千代田区丸の内1-1-1",
			RegistrationNumber: "T1234567890123",
			Email:              "billing@example.jp",
		}
	}
	if o.Bank.BankName == "" {
		o.Bank = gateway.BankAccount{
			BankName: "みずなみ銀行 (Mizunami Bank)", BranchName: "丸の内支店 (Marunouchi, 001)",
			AccountType: "普通 (Ordinary)", AccountNumber: "1234567", AccountHolder: "カ）ビルフォールドホスティング",
		}
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 64 << 10
	}
	if o.BodyTimeout == 0 {
		o.BodyTimeout = 10 * time.Second
	}
	if o.PasswordCost == (auth.Cost{}) {
		o.PasswordCost = auth.ProductionCost
	}
}

// Server is a running Billing API v1 backend.
type Server struct {
	opts    Options
	db      *store.DB
	log     *slog.Logger
	now     func() time.Time
	rules   *rules.Service
	hub     *events.Hub
	handler *httpapi.Handler
	// jobs are the background jobs New starts. Close stops their rounds
	// and waits for the one running to finish rather than cancel it: a
	// transaction whose context ends is rolled back by database/sql on a
	// goroutine of its own, which would still hold a connection (and
	// SQLite's WAL files) after Close returned. Only a job still running
	// after closeGrace (a database that stopped answering) is cancelled.
	jobs      sync.WaitGroup
	endRounds context.CancelFunc
	abortJobs context.CancelFunc
}

// closeGrace is how long Close lets a running background job finish.
const closeGrace = 10 * time.Second

// New opens the database (applying migrations) and builds the server.
func New(ctx context.Context, opts Options) (*Server, error) {
	opts.defaults()
	var db *store.DB
	var err error
	switch {
	case opts.DSN != "" && opts.OpenPostgres == nil:
		return nil, errors.New("server: this program was built without PostgreSQL support")
	case opts.DSN != "":
		db, err = opts.OpenPostgres(ctx, opts.DSN)
	case opts.DataDir == "":
		return nil, errors.New("server: a data directory or a PostgreSQL DSN is required")
	default:
		db, err = sqlitestore.Open(ctx, opts.DataDir, opts.SQLiteCacheKiB)
	}
	if err != nil {
		return nil, err
	}
	if opts.SigningKey == nil {
		if opts.SigningKey, err = db.SigningKey(ctx, opts.Now()); err != nil {
			db.Close()
			return nil, err
		}
	}
	hub := events.NewHub()
	rs := rules.New(db, rules.Config{
		Now: opts.Now, Log: opts.Logger, Limits: opts.Limits, MaxOpenAddFunds: opts.MaxOpenAddFunds,
		Policy: opts.Policy, SupportURL: opts.SupportURL, Seller: opts.Seller, Gateways: gateway.NewRegistry(opts.Bank, opts.Gateways...),
		Passwords: auth.NewHasher(opts.PasswordCost), AccessTTL: opts.AccessTTL, RefreshTTL: opts.RefreshTTL,
		SigningKey: opts.SigningKey,
	})
	db.Subscribe(store.TopicEvents, hub.Notify)
	// An ended session wakes every stream, which then checks its own token
	// (after rules has evicted it from the access-token cache: subscribers
	// run in order), so that sign-out on any replica ends its streams.
	db.Subscribe(store.TopicSessions, func(string) { hub.Notify("") })
	rs.SetBaseURL(strings.TrimRight(opts.BaseURL, "/"))
	s := &Server{opts: opts, db: db, log: opts.Logger, now: opts.Now, rules: rs, hub: hub}
	s.handler = httpapi.New(httpapi.Config{
		Rules: rs, DB: db, Hub: hub, Log: opts.Logger, Now: opts.Now, WebhookSecret: opts.WebhookSecret,
		MaxBodyBytes: opts.MaxBodyBytes, BodyTimeout: opts.BodyTimeout,
		Limiters: httpapi.Limiters{
			Login:   auth.NewLimiter(opts.LoginInterval, opts.LoginBurst, opts.Now),
			Account: auth.NewLimiter(opts.LoginInterval, 3*opts.LoginBurst, opts.Now),
			Source:  auth.NewLimiter(opts.LoginSourceInterval, opts.LoginSourceBurst, opts.Now),
			Voucher: auth.NewLimiter(opts.VoucherInterval, opts.VoucherBurst, opts.Now),
			// An address that failed on an account shares the account's
			// limit for an hour: one more guess per address and hour is
			// what a guesser gains from the owner never being locked out.
			Failures: auth.NewFailures(time.Hour, opts.Now),
		},
	})
	rounds, endRounds := context.WithCancel(context.Background())
	jobCtx, abortJobs := context.WithCancel(context.Background())
	s.endRounds, s.abortJobs = endRounds, abortJobs
	s.every(rounds, jobCtx, time.Hour, "purge idempotency keys", s.handler.PurgeIdempotencyKeys)
	// Also at start: a server that stopped may have left callbacks owed.
	s.every(rounds, jobCtx, rules.CallbackRetryAfter, "retry sandbox callbacks", rs.RetryOwedCallbacks)
	// Also at start: an upload that stopped may have left matched
	// statement lines whose payments are not completed yet.
	s.every(rounds, jobCtx, rules.CallbackRetryAfter, "complete matched statement lines", rs.MatchPendingLines)
	return s, nil
}

// every starts running job under jobCtx at once, then at each interval
// until rounds ends; in one replica at a time (store.DB.Exclusive), the
// others skip that round.
func (s *Server) every(rounds, jobCtx context.Context, interval time.Duration, what string, job func(context.Context) error) {
	s.jobs.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for rounds.Err() == nil {
			if _, err := s.db.Exclusive(jobCtx, what, job); err != nil && jobCtx.Err() == nil {
				s.log.Warn(what, "err", err)
			}
			select {
			case <-rounds.Done():
				return
			case <-t.C:
			}
		}
	})
}

// Handler is the HTTP handler of the whole API, sandbox included.
func (s *Server) Handler() http.Handler { return s.handler }

// SetBaseURL sets the origin used in checkout redirects, for callers that
// learn their address only after listening (an ephemeral loopback port).
func (s *Server) SetBaseURL(u string) {
	s.opts.BaseURL = strings.TrimRight(u, "/")
	s.rules.SetBaseURL(s.opts.BaseURL)
}

// SignWebhook signs a callback body as the sandbox gateway would, for tools
// and tests that deliver callbacks themselves.
func (s *Server) SignWebhook(body []byte) string {
	return gateway.Sign(s.opts.WebhookSecret, body, s.now())
}

// DB exposes the store to in-module tests and tools.
func (s *Server) DB() *store.DB { return s.db }

// Close stops the background jobs (letting a running one finish) and the
// event streams, and closes the database.
func (s *Server) Close() error {
	s.endRounds()
	abort := time.AfterFunc(closeGrace, s.abortJobs)
	s.jobs.Wait()
	abort.Stop()
	s.abortJobs()
	s.hub.Close()
	return s.db.Close()
}

// ListenAndServe serves on addr until ctx is cancelled, then shuts down
// gracefully (in-flight requests get up to 10 s). ready, if not nil, receives
// the bound address once listening.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	if s.opts.BaseURL == "" {
		s.SetBaseURL("http://" + ln.Addr().String())
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.hub.Close() // end event streams so Shutdown does not wait on them
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// CreateUser adds a customer or staff account and returns its id.
func (s *Server) CreateUser(ctx context.Context, u NewUser) (string, error) {
	return s.rules.CreateUser(ctx, u)
}

// CreateVoucher adds a voucher code worth amount in its currency; a zero
// expiry never expires. A code may exist once per currency.
func (s *Server) CreateVoucher(ctx context.Context, code string, amount billing.Money, expires time.Time) error {
	return s.rules.CreateVoucher(ctx, code, amount, expires)
}

// IssueServiceInvoice bills a customer for services (renewals and the like);
// tax is computed once per rate. It returns the new invoice's id.
func (s *Server) IssueServiceInvoice(ctx context.Context, customerID string, issued, due time.Time, lines []ServiceLine) (string, error) {
	return s.rules.IssueServiceInvoice(ctx, customerID, issued, due, lines)
}

// SeedDemo fills an empty database with the demo provider (demodata.Seed)
// and reports whether it did.
func (s *Server) SeedDemo(ctx context.Context) (bool, error) {
	return demodata.Seed(ctx, s.db, s.rules, s.now())
}

// SeedBulkInvoices gives the customer with the e-mail address email n more
// paid service invoices, for performance measurements with a large account.
func (s *Server) SeedBulkInvoices(ctx context.Context, email string, n int) error {
	return demodata.BulkInvoices(ctx, s.db, s.rules, email, n, s.now())
}
