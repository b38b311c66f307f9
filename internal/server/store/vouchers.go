package store

import (
	"database/sql"
	"time"

	"billfold/billing"
)

// Voucher codes (one per code and currency) and who redeemed them.

// Voucher is a voucher code worth Amount; ExpiresAt nil never expires.
type Voucher struct {
	Code      string
	Amount    billing.Money
	ExpiresAt *time.Time
}

// InsertVoucher adds a voucher code.
func (t *Tx) InsertVoucher(v Voucher) error {
	return t.write("insert voucher", `INSERT INTO vouchers (code, currency, amount, expires_at) VALUES (?, ?, ?, ?)`, v.Code, string(v.Amount.Currency), v.Amount.Amount, nullMicro(v.ExpiresAt))
}

// Voucher reads the voucher code in currency c; ErrNotFound if none.
func (t *Tx) Voucher(code string, c billing.Currency) (Voucher, error) {
	v := Voucher{Code: code}
	var amount int64
	var expires sql.NullInt64
	err := t.QueryRow(`SELECT amount, expires_at FROM vouchers WHERE code = ? AND currency = ?`, code, string(c)).Scan(&amount, &expires)
	v.Amount, v.ExpiresAt = billing.New(amount, c), fromNullMicro(expires)
	return v, one(err, "voucher")
}

// Redeemed reports whether the customer has redeemed code.
func (t *Tx) Redeemed(code, customerID string) (bool, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM voucher_redemptions WHERE code = ? AND customer_id = ?`, code, customerID).Scan(&n)
	return n > 0, one(err, "voucher redemptions")
}

// InsertRedemption records that the customer redeemed code with ledger
// entry entryID.
func (t *Tx) InsertRedemption(code, customerID, entryID string, at time.Time) error {
	return t.write("record redemption", `INSERT INTO voucher_redemptions (code, customer_id, entry_id, created_at) VALUES (?, ?, ?, ?)`, code, customerID, entryID, micro(at))
}
