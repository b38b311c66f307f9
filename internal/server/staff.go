package server

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/gateway"
	"billfold/internal/server/store"
)

// Staff act on any customer; every staff action, reads included, is written
// to the append-only audit log with the staff member's e-mail.

func (s *Server) audit(tx *store.Tx, p *principal, action, customerID, detail string) error {
	_, err := tx.Exec(`INSERT INTO audit_log (actor, action, customer_id, detail, created_at) VALUES (?, ?, ?, ?, ?)`,
		p.user.Email, action, customerID, detail, micro(s.now()))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// staffRead audits a read of a customer's data, then serves it.
func (s *Server) staffRead(w http.ResponseWriter, r *http.Request, p *principal, action string, read func(customerID string) (any, error)) {
	cid := r.PathValue("id")
	err := s.db.WriteTx(r.Context(), "", func(tx *store.Tx) error {
		if _, _, err := loadCustomer(tx, cid); err != nil {
			return err
		}
		return s.audit(tx, p, action, cid, r.URL.RawQuery)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := read(cid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleStaffCustomers(w http.ResponseWriter, r *http.Request, p *principal) {
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	if utf8.RuneCountInString(q) > 100 {
		s.fail(w, r, fieldProblem(http.StatusBadRequest, "q", "too_long", "must be at most 100 characters"))
		return
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
	list := api.CustomerList{Items: []api.Customer{}}
	err := s.db.WriteTx(r.Context(), "", func(tx *store.Tx) error {
		if err := s.audit(tx, p, "customers.search", "", q); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT u.balance, `+userColumns+` FROM users u WHERE u.role = 'customer'
			AND (LOWER(u.email) LIKE ? ESCAPE '\' OR LOWER(u.name) LIKE ? ESCAPE '\' OR LOWER(u.company) LIKE ? ESCAPE '\')
			ORDER BY u.name, u.id LIMIT 100`, like, like, like)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var bal int64
			u, err := scanUser(rows, &bal)
			if err != nil {
				return err
			}
			list.Items = append(list.Items, api.Customer{ID: u.ID, Email: u.Email, Name: u.Name, Company: u.Company,
				Currency: u.Currency, AvailableCredit: billing.New(bal, u.Currency)})
		}
		return rows.Err()
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) handleStaffSummary(w http.ResponseWriter, r *http.Request, p *principal) {
	s.staffRead(w, r, p, "customer.summary", func(cid string) (any, error) {
		var sum api.Summary
		err := s.db.ReadTx(r.Context(), func(tx *store.Tx) (err error) {
			sum, err = s.summary(tx, cid)
			return err
		})
		return sum, err
	})
}

func (s *Server) handleStaffInvoices(w http.ResponseWriter, r *http.Request, p *principal) {
	s.staffRead(w, r, p, "customer.invoices", func(cid string) (any, error) { return s.invoicePage(r, cid) })
}

func (s *Server) handleStaffLedger(w http.ResponseWriter, r *http.Request, p *principal) {
	s.staffRead(w, r, p, "customer.ledger", func(cid string) (any, error) { return s.ledgerPage(r, cid) })
}

func (s *Server) handleStaffAddFunds(w http.ResponseWriter, r *http.Request, p *principal) {
	req, err := s.decodeAddFunds(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cid := r.PathValue("id")
	s.mutation(w, r, p, cid, keyRequired, struct {
		Customer string
		api.AddFundsRequest
	}{cid, req}, func(tx *store.Tx) (int, any, error) {
		inv, err := s.addFunds(tx, cid, req)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, inv, s.audit(tx, p, "customer.funds", cid, inv.Number+" "+billing.Format(req.Amount)+" via "+req.Gateway)
	})
}

func (s *Server) handleStaffAdjust(w http.ResponseWriter, r *http.Request, p *principal) {
	body, err := s.readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req api.AdjustmentRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	req.Reason = strings.TrimSpace(req.Reason)
	var fields []api.FieldError
	if req.Amount.Currency == "" || req.Amount.Amount == 0 {
		fields = append(fields, api.FieldError{Field: "amount", Code: "required", Message: "must be a non-zero amount"})
	}
	if n := utf8.RuneCountInString(req.Reason); n < 3 || n > 500 {
		fields = append(fields, api.FieldError{Field: "reason", Code: "invalid", Message: "must be 3 to 500 characters; the customer sees it"})
	}
	if len(fields) > 0 {
		s.fail(w, r, &apiError{status: http.StatusUnprocessableEntity, code: api.CodeValidation, detail: "Give a non-zero amount and a reason.", fields: fields})
		return
	}
	cid := r.PathValue("id")
	s.mutation(w, r, p, cid, keyRequired, struct {
		Customer string
		api.AdjustmentRequest
	}{cid, req}, func(tx *store.Tx) (int, any, error) {
		u, balance, err := loadCustomer(tx, cid)
		if err != nil {
			return 0, nil, err
		}
		if req.Amount.Currency != u.Currency {
			return 0, nil, fieldProblem(http.StatusUnprocessableEntity, "amount.currency", api.CodeCurrencyMismatch, "must be "+string(u.Currency))
		}
		if limit, _, ok := s.underCap(balance, req.Amount); !ok {
			return 0, nil, ruleProblem(api.CodeBalanceLimit, "amount.amount", "The adjustment would take the credit over "+billing.Format(limit)+".")
		}
		line := ledgerLine{kind: billing.LedgerAdjustment, amount: req.Amount.Amount, description: req.Reason, actor: p.user.Email}
		if req.Reverses != "" {
			if err := checkReversal(tx, cid, req); err != nil {
				return 0, nil, err
			}
			line.kind, line.reference = billing.LedgerReversal, req.Reverses
		}
		entry, err := s.appendLedger(tx, cid, line)
		if err != nil {
			return 0, nil, err
		}
		if err := s.audit(tx, p, "customer.adjustment", cid, billing.Format(req.Amount)+": "+req.Reason); err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, api.LedgerResult{Entry: entry, Balance: entry.BalanceAfter}, nil
	})
}

// checkReversal vets a correction of an earlier entry: it must be the
// customer's own adjustment or voucher, not reversed yet, and be undone
// exactly. Deposits and credit applied to invoices are tied to invoices
// and payments, and are not corrected by hand.
func checkReversal(tx *store.Tx, customerID string, req api.AdjustmentRequest) error {
	var kind string
	var amount int64
	err := tx.QueryRow(`SELECT kind, amount FROM ledger_entries WHERE id = ? AND customer_id = ?`, req.Reverses, customerID).Scan(&kind, &amount)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ruleProblem(api.CodeValidation, "reverses", "The customer has no such ledger entry.")
	case err != nil:
		return fmt.Errorf("read the reversed entry: %w", err)
	case kind != string(billing.LedgerAdjustment) && kind != string(billing.LedgerVoucher):
		return ruleProblem(api.CodeValidation, "reverses", "Only adjustments and vouchers are reversed by hand; this entry is a "+kind+".")
	case req.Amount.Amount != -amount:
		return ruleProblem(api.CodeValidation, "amount.amount", "A reversal undoes the entry exactly: the amount must be "+
			billing.Format(billing.New(-amount, req.Amount.Currency))+".")
	}
	var done int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM ledger_entries WHERE customer_id = ? AND kind = 'reversal' AND reference = ?`,
		customerID, req.Reverses).Scan(&done); err != nil {
		return fmt.Errorf("look for an earlier reversal: %w", err)
	}
	if done > 0 {
		return problem(http.StatusConflict, api.CodeAlreadyReversed, "That entry has been reversed already.")
	}
	return nil
}

// handleStaffConfirm records that a bank transfer arrived. The reference on
// the bank statement must match the payment's, so a transfer cannot be
// booked to the wrong invoice by a slip of the mouse.
func (s *Server) handleStaffConfirm(w http.ResponseWriter, r *http.Request, p *principal) {
	body, err := s.readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req api.ConfirmRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	cid, err := s.paymentCustomer(r.Context(), "id = ?", id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.mutation(w, r, p, cid, keyOptional, struct {
		Payment string
		api.ConfirmRequest
	}{id, req}, func(tx *store.Tx) (int, any, error) {
		pay, err := s.customerPayment(tx, cid, id)
		if err != nil {
			return 0, nil, err
		}
		if pay.Gateway != gateway.BankTransferID {
			return 0, nil, problem(http.StatusConflict, api.CodePaymentNotConfirmable, "Only bank transfers are confirmed by staff; card and PayPal payments confirm themselves.")
		}
		if !strings.EqualFold(strings.TrimSpace(req.Reference), pay.reference) {
			return 0, nil, fieldProblem(http.StatusUnprocessableEntity, "reference", "mismatch", "does not match this payment's transfer reference")
		}
		if pay.State == billing.PaymentSucceeded {
			return http.StatusOK, pay.Payment, nil // confirming twice changes nothing
		}
		if pay.State != billing.PaymentAwaitingAction {
			return 0, nil, problem(http.StatusConflict, api.CodePaymentNotConfirmable, "This payment is "+string(pay.State)+" and cannot be confirmed.")
		}
		if _, err := s.completePayment(tx, id, true, "", p.user.Email); err != nil {
			return 0, nil, err
		}
		if err := s.audit(tx, p, "payment.confirm", cid, pay.ID+" "+pay.reference+" "+billing.Format(pay.Amount)+" "+req.Note); err != nil {
			return 0, nil, err
		}
		pay, err = s.customerPayment(tx, cid, id)
		return http.StatusOK, pay.Payment, err
	})
}

func (s *Server) handleStaffAudit(w http.ResponseWriter, r *http.Request, p *principal) {
	page := api.AuditPage{Items: []api.AuditRecord{}}
	cid := r.URL.Query().Get("customer_id")
	err := s.db.ReadTx(r.Context(), func(tx *store.Tx) error {
		q, args := `SELECT id, actor, action, customer_id, detail, created_at FROM audit_log`, []any{}
		if cid != "" {
			q += ` WHERE customer_id = ?`
			args = append(args, cid)
		}
		rows, err := tx.Query(q+` ORDER BY id DESC LIMIT 200`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a api.AuditRecord
			var at int64
			if err := rows.Scan(&a.ID, &a.Actor, &a.Action, &a.CustomerID, &a.Detail, &at); err != nil {
				return err
			}
			a.CreatedAt = fromMicro(at)
			page.Items = append(page.Items, a)
		}
		return rows.Err()
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}
