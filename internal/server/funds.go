package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/store"
)

// AddFundsDueIn is how long an add-funds invoice stays payable.
const AddFundsDueIn = 7 * 24 * time.Hour

func (s *Server) config(c billing.Currency, locale string) api.Config {
	l := s.opts.Limits[c]
	return api.Config{
		Currency:                c,
		MinDeposit:              billing.New(l.MinDeposit, c),
		MaxDeposit:              billing.New(l.MaxDeposit, c),
		MaxBalance:              billing.New(l.MaxBalance, c),
		MaxOpenAddFundsInvoices: max(s.opts.MaxOpenAddFunds, 0),
		CreditPolicy:            s.opts.Policy,
		SupportURL:              s.opts.SupportURL,
		Gateways:                s.gateways.For(c, locale),
		Seller:                  s.opts.Seller,
	}
}

func (s *Server) handleConfig(w http.ResponseWriter, r *http.Request, p *principal) {
	writeJSON(w, http.StatusOK, s.config(p.user.Currency, p.user.Locale))
}

func (s *Server) summary(tx *store.Tx, customerID string) (api.Summary, error) {
	u, balance, err := loadCustomer(tx, customerID)
	if err != nil {
		return api.Summary{}, err
	}
	c := u.Currency
	sum := api.Summary{CustomerID: u.ID, AvailableCredit: billing.New(balance, c), AsOf: fromMicro(micro(s.now()))}
	var unpaid int64
	err = tx.QueryRow(`SELECT COUNT(*), COALESCE(SUM(total - credit_applied - amount_paid), 0),
		COALESCE(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0)
		FROM invoices WHERE customer_id = ? AND status = 'unpaid'`, micro(s.now()), u.ID).Scan(&sum.UnpaidCount, &unpaid, &sum.OverdueCount)
	if err != nil {
		return api.Summary{}, fmt.Errorf("summary: %w", err)
	}
	sum.UnpaidTotal = billing.New(unpaid, c)
	open, err := s.queryInvoices(tx, `WHERE customer_id = ? AND kind = 'add_funds' AND status = 'unpaid' ORDER BY issued_at DESC, id DESC LIMIT 1`, u.ID)
	if err != nil {
		return api.Summary{}, err
	}
	if len(open) > 0 {
		sum.OpenAddFunds = &open[0]
	}
	return sum, nil
}

func (s *Server) handleSummary(w http.ResponseWriter, r *http.Request, p *principal) {
	var sum api.Summary
	err := s.db.ReadTx(r.Context(), func(tx *store.Tx) (err error) {
		sum, err = s.summary(tx, p.user.ID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sum)
}

// decodeAddFunds parses and checks the shape of an add-funds request; the
// rules that depend on the account's state are checked in addFunds.
func (s *Server) decodeAddFunds(r *http.Request) (api.AddFundsRequest, error) {
	var req api.AddFundsRequest
	body, err := s.readBody(r)
	if err != nil {
		return req, err
	}
	if err := decodeStrict(body, &req); err != nil {
		return req, err
	}
	var fields []api.FieldError
	if req.Amount.Currency == "" {
		fields = append(fields, api.FieldError{Field: "amount", Code: "required", Message: "is required"})
	} else if req.Amount.Amount <= 0 {
		fields = append(fields, api.FieldError{Field: "amount.amount", Code: "not_positive", Message: "must be greater than zero"})
	}
	if strings.TrimSpace(req.Gateway) == "" {
		fields = append(fields, api.FieldError{Field: "gateway", Code: "required", Message: "is required"})
	}
	if strings.TrimSpace(req.PolicyVersion) == "" {
		fields = append(fields, api.FieldError{Field: "policy_version", Code: "required", Message: "is required: the customer must accept the credit policy"})
	}
	if len(fields) > 0 {
		return req, &apiError{status: http.StatusUnprocessableEntity, code: api.CodeValidation, detail: fields[0].Field + " " + fields[0].Message, fields: fields}
	}
	return req, nil
}

// addFunds creates an add-funds invoice under the account lock.
func (s *Server) addFunds(tx *store.Tx, customerID string, req api.AddFundsRequest) (api.Invoice, error) {
	u, balance, err := loadCustomer(tx, customerID)
	if err != nil {
		return api.Invoice{}, err
	}
	c := u.Currency
	lim := s.opts.Limits[c]
	if req.Amount.Currency != c {
		return api.Invoice{}, ruleProblem(api.CodeCurrencyMismatch, "amount.currency", fmt.Sprintf("This account is billed in %s.", c))
	}
	if req.PolicyVersion != s.opts.Policy.Version {
		return api.Invoice{}, ruleProblem(api.CodePolicyVersion, "policy_version",
			fmt.Sprintf("The credit policy changed (now version %s). Review it and try again.", s.opts.Policy.Version))
	}
	g, ok := s.gateways.Lookup(req.Gateway)
	if !ok || !g.Supports(c) {
		return api.Invoice{}, ruleProblem(api.CodeGatewayUnavailable, "gateway", fmt.Sprintf("Gateway %q is not available for %s accounts.", req.Gateway, c))
	}
	if req.Amount.Amount < lim.MinDeposit {
		return api.Invoice{}, ruleProblem(api.CodeBelowMinimum, "amount.amount", "The minimum deposit is "+billing.Format(billing.New(lim.MinDeposit, c))+".")
	}
	if req.Amount.Amount > lim.MaxDeposit {
		return api.Invoice{}, ruleProblem(api.CodeAboveMaximum, "amount.amount", "The maximum deposit is "+billing.Format(billing.New(lim.MaxDeposit, c))+".")
	}
	if s.opts.MaxOpenAddFunds > 0 {
		var open int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM invoices WHERE customer_id = ? AND kind = 'add_funds' AND status = 'unpaid'`, u.ID).Scan(&open); err != nil {
			return api.Invoice{}, fmt.Errorf("count open invoices: %w", err)
		}
		if open >= s.opts.MaxOpenAddFunds {
			return api.Invoice{}, problem(http.StatusConflict, api.CodeOpenInvoiceExists,
				"An add-funds invoice is already waiting for payment. Pay or cancel it first.")
		}
	}
	if err := s.headroomFor(balance, req.Amount, "amount.amount"); err != nil {
		return api.Invoice{}, err
	}
	now := s.now()
	return s.createInvoice(tx, newInvoice{
		customer: u, kind: billing.KindAddFunds, status: billing.InvoiceUnpaid, issued: now, due: now.Add(AddFundsDueIn),
		gateway: g.Info().ID, policyVersion: req.PolicyVersion,
		lines: []api.InvoiceLine{{Description: depositLine(u.Locale), Quantity: 1, UnitPrice: req.Amount}},
	})
}

// headroomFor refuses a deposit of amount that would take balance above
// the account currency's maximum balance; field names the amount.
func (s *Server) headroomFor(balance int64, amount billing.Money, field string) error {
	if limit, room, ok := s.underCap(balance, amount); !ok {
		return ruleProblem(api.CodeBalanceLimit, field,
			fmt.Sprintf("Your credit may not exceed %s; you can add at most %s.", billing.Format(limit), billing.Format(room)))
	}
	return nil
}

// checkDepositHeadroom is headroomFor with the customer's balance now, for
// paying an add-funds invoice.
func (s *Server) checkDepositHeadroom(tx *store.Tx, customerID string, amount billing.Money) error {
	_, balance, err := loadCustomer(tx, customerID)
	if err != nil {
		return err
	}
	return s.headroomFor(balance, amount, "invoice")
}

func depositLine(locale string) string {
	if strings.HasPrefix(locale, "ja") {
		return "アカウントクレジットのチャージ（前受金・不課税）"
	}
	return "Account credit deposit (prepayment, not taxable)"
}

func (s *Server) handleAddFunds(w http.ResponseWriter, r *http.Request, p *principal) {
	req, err := s.decodeAddFunds(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.mutation(w, r, p, p.user.ID, keyRequired, req, func(tx *store.Tx) (int, any, error) {
		inv, err := s.addFunds(tx, p.user.ID, req)
		return http.StatusCreated, inv, err
	})
}

// handleCancel lets a customer withdraw their own unpaid add-funds invoice.
func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request, p *principal) {
	id := r.PathValue("id")
	s.mutation(w, r, p, p.user.ID, keyOptional, map[string]string{"invoice": id}, func(tx *store.Tx) (int, any, error) {
		inv, err := s.customerInvoice(tx, p.user.ID, id)
		if err != nil {
			return 0, nil, err
		}
		if inv.Kind != billing.KindAddFunds || inv.Status != billing.InvoiceUnpaid {
			return 0, nil, problem(http.StatusConflict, api.CodeNotCancellable,
				"Only an unpaid add-funds invoice can be cancelled. For other invoices, contact support.")
		}
		for _, pay := range inv.Payments {
			if pay.State == billing.PaymentProcessing {
				return 0, nil, problem(http.StatusConflict, api.CodeNotCancellable, "A payment for this invoice is being processed; wait for it to finish.")
			}
		}
		now := micro(s.now())
		if _, err := tx.Exec(`UPDATE invoices SET status = 'cancelled', cancelled_at = ? WHERE id = ?`, now, id); err != nil {
			return 0, nil, fmt.Errorf("cancel invoice: %w", err)
		}
		if _, err := tx.Exec(`UPDATE payments SET state = 'expired', failure_reason = 'invoice cancelled', updated_at = ?
			WHERE invoice_id = ? AND state IN ('created', 'awaiting_action')`, now, id); err != nil {
			return 0, nil, fmt.Errorf("expire payments: %w", err)
		}
		inv, err = s.customerInvoice(tx, p.user.ID, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, inv, s.emit(tx, p.user.ID, api.Event{Type: api.EventInvoice, Invoice: &inv})
	})
}
