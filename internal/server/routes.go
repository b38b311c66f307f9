package server

import (
	"net/http"
	"strings"

	"billfold/api"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// Public.
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("POST /v1/sessions", s.handleSignIn)
	mux.HandleFunc("POST /v1/sessions/refresh", s.handleRefresh)
	mux.HandleFunc("POST /v1/webhooks/sandbox", s.handleWebhook)
	mux.HandleFunc("GET /sandbox/checkout/{token}", s.handleCheckoutPage)
	mux.HandleFunc("POST /sandbox/checkout/{token}", s.handleCheckoutSubmit)

	// Any signed-in user.
	mux.Handle("DELETE /v1/sessions/current", s.authed(s.handleSignOut))
	mux.Handle("GET /v1/me", s.authed(s.handleMe))

	// Customers.
	mux.Handle("GET /v1/billing/summary", s.customer(s.handleSummary))
	mux.Handle("GET /v1/billing/config", s.customer(s.handleConfig))
	mux.Handle("POST /v1/funds", s.customer(s.handleAddFunds))
	mux.Handle("POST /v1/vouchers/redeem", s.customer(s.handleRedeem))
	mux.Handle("GET /v1/invoices", s.customer(s.handleListInvoices))
	mux.Handle("GET /v1/invoices/{id}", s.customer(s.handleGetInvoice))
	mux.Handle("POST /v1/invoices/{id}/payments", s.customer(s.handlePay))
	mux.Handle("POST /v1/invoices/{id}/apply-credit", s.customer(s.handleApplyCredit))
	mux.Handle("POST /v1/invoices/{id}/cancel", s.customer(s.handleCancel))
	mux.Handle("GET /v1/payments/{id}", s.customer(s.handleGetPayment))
	mux.Handle("GET /v1/ledger", s.customer(s.handleLedger))
	mux.Handle("GET /v1/events", s.customer(s.handleEvents))

	// Staff.
	mux.Handle("GET /v1/staff/customers", s.staff(s.handleStaffCustomers))
	mux.Handle("GET /v1/staff/customers/{id}/summary", s.staff(s.handleStaffSummary))
	mux.Handle("GET /v1/staff/customers/{id}/invoices", s.staff(s.handleStaffInvoices))
	mux.Handle("GET /v1/staff/customers/{id}/ledger", s.staff(s.handleStaffLedger))
	mux.Handle("POST /v1/staff/customers/{id}/funds", s.staff(s.handleStaffAddFunds))
	mux.Handle("POST /v1/staff/customers/{id}/adjustments", s.staff(s.handleStaffAdjust))
	mux.Handle("POST /v1/staff/payments/{id}/confirm", s.staff(s.handleStaffConfirm))
	mux.Handle("GET /v1/staff/audit", s.staff(s.handleStaffAudit))

	// Everything else, as problem+json: a path that exists with another
	// method is a 405 naming the methods it has, anything else a 404.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeProblem(w, r, problem(http.StatusMethodNotAllowed, api.CodeMethodNotAllowed, "This endpoint does not take "+r.Method+"."))
			return
		}
		writeProblem(w, r, problem(http.StatusNotFound, api.CodeNotFound, "No such endpoint."))
	})
	return s.middleware(mux)
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

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if err := s.db.Ping(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
