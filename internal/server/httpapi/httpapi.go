// Package httpapi is the reference server's HTTP layer: Billing API v1 and
// the sandbox checkout. A handler decodes (decode[T]), authorises (authed,
// customer, staff), calls a rule and answers; refusals become
// application/problem+json with the status of their code in one table
// (statusOf). Idempotency (mutate), authentication, rate limits and the
// audit trail are middleware here; what an operation may do is the rules
// package's, and every SQL statement the store's.
package httpapi

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"billfold/api"
	"billfold/internal/server/auth"
	"billfold/internal/server/events"
	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
	"billfold/internal/server/store"
)

// Limiters rate-limit guessing. Login is per client address and e-mail,
// Account per e-mail from the addresses that failed on it (Failures, per
// address and e-mail), Source per address for every e-mail; Voucher is
// per customer. An IPv6 client's address is its /64, which one host
// usually has all of.
type Limiters struct {
	Login, Account, Source, Voucher *auth.Limiter
	Failures                        *auth.Failures
}

// Config is what the HTTP layer serves with. Every field is required.
type Config struct {
	Rules         *rules.Service
	DB            *store.DB // transactions for the middleware: idempotency, audit
	Hub           *events.Hub
	Log           *slog.Logger
	Now           func() time.Time
	WebhookSecret []byte
	MaxBodyBytes  int64
	BodyTimeout   time.Duration
	Limiters      Limiters
}

// Handler serves the API.
type Handler struct {
	rules   *rules.Service
	db      *store.DB
	hub     *events.Hub
	log     *slog.Logger
	now     func() time.Time
	secret  []byte
	maxBody int64
	bodyTTL time.Duration
	limit   Limiters
	root    http.Handler
}

// New returns the handler of the whole API, sandbox checkout included.
func New(cfg Config) *Handler {
	h := &Handler{rules: cfg.Rules, db: cfg.DB, hub: cfg.Hub, log: cfg.Log, now: cfg.Now, secret: cfg.WebhookSecret,
		maxBody: cfg.MaxBodyBytes, bodyTTL: cfg.BodyTimeout, limit: cfg.Limiters}
	h.root = h.logged(h.bodyDeadline(h.checkedText(h.routes())))
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.root.ServeHTTP(w, r) }

func (h *Handler) routes() http.Handler {
	mux := http.NewServeMux()
	// Public.
	mux.HandleFunc("GET /healthz", h.handleHealth)
	mux.HandleFunc("POST /v1/sessions", h.handleSignIn)
	mux.HandleFunc("POST /v1/sessions/refresh", h.handleRefresh)
	mux.HandleFunc("POST /v1/webhooks/sandbox", h.handleWebhook)
	mux.HandleFunc("POST /v1/webhooks/stripe", h.handleProviderWebhook("stripe"))
	mux.HandleFunc("GET "+rules.CheckoutDonePath, h.handleCheckoutReturn)
	mux.HandleFunc("GET "+rules.CheckoutCancelledPath, h.handleCheckoutReturn)
	mux.HandleFunc("GET /v1/signing-key", h.handleSigningKey)
	mux.HandleFunc("GET /sandbox/checkout/{token}", h.handleCheckoutPage)
	mux.HandleFunc("POST /sandbox/checkout/{token}", h.handleCheckoutSubmit)

	// Any signed-in user.
	mux.Handle("DELETE /v1/sessions/current", h.authed(h.handleSignOut))
	mux.Handle("GET /v1/me", h.authed(h.handleMe))
	mux.Handle("POST /v1/archive/heads", h.authed(h.handleSignArchiveHead))

	// Customers.
	mux.Handle("GET /v1/billing/summary", h.customer(h.handleSummary))
	mux.Handle("GET /v1/billing/config", h.customer(h.handleConfig))
	mux.Handle("POST /v1/funds", h.customer(h.handleAddFunds))
	mux.Handle("POST /v1/vouchers/redeem", h.customer(h.handleRedeem))
	mux.Handle("GET /v1/invoices", h.customer(h.handleListInvoices))
	mux.Handle("GET /v1/invoice-summaries", h.customer(h.handleListInvoiceSummaries))
	mux.Handle("GET /v1/invoices/{id}", h.customer(h.handleGetInvoice))
	mux.Handle("POST /v1/invoices/{id}/payments", h.customer(h.handlePay))
	mux.Handle("POST /v1/invoices/{id}/apply-credit", h.customer(h.handleApplyCredit))
	mux.Handle("POST /v1/invoices/{id}/cancel", h.customer(h.handleCancel))
	mux.Handle("GET /v1/payments/{id}", h.customer(h.handleGetPayment))
	mux.Handle("GET /v1/ledger", h.customer(h.handleLedger))
	mux.Handle("GET /v1/events", h.customer(h.handleEvents))

	// Staff.
	mux.Handle("GET /v1/staff/customers", h.staff(h.handleStaffCustomers))
	mux.Handle("GET /v1/staff/customers/{id}/summary", h.staff(h.handleStaffSummary))
	mux.Handle("GET /v1/staff/customers/{id}/config", h.staff(h.handleStaffConfig))
	mux.Handle("GET /v1/staff/customers/{id}/invoices", h.staff(h.handleStaffInvoices))
	mux.Handle("POST /v1/staff/customers/{id}/invoices/{invoice_id}/apply-credit", h.staff(h.handleStaffApplyCredit))
	mux.Handle("GET /v1/staff/customers/{id}/ledger", h.staff(h.handleStaffLedger))
	mux.Handle("POST /v1/staff/customers/{id}/funds", h.staff(h.handleStaffAddFunds))
	mux.Handle("POST /v1/staff/customers/{id}/adjustments", h.staff(h.handleStaffAdjust))
	mux.Handle("POST /v1/staff/payments/{id}/confirm", h.staff(h.handleStaffConfirm))
	mux.Handle("GET /v1/staff/audit", h.staff(h.handleStaffAudit))
	mux.Handle("GET /v1/staff/disputes", h.staff(h.handleStaffDisputes))
	mux.Handle("POST /v1/staff/bank-statements", h.staff(h.handleStaffUploadStatement))
	mux.Handle("GET /v1/staff/bank-statements", h.staff(h.handleStaffStatements))
	mux.Handle("GET /v1/staff/bank-statements/{id}", h.staff(h.handleStaffStatement))
	mux.Handle("POST /v1/staff/bank-statement-lines/{id}/resolve", h.staff(h.handleStaffResolveLine))

	// Everything else, as problem+json: a path that exists with another
	// method is a 405 naming the methods it has, anything else a 404.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeProblem(w, r, problem.New(api.CodeMethodNotAllowed, "This endpoint does not take %s.", r.Method))
			return
		}
		writeProblem(w, r, problem.NotFound("No such endpoint."))
	})
	return mux
}

// allowedMethods are the methods with which r's path has a route.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}

func (h *Handler) handleHealth(w http.ResponseWriter, r *http.Request) {
	if err := h.db.Ping(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
