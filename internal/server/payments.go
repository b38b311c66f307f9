package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/gateway"
	"billfold/internal/server/store"
)

const paymentColumns = `id, invoice_id, customer_id, gateway, state, amount, currency, reference, checkout_token,
	card_challenge, failure_reason, created_at, updated_at, expires_at`

// paymentRow is a payment with the fields the API does not show.
type paymentRow struct {
	api.Payment
	customerID string
	reference  string
	token      string
	challenge  bool
}

func (s *Server) scanPayments(tx *store.Tx, query string, args ...any) ([]paymentRow, error) {
	rows, err := tx.Query(`SELECT `+paymentColumns+` FROM payments `+query, args...)
	if err != nil {
		return nil, fmt.Errorf("query payments: %w", err)
	}
	defer rows.Close()
	var out []paymentRow
	now := micro(s.now())
	for rows.Next() {
		var p paymentRow
		var state, cur string
		var amount, created, updated int64
		var ref, token sql.NullString
		var challenge int
		var expires sql.NullInt64
		if err := rows.Scan(&p.ID, &p.InvoiceID, &p.customerID, &p.Gateway, &state, &amount, &cur, &ref, &token,
			&challenge, &p.FailureReason, &created, &updated, &expires); err != nil {
			return nil, fmt.Errorf("scan payment: %w", err)
		}
		p.State, p.Amount = billing.PaymentState(state), billing.New(amount, billing.Currency(cur))
		p.CreatedAt, p.UpdatedAt, p.ExpiresAt = fromMicro(created), fromMicro(updated), fromNullMicro(expires)
		p.reference, p.token, p.challenge = ref.String, token.String, challenge != 0
		// An open checkout past its deadline is expired even before anyone
		// writes that down.
		if expires.Valid && expires.Int64 <= now && !p.State.Final() && p.State != billing.PaymentProcessing {
			p.State = billing.PaymentExpired
			p.FailureReason = "checkout expired"
		}
		p.NextAction = s.nextAction(p)
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Server) queryPayments(tx *store.Tx, query string, args ...any) ([]api.Payment, error) {
	rows, err := s.scanPayments(tx, query, args...)
	out := make([]api.Payment, len(rows))
	for i, r := range rows {
		out[i] = r.Payment
	}
	return out, err
}

func (s *Server) nextAction(p paymentRow) api.NextAction {
	if p.State != billing.PaymentAwaitingAction && p.State != billing.PaymentCreated {
		return api.NextAction{Type: api.ActionNone}
	}
	if p.Gateway == gateway.BankTransferID {
		b := s.gateways.Bank()
		return api.NextAction{Type: api.ActionInstructions, Instructions: &api.BankInstructions{
			BankName: b.BankName, BranchName: b.BranchName, AccountType: b.AccountType, AccountNumber: b.AccountNumber,
			AccountHolder: b.AccountHolder, Amount: p.Amount, Reference: p.reference,
			Note: "Write the reference in the transfer's remitter name or memo field so we can match your payment. 振込名義の前に参照番号を入力してください。",
		}}
	}
	return api.NextAction{Type: api.ActionRedirect, URL: s.opts.BaseURL + "/sandbox/checkout/" + p.token}
}

func (s *Server) customerPayment(tx *store.Tx, customerID, id string) (paymentRow, error) {
	list, err := s.scanPayments(tx, `WHERE id = ? AND customer_id = ?`, id, customerID)
	if err != nil {
		return paymentRow{}, err
	}
	if len(list) == 0 {
		return paymentRow{}, problem(http.StatusNotFound, api.CodeNotFound, "No payment with that id on this account.")
	}
	return list[0], nil
}

func (s *Server) handleGetPayment(w http.ResponseWriter, r *http.Request, p *principal) {
	var pay paymentRow
	err := s.db.ReadTx(r.Context(), func(tx *store.Tx) (err error) {
		pay, err = s.customerPayment(tx, p.user.ID, r.PathValue("id"))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pay.Payment)
}

// handlePay opens a payment attempt for an unpaid invoice with a gateway.
// The gateway can be changed before paying by opening a new attempt.
func (s *Server) handlePay(w http.ResponseWriter, r *http.Request, p *principal) {
	body, err := s.readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req api.PayRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Gateway == "" {
		s.fail(w, r, fieldProblem(http.StatusUnprocessableEntity, "gateway", "required", "is required"))
		return
	}
	id := r.PathValue("id")
	s.mutation(w, r, p, p.user.ID, keyRequired, struct {
		Invoice string
		api.PayRequest
	}{id, req}, func(tx *store.Tx) (int, any, error) {
		inv, err := s.customerInvoice(tx, p.user.ID, id)
		if err != nil {
			return 0, nil, err
		}
		if inv.Status != billing.InvoiceUnpaid || inv.BalanceDue.Amount <= 0 {
			return 0, nil, problem(http.StatusConflict, api.CodeInvoiceNotPayable, fmt.Sprintf("Invoice %s is %s and cannot be paid.", inv.Number, inv.Status))
		}
		g, ok := s.gateways.Lookup(req.Gateway)
		if !ok || !g.Supports(inv.Currency) {
			return 0, nil, &apiError{status: http.StatusUnprocessableEntity, code: api.CodeGatewayUnavailable,
				detail: fmt.Sprintf("Gateway %q is not available for %s.", req.Gateway, inv.Currency),
				fields: []api.FieldError{{Field: "gateway", Code: api.CodeGatewayUnavailable, Message: "is not available"}}}
		}
		if inv.Kind == billing.KindAddFunds {
			// The headroom was there when the invoice was made; credit
			// that arrived since (a voucher, an adjustment) may have used
			// it. Refuse before any money moves: once the gateway has
			// taken it, the deposit is credited whatever the cap.
			if err := s.checkDepositHeadroom(tx, p.user.ID, inv.BalanceDue); err != nil {
				return 0, nil, err
			}
		}
		now := s.now()
		start := g.Begin(now)
		pid := auth.NewID("pay_")
		var expires any
		if start.ExpiresAt != nil {
			expires = micro(*start.ExpiresAt)
		}
		_, err = tx.Exec(`INSERT INTO payments (`+paymentColumns+`) VALUES (?, ?, ?, ?, 'awaiting_action', ?, ?, ?, ?, 0, '', ?, ?, ?)`,
			pid, inv.ID, p.user.ID, g.Info().ID, inv.BalanceDue.Amount, string(inv.Currency),
			nullable(start.Reference), nullable(start.CheckoutToken), micro(now), micro(now), expires)
		if err != nil {
			return 0, nil, fmt.Errorf("insert payment: %w", err)
		}
		if inv.Kind == billing.KindAddFunds && inv.Gateway != g.Info().ID {
			if _, err := tx.Exec(`UPDATE invoices SET gateway = ? WHERE id = ?`, g.Info().ID, inv.ID); err != nil {
				return 0, nil, fmt.Errorf("change gateway: %w", err)
			}
		}
		pay, err := s.customerPayment(tx, p.user.ID, pid)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, pay.Payment, s.emit(tx, p.user.ID, api.Event{Type: api.EventPayment, Payment: &pay.Payment})
	})
}

// completePayment records a gateway's final word on a payment, under the
// customer's account lock. It is idempotent: a payment that is already
// final is left alone, so however many times a completion arrives the
// ledger is credited once (and the unique index on deposits per payment
// would refuse a second credit even if this check were wrong). An empty
// actor means the gateway itself.
func (s *Server) completePayment(tx *store.Tx, paymentID string, succeeded bool, reason, actor string) (bool, error) {
	list, err := s.scanPayments(tx, `WHERE id = ?`, paymentID)
	if err != nil {
		return false, err
	}
	if len(list) == 0 {
		return false, problem(http.StatusNotFound, api.CodeNotFound, "No such payment.")
	}
	pay := list[0]
	if pay.State.Final() {
		return false, nil
	}
	if actor == "" { // the gateway's own callback
		actor = "gateway:" + pay.Gateway
	}
	now := micro(s.now())
	if !succeeded {
		if _, err := tx.Exec(`UPDATE payments SET state = 'failed', failure_reason = ?, updated_at = ? WHERE id = ?`, reason, now, pay.ID); err != nil {
			return false, fmt.Errorf("fail payment: %w", err)
		}
		return true, s.emitPayment(tx, pay.customerID, pay.ID)
	}
	if _, err := tx.Exec(`UPDATE payments SET state = 'succeeded', failure_reason = '', updated_at = ? WHERE id = ?`, now, pay.ID); err != nil {
		return false, fmt.Errorf("settle payment: %w", err)
	}
	inv, err := s.customerInvoice(tx, pay.customerID, pay.InvoiceID)
	if err != nil {
		return false, err
	}
	// Money received is never lost: what the invoice no longer needs (paid
	// meanwhile by another attempt or by credit) becomes account credit.
	applied := int64(0)
	if inv.Status == billing.InvoiceUnpaid {
		applied = min(pay.Amount.Amount, inv.BalanceDue.Amount)
	}
	excess := pay.Amount.Amount - applied
	if applied > 0 {
		paidAt := any(nil)
		status := "unpaid"
		if applied == inv.BalanceDue.Amount {
			status, paidAt = "paid", now
		}
		if _, err := tx.Exec(`UPDATE invoices SET amount_paid = amount_paid + ?, status = ?, paid_at = COALESCE(?, paid_at) WHERE id = ?`,
			applied, status, paidAt, inv.ID); err != nil {
			return false, fmt.Errorf("mark invoice paid: %w", err)
		}
	}
	credit := excess
	if inv.Kind == billing.KindAddFunds {
		credit += applied
	}
	if credit > 0 {
		desc := "Deposit via " + pay.Gateway + " for " + inv.Number
		if excess > 0 && inv.Kind != billing.KindAddFunds {
			desc = "Overpayment of " + inv.Number + " credited to the account"
		}
		if _, err := s.appendLedger(tx, pay.customerID, ledgerLine{kind: billing.LedgerDeposit, amount: credit,
			description: desc, reference: inv.Number, actor: actor, invoiceID: inv.ID, paymentID: pay.ID}); err != nil {
			return false, err
		}
	}
	if err := s.emitPayment(tx, pay.customerID, pay.ID); err != nil {
		return false, err
	}
	inv, err = s.customerInvoice(tx, pay.customerID, pay.InvoiceID)
	if err != nil {
		return false, err
	}
	return true, s.emit(tx, pay.customerID, api.Event{Type: api.EventInvoice, Invoice: &inv})
}

func (s *Server) emitPayment(tx *store.Tx, customerID, id string) error {
	pay, err := s.customerPayment(tx, customerID, id)
	if err != nil {
		return err
	}
	return s.emit(tx, customerID, api.Event{Type: api.EventPayment, Payment: &pay.Payment})
}

// paymentCustomer finds whose account a payment belongs to, to take the
// right lock before touching it.
func (s *Server) paymentCustomer(ctx context.Context, where string, arg any) (string, error) {
	var cid string
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT customer_id FROM payments WHERE `+where, arg).Scan(&cid)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", problem(http.StatusNotFound, api.CodeNotFound, "No such payment.")
	}
	return cid, err
}

func (s *Server) handleApplyCredit(w http.ResponseWriter, r *http.Request, p *principal) {
	body, err := s.readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req api.ApplyCreditRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Amount.Currency == "" {
		s.fail(w, r, fieldProblem(http.StatusUnprocessableEntity, "amount", "required", "is required"))
		return
	}
	if req.Amount.Amount <= 0 {
		s.fail(w, r, fieldProblem(http.StatusUnprocessableEntity, "amount.amount", "not_positive", "must be greater than zero"))
		return
	}
	id := r.PathValue("id")
	s.mutation(w, r, p, p.user.ID, keyRequired, struct {
		Invoice string
		api.ApplyCreditRequest
	}{id, req}, func(tx *store.Tx) (int, any, error) {
		inv, err := s.customerInvoice(tx, p.user.ID, id)
		if err != nil {
			return 0, nil, err
		}
		if inv.Kind == billing.KindAddFunds {
			return 0, nil, problem(http.StatusUnprocessableEntity, api.CodeCreditNotAllowed, "Credit cannot pay for a deposit of credit.")
		}
		if inv.Status != billing.InvoiceUnpaid {
			return 0, nil, problem(http.StatusConflict, api.CodeInvoiceNotPayable, fmt.Sprintf("Invoice %s is %s.", inv.Number, inv.Status))
		}
		if req.Amount.Currency != inv.Currency {
			return 0, nil, fieldProblem(http.StatusUnprocessableEntity, "amount.currency", api.CodeCurrencyMismatch, "must be "+string(inv.Currency))
		}
		if req.Amount.Amount > inv.BalanceDue.Amount {
			return 0, nil, &apiError{status: http.StatusUnprocessableEntity, code: api.CodeAmountExceedsDue,
				detail: "The amount is more than the " + billing.Format(inv.BalanceDue) + " still due.",
				fields: []api.FieldError{{Field: "amount.amount", Code: api.CodeAmountExceedsDue, Message: "exceeds the balance due"}}}
		}
		entry, err := s.appendLedger(tx, p.user.ID, ledgerLine{kind: billing.LedgerCreditApplied, amount: -req.Amount.Amount,
			description: "Credit applied to " + inv.Number, reference: inv.Number, actor: p.user.Email, invoiceID: inv.ID})
		if err != nil {
			return 0, nil, err
		}
		status, paidAt := "unpaid", any(nil)
		if req.Amount.Amount == inv.BalanceDue.Amount {
			status, paidAt = "paid", micro(s.now())
		}
		if _, err := tx.Exec(`UPDATE invoices SET credit_applied = credit_applied + ?, status = ?, paid_at = COALESCE(?, paid_at) WHERE id = ?`,
			req.Amount.Amount, status, paidAt, inv.ID); err != nil {
			return 0, nil, fmt.Errorf("apply credit: %w", err)
		}
		inv, err = s.customerInvoice(tx, p.user.ID, id)
		if err != nil {
			return 0, nil, err
		}
		if err := s.emit(tx, p.user.ID, api.Event{Type: api.EventInvoice, Invoice: &inv}); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, api.ApplyCreditResult{Invoice: inv, Entry: entry, Balance: entry.BalanceAfter}, nil
	})
}
