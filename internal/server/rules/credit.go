package rules

import (
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
	"billfold/internal/server/words"
)

// ApplyCreditInput is a request to pay an invoice with account credit.
type ApplyCreditInput api.ApplyCreditRequest

// Clean checks that a positive amount is given.
func (in ApplyCreditInput) Clean() (ApplyCreditInput, error) {
	if in.Amount.Currency == "" {
		return in, problem.InvalidField("amount", "required", "is required")
	}
	if in.Amount.Amount <= 0 {
		return in, problem.InvalidField("amount.amount", "not_positive", "must be greater than zero")
	}
	return in, nil
}

// ApplyCredit pays (part of) one of the customer's service invoices from
// their available credit, in a transaction that holds the account's lock.
// actor is who did it (the customer, or a staff member acting for them),
// as the ledger entry records; the entry answered is described in l.
func (s *Service) ApplyCredit(tx *store.Tx, actor, customerID, invoiceID string, in ApplyCreditInput, l words.Lang) (api.ApplyCreditResult, error) {
	in, err := in.Clean()
	if err != nil {
		return api.ApplyCreditResult{}, err
	}
	customer, _, err := s.customer(tx, customerID)
	if err != nil {
		return api.ApplyCreditResult{}, err
	}
	stored, err := s.storedInvoice(tx, customer.ID, invoiceID)
	if err != nil {
		return api.ApplyCreditResult{}, err
	}
	inv := s.invoiceView(stored)
	if inv.Kind == billing.KindAddFunds {
		return api.ApplyCreditResult{}, problem.New(api.CodeCreditNotAllowed, "Credit cannot pay for a deposit of credit.")
	}
	if inv.Status != billing.InvoiceUnpaid {
		return api.ApplyCreditResult{}, problem.New(api.CodeInvoiceNotPayable, "Invoice %s is %s.", inv.Number, words.State(inv.Status))
	}
	if in.Amount.Currency != inv.Currency {
		return api.ApplyCreditResult{}, problem.OnField(api.CodeCurrencyMismatch, "amount.currency", "This invoice is in %s.", inv.Currency)
	}
	if in.Amount.Amount > inv.BalanceDue.Amount {
		return api.ApplyCreditResult{}, &problem.Error{Code: api.CodeAmountExceedsDue,
			Detail: words.M("The amount is more than the %s still due.", billing.Format(inv.BalanceDue)),
			Fields: []problem.FieldError{problem.Field("amount.amount", api.CodeAmountExceedsDue, "exceeds the balance due")}}
	}
	phrase := CreditApplied(inv.Number)
	entry, err := s.Book(tx, customer.ID, Entry{Kind: billing.LedgerCreditApplied, Amount: -in.Amount.Amount,
		Phrase: phrase, Reference: inv.Number, Actor: actor, InvoiceID: inv.ID})
	if err != nil {
		return api.ApplyCreditResult{}, err
	}
	var paidAt *time.Time
	if in.Amount.Amount == inv.BalanceDue.Amount {
		now := s.now()
		paidAt = &now
	}
	if err := tx.AddCreditApplied(inv.ID, in.Amount.Amount, paidAt); err != nil {
		return api.ApplyCreditResult{}, err
	}
	inv, err = s.invoiceChanged(tx, customer.ID, inv.ID)
	if err != nil {
		return api.ApplyCreditResult{}, err
	}
	return api.ApplyCreditResult{Invoice: inv, Entry: entryIn(entry, phrase, l), Balance: entry.BalanceAfter}, nil
}
