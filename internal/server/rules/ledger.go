package rules

import (
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
)

// Entry is one ledger entry to book.
type Entry struct {
	Kind        billing.LedgerKind
	Amount      int64 // signed minor units of the customer's currency
	Description string
	Reference   string
	Actor       string
	InvoiceID   string
	PaymentID   string
	At          time.Time // zero: now (demo data sets history)
}

// Book appends e to the customer's ledger and moves the balance with it.
// The caller holds the account lock (a write transaction locking this
// customer), so balance_after is exact. A debit beyond the balance is
// insufficient_credit, on the field amount.amount: only apply-credit and
// staff adjustments debit, and both call it that.
func (s *Service) Book(tx *store.Tx, customerID string, e Entry) (api.LedgerEntry, error) {
	balance, seq, c, err := tx.LedgerHead(customerID)
	if err != nil {
		return api.LedgerEntry{}, err
	}
	after, err := billing.New(balance, c).Add(billing.New(e.Amount, c))
	if err != nil {
		return api.LedgerEntry{}, err
	}
	if after.Amount < 0 {
		return api.LedgerEntry{}, problem.OnField(api.CodeInsufficientCredit, "amount.amount",
			"Available credit is %s, which is not enough.", billing.Format(billing.New(balance, c)))
	}
	at := e.At
	if at.IsZero() {
		at = s.now()
	}
	entry := api.LedgerEntry{
		ID: auth.NewID("led_"), Seq: seq + 1, Kind: e.Kind, Amount: billing.New(e.Amount, c), BalanceAfter: after,
		Description: e.Description, Reference: e.Reference, Actor: e.Actor, InvoiceID: e.InvoiceID, PaymentID: e.PaymentID,
		CreatedAt: store.Time(at),
	}
	if err := tx.AppendLedger(customerID, entry); err != nil {
		return api.LedgerEntry{}, err
	}
	return entry, s.emit(tx, customerID, api.Event{Type: api.EventBalance, Balance: &after})
}

// ListLedger is one page of the customer's ledger, newest first.
func (s *Service) ListLedger(tx *store.Tx, customerID string, page Page) (api.LedgerPage, error) {
	cursor, err := page.cursor()
	if err != nil {
		return api.LedgerPage{}, err
	}
	items, next, err := tx.LedgerPage(customerID, page.Limit, cursor)
	if err != nil {
		return api.LedgerPage{}, pageError(err)
	}
	return api.LedgerPage{Items: items, NextCursor: encodeCursor(next)}, nil
}

// underCap reports whether crediting amount keeps balance within the
// currency's maximum balance. It compares amount with the room left, so
// that balance+amount cannot wrap past int64; a debit always fits. limit
// is the cap, room what could still be credited.
func (s *Service) underCap(balance int64, amount billing.Money) (limit, room billing.Money, ok bool) {
	c := amount.Currency
	maxBalance := s.cfg.Limits[c].MaxBalance
	headroom := maxBalance - balance
	return billing.New(maxBalance, c), billing.New(max(headroom, 0), c), amount.Amount <= 0 || amount.Amount <= headroom
}
