package httpapi

import (
	"net/http"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/rules"
	"billfold/internal/server/store"
)

// Staff act on any customer; every staff action, reads included, is
// recorded in the audit trail with the staff member's e-mail (audited,
// and change.audit for changes). Reading the trail itself is not.

func (h *Handler) handleStaffCustomers(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	page, err := pageOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in, err := rules.SearchInput{Text: r.URL.Query().Get("q"), Page: page}.Clean()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	audited(h, w, r, p, "customers.search", "", in.Text, func(tx *store.Tx) (api.CustomerList, error) {
		return h.rules.SearchCustomers(tx, in)
	})
}

func (h *Handler) handleStaffSummary(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	cid := r.PathValue("id")
	audited(h, w, r, p, "customer.summary", cid, r.URL.RawQuery, func(tx *store.Tx) (api.Summary, error) {
		return h.rules.Summary(tx, cid)
	})
}

// handleStaffConfig is the customer's billing configuration as they see
// it: what staff need to add funds for them (the policy version, the
// gateways of their currency).
func (h *Handler) handleStaffConfig(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	cid := r.PathValue("id")
	l := speak(w, r) // the staff member's language, not the customer's
	audited(h, w, r, p, "customer.config", cid, "", func(tx *store.Tx) (api.Config, error) {
		u, err := h.rules.Customer(tx, cid)
		if err != nil {
			return api.Config{}, err
		}
		return h.rules.Config(u.Currency, l), nil
	})
}

func (h *Handler) handleStaffInvoices(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	staffList(h, w, r, p, "customer.invoices", func(tx *store.Tx, cid string, page rules.Page) (api.InvoicePage, error) {
		return h.rules.ListInvoices(tx, cid, statusFilter(r), page)
	})
}

func (h *Handler) handleStaffLedger(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	staffList(h, w, r, p, "customer.ledger", func(tx *store.Tx, cid string, page rules.Page) (api.LedgerPage, error) {
		return h.rules.ListLedger(tx, cid, page, speak(w, r))
	})
}

// staffList answers, audited, one page of a list of the path's customer.
func staffList[T any](h *Handler, w http.ResponseWriter, r *http.Request, p rules.Principal, action string,
	read func(tx *store.Tx, customerID string, page rules.Page) (T, error)) {
	page, err := pageOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cid := r.PathValue("id")
	audited(h, w, r, p, action, cid, r.URL.RawQuery, func(tx *store.Tx) (T, error) {
		if _, err := h.rules.Customer(tx, cid); err != nil {
			var zero T
			return zero, err
		}
		return read(tx, cid, page)
	})
}

func (h *Handler) handleStaffAudit(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	list(h, w, r, func(tx *store.Tx, page rules.Page) (api.AuditPage, error) {
		return h.rules.AuditTrail(tx, r.URL.Query().Get("customer_id"), page)
	})
}

func (h *Handler) handleStaffAddFunds(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.AddFundsInput](h, w, r)
	if !ok {
		return
	}
	cid := r.PathValue("id")
	mutate(h, w, r, p, change[api.Invoice]{lock: cid, key: keyRequired, status: http.StatusCreated,
		req: struct {
			Customer string
			rules.AddFundsInput
		}{cid, in},
		run: func(tx *store.Tx) (api.Invoice, error) { return h.rules.AddFunds(tx, cid, in) },
		audit: func(inv api.Invoice) (string, string) {
			return "customer.funds", inv.Number + " " + billing.Format(in.Amount) + " via " + in.Gateway
		}})
}

func (h *Handler) handleStaffAdjust(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.AdjustInput](h, w, r)
	if !ok {
		return
	}
	cid := r.PathValue("id")
	mutate(h, w, r, p, change[api.LedgerResult]{lock: cid, key: keyRequired, status: http.StatusCreated,
		req: struct {
			Customer string
			rules.AdjustInput
		}{cid, in},
		run: func(tx *store.Tx) (api.LedgerResult, error) { return h.rules.Adjust(tx, p.User.Email, cid, in) },
		audit: func(api.LedgerResult) (string, string) {
			return "customer.adjustment", billing.Format(in.Amount) + ": " + in.Reason
		}})
}

// handleStaffApplyCredit pays one of a customer's invoices from their
// credit on their behalf.
func (h *Handler) handleStaffApplyCredit(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.ApplyCreditInput](h, w, r)
	if !ok {
		return
	}
	cid, id := r.PathValue("id"), r.PathValue("invoice_id")
	mutate(h, w, r, p, change[api.ApplyCreditResult]{lock: cid, key: keyRequired, status: http.StatusOK,
		req: struct {
			Customer, Invoice string
			rules.ApplyCreditInput
		}{cid, id, in},
		run: func(tx *store.Tx) (api.ApplyCreditResult, error) {
			return h.rules.ApplyCredit(tx, p.User.Email, cid, id, in, speak(w, r))
		},
		audit: func(res api.ApplyCreditResult) (string, string) {
			return "customer.apply_credit", res.Invoice.Number + " " + billing.Format(in.Amount)
		}})
}

func (h *Handler) handleStaffConfirm(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.ConfirmInput](h, w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	cid, err := h.rules.PaymentOwner(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	mutate(h, w, r, p, change[api.Payment]{lock: cid, key: keyOptional, status: http.StatusOK,
		req: struct {
			Payment string
			rules.ConfirmInput
		}{id, in},
		run: func(tx *store.Tx) (api.Payment, error) { return h.rules.ConfirmPayment(tx, p.User.Email, cid, id, in) },
		audit: func(pay api.Payment) (string, string) {
			return "payment.confirm", pay.ID + " " + in.Reference + " " + billing.Format(pay.Amount) + " " + in.Note
		}})
}

func (h *Handler) handleStaffDisputes(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	page, err := pageOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cid := r.URL.Query().Get("customer_id")
	audited(h, w, r, p, "disputes.list", cid, r.URL.RawQuery, func(tx *store.Tx) (api.DisputePage, error) {
		return h.rules.Disputes(tx, cid, page)
	})
}
