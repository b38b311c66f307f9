package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"billfold/billing"
)

// Payment attempts.

const paymentColumns = `id, invoice_id, customer_id, gateway, state, amount, currency, reference, checkout_token,
	card_challenge, failure_reason, created_at, updated_at, expires_at, checkout_url, provider_session, provider_charge, refund_due`

// Payment is a payment attempt as stored, with the fields the API does not
// show (whose it is, the transfer reference, the checkout token).
type Payment struct {
	ID, InvoiceID, CustomerID, Gateway string
	State                              billing.PaymentState
	Amount                             billing.Money
	Reference                          string // offline gateways: what the customer writes on the transfer
	CheckoutToken                      string // the sandbox's checkout: its bearer credential
	CheckoutURL                        string // a provider's hosted checkout (Stripe)
	ProviderSession                    string // the provider's id of that checkout
	ProviderCharge                     string // the provider's id of the money taken, once paid
	Challenge                          bool   // the sandbox card asked for 3-D Secure
	FailureReason                      string
	RefundDue                          int64  // minor units it brought that are owed back (migration 0009)
	Language                           string // its invoice's language, which its instructions are in (read, not stored)
	CreatedAt, UpdatedAt               time.Time
	ExpiresAt                          *time.Time
}

// The language of a payment's invoice, which queryPayments reads with it;
// a reader that has the invoices at hand takes it from them (noLanguage)
// instead of looking each one up again.
const (
	invoiceLanguage = `(SELECT language FROM invoices WHERE invoices.id = payments.invoice_id)`
	noLanguage      = `''`
)

func (t *Tx) queryPayments(query string, args ...any) ([]Payment, error) {
	return t.queryPaymentsWith(invoiceLanguage, query, args...)
}

func (t *Tx) queryPaymentsWith(language, query string, args ...any) ([]Payment, error) {
	rows, err := t.Query(`SELECT `+paymentColumns+`, `+language+` FROM payments `+query, args...)
	if err != nil {
		return nil, fmt.Errorf("query payments: %w", err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		var state, cur string
		var amount, created, updated int64
		var ref, token, checkoutURL, session, charge sql.NullString
		var challenge int
		var expires sql.NullInt64
		if err := rows.Scan(&p.ID, &p.InvoiceID, &p.CustomerID, &p.Gateway, &state, &amount, &cur, &ref, &token,
			&challenge, &p.FailureReason, &created, &updated, &expires, &checkoutURL, &session, &charge, &p.RefundDue, &p.Language); err != nil {
			return nil, fmt.Errorf("scan payment: %w", err)
		}
		p.State, p.Amount = billing.PaymentState(state), billing.New(amount, billing.Currency(cur))
		p.CreatedAt, p.UpdatedAt, p.ExpiresAt = fromMicro(created), fromMicro(updated), fromNullMicro(expires)
		p.Reference, p.CheckoutToken, p.Challenge = ref.String, token.String, challenge != 0
		p.CheckoutURL, p.ProviderSession, p.ProviderCharge = checkoutURL.String, session.String, charge.String
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query payments: %w", err)
	}
	return out, nil
}

func (t *Tx) onePayment(query string, args ...any) (Payment, error) {
	list, err := t.queryPayments(query, args...)
	if err != nil {
		return Payment{}, err
	}
	if len(list) == 0 {
		return Payment{}, ErrNotFound
	}
	return list[0], nil
}

// Payment reads one payment that must belong to customerID; ErrNotFound
// for any other.
func (t *Tx) Payment(customerID, id string) (Payment, error) {
	return t.onePayment(`WHERE id = ? AND customer_id = ?`, id, customerID)
}

// PaymentByID reads a payment whoever's it is (a gateway callback, staff).
func (t *Tx) PaymentByID(id string) (Payment, error) {
	return t.onePayment(`WHERE id = ?`, id)
}

// PaymentByCheckoutToken reads the payment a checkout token opens.
func (t *Tx) PaymentByCheckoutToken(token string) (Payment, error) {
	if token == "" {
		return Payment{}, ErrNotFound
	}
	return t.onePayment(`WHERE checkout_token = ?`, token)
}

// UnfinishedPayments are the invoice's attempts that have not reached a
// final state: open checkouts and payments the gateway is processing.
func (t *Tx) UnfinishedPayments(invoiceID string) ([]Payment, error) {
	return t.queryPayments(`WHERE invoice_id = ? AND state IN ('created', 'awaiting_action', 'processing') ORDER BY created_at`, invoiceID)
}

// LastPaymentID is the id of the invoice's newest payment, "" for none.
func (t *Tx) LastPaymentID(invoiceID string) (string, error) {
	var id string
	err := one(t.QueryRow(`SELECT id FROM payments WHERE invoice_id = ? ORDER BY created_at DESC LIMIT 1`, invoiceID).Scan(&id), "last payment")
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return id, err
}

// InsertPayment writes a new payment attempt.
func (t *Tx) InsertPayment(p Payment) error {
	challenge := 0
	if p.Challenge {
		challenge = 1
	}
	return t.write("insert payment", `INSERT INTO payments (`+paymentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.InvoiceID, p.CustomerID, p.Gateway, string(p.State), p.Amount.Amount, string(p.Amount.Currency),
		nullable(p.Reference), nullable(p.CheckoutToken), challenge, p.FailureReason, micro(p.CreatedAt), micro(p.UpdatedAt),
		nullMicro(p.ExpiresAt), nullable(p.CheckoutURL), nullable(p.ProviderSession), nullable(p.ProviderCharge), p.RefundDue)
}

// SetRefundDue records that amount of what payment id brought is owed
// back to the customer.
func (t *Tx) SetRefundDue(id string, amount int64, at time.Time) error {
	return t.write("payment refund due", `UPDATE payments SET refund_due = ?, updated_at = ? WHERE id = ?`, amount, micro(at), id)
}

// SetPaymentState moves a payment to state at at, with the reason it
// failed ("" otherwise).
func (t *Tx) SetPaymentState(id string, state billing.PaymentState, reason string, at time.Time) error {
	return t.write("payment "+string(state), `UPDATE payments SET state = ?, failure_reason = ?, updated_at = ? WHERE id = ?`,
		string(state), reason, micro(at), id)
}

// ExpireOpenPayments expires the invoice's attempts nobody has acted on yet.
func (t *Tx) ExpireOpenPayments(invoiceID, reason string, at time.Time) error {
	return t.write("expire payments", `UPDATE payments SET state = 'expired', failure_reason = ?, updated_at = ?
		WHERE invoice_id = ? AND state IN ('created', 'awaiting_action')`, reason, micro(at), invoiceID)
}

// SetCardChallenge records that the card asked for 3-D Secure.
func (t *Tx) SetCardChallenge(id string, at time.Time) error {
	return t.write("card challenge", `UPDATE payments SET card_challenge = 1, updated_at = ? WHERE id = ?`, micro(at), id)
}
