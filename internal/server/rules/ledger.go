package rules

import (
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
	"billfold/internal/server/words"
)

// Entry is one ledger entry to book. Its description is either Phrase,
// what the server says about it, kept so that it is read in the language
// of whoever reads it, or Description, what a person wrote (a staff
// adjustment's reason), shown as written.
type Entry struct {
	Kind        billing.LedgerKind
	Amount      int64 // signed minor units of the customer's currency
	Phrase      words.Msg
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
	entry := store.Ledger{LedgerEntry: api.LedgerEntry{
		ID: auth.NewID("led_"), Seq: seq + 1, Kind: e.Kind, Amount: billing.New(e.Amount, c), BalanceAfter: after,
		Description: e.Description, Reference: e.Reference, Actor: e.Actor, InvoiceID: e.InvoiceID, PaymentID: e.PaymentID,
		CreatedAt: store.Time(at),
	}}
	if e.Phrase.Text != "" {
		if entry.Phrase, err = e.Phrase.Store(); err != nil {
			return api.LedgerEntry{}, err
		}
		entry.Description = e.Phrase.In(words.English)
	}
	if err := tx.AppendLedger(customerID, entry); err != nil {
		return api.LedgerEntry{}, err
	}
	return entry.LedgerEntry, s.emit(tx, customerID, api.Event{Type: api.EventBalance, Balance: &after})
}

// What the server says about the entries it books (Entry.Phrase).
const (
	phraseDeposit       words.Text = "Deposit via %s for %s"
	phraseOverpayment   words.Text = "Overpayment of %s credited to the account"
	phraseCreditApplied words.Text = "Credit applied to %s"
	phraseVoucher       words.Text = "Voucher %s"
	phraseReversal      words.Text = "Card payment disputed by the bank (%s): unspent credit reversed"
)

// CreditApplied is the description of credit applied to the invoice
// numbered number.
func CreditApplied(number string) words.Msg { return words.M(phraseCreditApplied, number) }

// DepositVia is the description of a deposit through gateway id for the
// invoice numbered number: the gateway by its name, translated, where the
// server knows it.
func (s *Service) DepositVia(id, number string) words.Msg {
	if g, ok := s.cfg.Gateways.Lookup(id); ok {
		return words.M(phraseDeposit, words.Text(g.Info().Name), number)
	}
	return words.M(phraseDeposit, id, number)
}

// ListLedger is one page of the customer's ledger, newest first, its
// descriptions in l where the server wrote them.
func (s *Service) ListLedger(tx *store.Tx, customerID string, page Page, l words.Lang) (api.LedgerPage, error) {
	cursor, err := page.cursor()
	if err != nil {
		return api.LedgerPage{}, err
	}
	rows, next, err := tx.LedgerPage(customerID, page.Limit, cursor)
	if err != nil {
		return api.LedgerPage{}, pageError(err)
	}
	items := make([]api.LedgerEntry, len(rows))
	for i, row := range rows {
		items[i] = s.inLanguage(row, l)
	}
	return api.LedgerPage{Items: items, NextCursor: encodeCursor(next)}, nil
}

// inLanguage is the stored entry with its description in l. A phrase that
// cannot be read back (it never should) leaves the English description,
// and is logged: the ledger is still shown.
func (s *Service) inLanguage(row store.Ledger, l words.Lang) api.LedgerEntry {
	e := row.LedgerEntry
	if row.Phrase == "" {
		return e
	}
	m, err := words.Stored(row.Phrase)
	if err != nil {
		s.cfg.Log.Error("ledger entry's phrase unreadable; its English description is shown", "entry", e.ID, "err", err)
		return e
	}
	e.Description = m.In(l)
	return e
}

// entryIn is an entry just booked with its description in l.
func entryIn(e api.LedgerEntry, phrase words.Msg, l words.Lang) api.LedgerEntry {
	e.Description = phrase.In(l)
	return e
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
