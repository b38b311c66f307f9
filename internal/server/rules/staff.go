package rules

import (
	"errors"
	"strings"
	"unicode/utf8"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/gateway"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
	"billfold/internal/server/words"
	"billfold/internal/textcontrol"
)

// Staff act on any customer. What they may do is here; that every staff
// action, reads included, lands in the audit trail is the HTTP layer's
// audit middleware's job.

// SearchInput is a staff search for customers.
type SearchInput struct {
	Text string // matched against e-mail, name and company
	Page Page
}

// Clean lower-cases and trims the text, which may be 100 characters at most.
func (in SearchInput) Clean() (SearchInput, error) {
	in.Text = strings.ToLower(strings.TrimSpace(in.Text))
	if utf8.RuneCountInString(in.Text) > 100 {
		return in, problem.InvalidField("q", "too_long", "must be at most 100 characters")
	}
	return in, nil
}

// SearchCustomers is one page of the customers matching in.Text, by name.
func (s *Service) SearchCustomers(tx *store.Tx, in SearchInput) (api.CustomerList, error) {
	in, err := in.Clean()
	if err != nil {
		return api.CustomerList{}, err
	}
	cursor, err := in.Page.cursor()
	if err != nil {
		return api.CustomerList{}, err
	}
	items, next, err := tx.SearchCustomers(in.Text, in.Page.Limit, cursor)
	if err != nil {
		return api.CustomerList{}, pageError(err)
	}
	return api.CustomerList{Items: items, NextCursor: encodeCursor(next)}, nil
}

// AuditTrail is one page of the audit trail, newest first, about customerID
// only when it is not "".
func (s *Service) AuditTrail(tx *store.Tx, customerID string, page Page) (api.AuditPage, error) {
	cursor, err := page.cursor()
	if err != nil {
		return api.AuditPage{}, err
	}
	items, next, err := tx.AuditPage(customerID, page.Limit, cursor)
	if err != nil {
		return api.AuditPage{}, pageError(err)
	}
	return api.AuditPage{Items: items, NextCursor: encodeCursor(next)}, nil
}

// AdjustInput is a staff adjustment of a customer's balance.
type AdjustInput api.AdjustmentRequest

// Clean trims the reason and checks that the amount is not zero and the
// reason, which the customer sees, is one line of 3 to 500 characters
// (checkReason).
func (in AdjustInput) Clean() (AdjustInput, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	var fields []problem.FieldError
	if in.Amount.Currency == "" || in.Amount.Amount == 0 {
		fields = append(fields, problem.Field("amount", "required", "must be a non-zero amount"))
	}
	if f := checkReason(in.Reason, true); f != nil {
		fields = append(fields, *f)
	}
	if len(fields) > 0 {
		return in, problem.Invalid("Give a non-zero amount and a reason.", fields...)
	}
	return in, nil
}

// Adjust books a staff adjustment of the customer's balance (negative
// amounts are corrections), or the exact reversal of an earlier adjustment
// or voucher, in a transaction that holds the account's lock. actor is the
// staff member's e-mail.
func (s *Service) Adjust(tx *store.Tx, actor, customerID string, in AdjustInput) (api.LedgerResult, error) {
	in, err := in.Clean()
	if err != nil {
		return api.LedgerResult{}, err
	}
	u, balance, err := s.customer(tx, customerID)
	if err != nil {
		return api.LedgerResult{}, err
	}
	if in.Amount.Currency != u.Currency {
		return api.LedgerResult{}, problem.OnField(api.CodeCurrencyMismatch, "amount.currency", "This account is billed in %s.", u.Currency)
	}
	if limit, _, ok := s.underCap(balance, in.Amount); !ok {
		return api.LedgerResult{}, problem.OnField(api.CodeBalanceLimit, "amount.amount", "The adjustment would take the credit over %s.", billing.Format(limit))
	}
	e := Entry{Kind: billing.LedgerAdjustment, Amount: in.Amount.Amount, Description: in.Reason, Actor: actor}
	if in.Reverses != "" {
		if err := checkReversal(tx, customerID, in); err != nil {
			return api.LedgerResult{}, err
		}
		e.Kind, e.Reference = billing.LedgerReversal, in.Reverses
	}
	entry, err := s.Book(tx, customerID, e)
	if err != nil {
		return api.LedgerResult{}, err
	}
	return api.LedgerResult{Entry: entry, Balance: entry.BalanceAfter}, nil
}

// checkReversal vets a correction of an earlier entry: it must be the
// customer's own adjustment or voucher, not reversed yet, and be undone
// exactly. Deposits and credit applied to invoices are tied to invoices
// and payments, and are not corrected by hand.
func checkReversal(tx *store.Tx, customerID string, in AdjustInput) error {
	e, err := tx.LedgerEntry(customerID, in.Reverses)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return problem.OnField(api.CodeValidation, "reverses", "The customer has no such ledger entry.")
	case err != nil:
		return err
	case e.Kind != billing.LedgerAdjustment && e.Kind != billing.LedgerVoucher:
		return problem.OnField(api.CodeValidation, "reverses", "Only adjustments and vouchers are reversed by hand; this entry is a %s.", words.State(e.Kind))
	case in.Amount.Amount != -e.Amount.Amount:
		return problem.OnField(api.CodeValidation, "amount.amount", "A reversal undoes the entry exactly: the amount must be %s.",
			billing.Format(billing.New(-e.Amount.Amount, in.Amount.Currency)))
	}
	done, err := tx.Reversed(customerID, in.Reverses)
	if err != nil {
		return err
	}
	if done {
		return problem.New(api.CodeAlreadyReversed, "That entry has been reversed already.")
	}
	return nil
}

// ConfirmInput is staff's word that a bank transfer arrived.
type ConfirmInput api.ConfirmRequest

// Clean trims and upper-cases the reference, as the payment's is written,
// and checks the note, which goes into the audit trail.
func (in ConfirmInput) Clean() (ConfirmInput, error) {
	in.Reference = strings.ToUpper(strings.TrimSpace(in.Reference))
	in.Note = strings.TrimSpace(in.Note)
	if f := checkNote("note", in.Note); f != nil {
		return in, problem.InvalidFields(*f)
	}
	return in, nil
}

// ConfirmPayment records that a bank transfer arrived, in a transaction
// that holds the payment's customer's lock (PaymentOwner). The reference on
// the bank statement must match the payment's, so that a transfer cannot
// be booked to the wrong invoice by a slip of the mouse. Confirming twice
// changes nothing. actor is the staff member's e-mail.
func (s *Service) ConfirmPayment(tx *store.Tx, actor, customerID, paymentID string, in ConfirmInput) (api.Payment, error) {
	in, err := in.Clean()
	if err != nil {
		return api.Payment{}, err
	}
	stored, err := s.storedPayment(tx, customerID, paymentID)
	if err != nil {
		return api.Payment{}, err
	}
	pay := s.current(stored)
	if pay.Gateway != gateway.BankTransferID {
		return api.Payment{}, problem.New(api.CodePaymentNotConfirmable, "Only bank transfers are confirmed by staff; card and PayPal payments confirm themselves.")
	}
	if in.Reference != pay.Reference {
		return api.Payment{}, problem.Invalid("The reference does not match this payment's transfer reference.",
			problem.Field("reference", "mismatch", "does not match this payment's transfer reference"))
	}
	if pay.State == billing.PaymentSucceeded {
		return s.paymentView(pay), nil
	}
	// A transfer may arrive after its attempt expired (the invoice was
	// cancelled, or paid another way): the money is here all the same,
	// and completing the payment credits it or records its refund.
	if pay.State != billing.PaymentAwaitingAction && pay.State != billing.PaymentExpired {
		return api.Payment{}, problem.New(api.CodePaymentNotConfirmable, "This payment is %s and cannot be confirmed.", words.State(pay.State))
	}
	if _, err := s.completePayment(tx, paymentID, true, "", actor); err != nil {
		return api.Payment{}, err
	}
	return s.Payment(tx, customerID, paymentID)
}

// checkNote checks an optional text staff add to an action, which the
// audit trail keeps: none, or one line of at most 500 characters without
// control or direction characters (a line break in it forged a line of
// the trail).
func checkNote(field, note string) *problem.FieldError {
	var f problem.FieldError
	switch {
	case note == "":
		return nil
	case utf8.RuneCountInString(note) > 500:
		f = problem.Field(field, "invalid", "must be at most 500 characters")
	case strings.IndexFunc(note, textcontrol.Is) >= 0:
		f = problem.Field(field, "invalid_text", "must be one line of text, without control or direction characters")
	default:
		return nil
	}
	return &f
}

// checkReason checks a reason staff give: 3 to 500 characters on one line
// that reads as it shows, without control characters (line breaks, escape
// sequences), bidirectional controls, which can make a text show as
// another (a reason the customer reads in their transactions), or line
// separators. seen says that the customer sees it.
func checkReason(reason string, seen bool) *problem.FieldError {
	var f problem.FieldError
	switch n := utf8.RuneCountInString(reason); {
	case (n < 3 || n > 500) && seen:
		f = problem.Field("reason", "invalid", "must be 3 to 500 characters; the customer sees it")
	case n < 3 || n > 500:
		f = problem.Field("reason", "invalid", "must be 3 to 500 characters")
	default:
		return checkNote("reason", reason) // and one line of text
	}
	return &f
}
