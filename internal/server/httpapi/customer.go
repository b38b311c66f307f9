package httpapi

import (
	"net/http"

	"billfold/api"
	"billfold/internal/server/rules"
	"billfold/internal/server/store"
)

// A customer's own account: every handler acts on the signed-in customer.

func (h *Handler) handleMe(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	writeJSON(w, http.StatusOK, p.User)
}

func (h *Handler) handleConfig(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	writeJSON(w, http.StatusOK, h.rules.Config(p.User.Currency, speak(w, r)))
}

func (h *Handler) handleSummary(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	respond(h, w, r, func(tx *store.Tx) (api.Summary, error) { return h.rules.Summary(tx, p.User.ID) })
}

func (h *Handler) handleListInvoices(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	status := statusFilter(r)
	list(h, w, r, func(tx *store.Tx, page rules.Page) (api.InvoicePage, error) {
		return h.rules.ListInvoices(tx, p.User.ID, status, page)
	})
}

func (h *Handler) handleListInvoiceSummaries(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	status := statusFilter(r)
	list(h, w, r, func(tx *store.Tx, page rules.Page) (api.InvoiceSummaryPage, error) {
		return h.rules.ListInvoiceSummaries(tx, p.User.ID, status, page)
	})
}

// statusFilter is the status= of an invoice list, "all" when absent; an
// empty status= is passed on, for the rules to refuse.
func statusFilter(r *http.Request) string {
	if q := r.URL.Query(); q.Has("status") {
		return q.Get("status")
	}
	return "all"
}

func (h *Handler) handleGetInvoice(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	respond(h, w, r, func(tx *store.Tx) (api.Invoice, error) { return h.rules.Invoice(tx, p.User.ID, r.PathValue("id")) })
}

func (h *Handler) handleGetPayment(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	respond(h, w, r, func(tx *store.Tx) (api.Payment, error) { return h.rules.Payment(tx, p.User.ID, r.PathValue("id")) })
}

func (h *Handler) handleLedger(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	list(h, w, r, func(tx *store.Tx, page rules.Page) (api.LedgerPage, error) {
		return h.rules.ListLedger(tx, p.User.ID, page, speak(w, r))
	})
}

func (h *Handler) handleAddFunds(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.AddFundsInput](h, w, r)
	if !ok {
		return
	}
	mutate(h, w, r, p, change[api.Invoice]{lock: p.User.ID, key: keyRequired, req: in, status: http.StatusCreated,
		run: func(tx *store.Tx) (api.Invoice, error) { return h.rules.AddFunds(tx, p.User.ID, in) }})
}

func (h *Handler) handlePay(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.PayInput](h, w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	// A provider's checkout (Stripe) is opened before the transaction,
	// unless the key's answer is stored already: a retry replays it.
	var opened *rules.Opened
	if !h.keyAnswered(r, p) {
		var err error
		if opened, err = h.rules.OpenCheckout(r.Context(), p.User.ID, id, in, callersLanguage(r)); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	mutate(h, w, r, p, change[api.Payment]{lock: p.User.ID, key: keyRequired, status: http.StatusCreated,
		req: struct {
			Invoice string
			rules.PayInput
		}{id, in},
		run: func(tx *store.Tx) (api.Payment, error) {
			pay, err := h.rules.Pay(tx, p.User.ID, id, in, opened)
			return checkoutInCallersLanguage(pay, r), err
		}})
}

func (h *Handler) handleApplyCredit(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.ApplyCreditInput](h, w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	mutate(h, w, r, p, change[api.ApplyCreditResult]{lock: p.User.ID, key: keyRequired, status: http.StatusOK,
		req: struct {
			Invoice string
			rules.ApplyCreditInput
		}{id, in},
		run: func(tx *store.Tx) (api.ApplyCreditResult, error) {
			return h.rules.ApplyCredit(tx, p.User.Email, p.User.ID, id, in, speak(w, r))
		}})
}

// handleCancel takes no body.
func (h *Handler) handleCancel(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	id := r.PathValue("id")
	mutate(h, w, r, p, change[api.Invoice]{lock: p.User.ID, key: keyOptional, status: http.StatusOK,
		req: map[string]string{"invoice": id},
		run: func(tx *store.Tx) (api.Invoice, error) { return h.rules.CancelInvoice(tx, p.User.ID, id) }})
}

func (h *Handler) handleRedeem(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.RedeemInput](h, w, r)
	if !ok || !h.allow(w, r, "Too many voucher attempts. Wait a moment and try again.", limit{h.limit.Voucher, p.User.ID}) {
		return
	}
	mutate(h, w, r, p, change[api.LedgerResult]{lock: p.User.ID, key: keyOptional, req: in, status: http.StatusOK,
		run: func(tx *store.Tx) (api.LedgerResult, error) { return h.rules.Redeem(tx, p.User.ID, in, speak(w, r)) }})
}
