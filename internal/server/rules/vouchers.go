package rules

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
	"billfold/internal/server/words"
)

// RedeemInput is a request to redeem a voucher code.
type RedeemInput api.RedeemRequest

// Clean upper-cases and trims the code, which must be 1 to 64 characters.
func (in RedeemInput) Clean() (RedeemInput, error) {
	in.Code = voucherCode(in.Code)
	if in.Code == "" || utf8.RuneCountInString(in.Code) > 64 {
		return in, problem.InvalidField("code", "invalid", "must be a voucher code")
	}
	return in, nil
}

// Redeem books a voucher's value as the customer's credit, once per
// customer, in a transaction that holds the account's lock. The entry
// answered is described in l.
func (s *Service) Redeem(tx *store.Tx, customerID string, in RedeemInput, l words.Lang) (api.LedgerResult, error) {
	in, err := in.Clean()
	if err != nil {
		return api.LedgerResult{}, err
	}
	u, balance, err := s.customer(tx, customerID)
	if err != nil {
		return api.LedgerResult{}, err
	}
	v, err := tx.Voucher(in.Code, u.Currency)
	if errors.Is(err, store.ErrNotFound) {
		return api.LedgerResult{}, voucherProblem(api.CodeVoucherInvalid, "This voucher code is not valid for your account.")
	}
	if err != nil {
		return api.LedgerResult{}, err
	}
	now := s.now()
	if v.ExpiresAt != nil && v.ExpiresAt.UnixMicro() <= now.UnixMicro() {
		return api.LedgerResult{}, voucherProblem(api.CodeVoucherExpired, "This voucher has expired.")
	}
	redeemed, err := tx.Redeemed(in.Code, u.ID)
	if err != nil {
		return api.LedgerResult{}, err
	}
	if redeemed {
		return api.LedgerResult{}, voucherProblem(api.CodeVoucherRedeemed, "You have already redeemed this voucher.")
	}
	if limit, _, ok := s.underCap(balance, v.Amount); !ok {
		return api.LedgerResult{}, voucherProblem(api.CodeBalanceLimit, "Redeeming this voucher would take your credit over %s.", billing.Format(limit))
	}
	phrase := words.M(phraseVoucher, in.Code)
	entry, err := s.Book(tx, u.ID, Entry{Kind: billing.LedgerVoucher, Amount: v.Amount.Amount,
		Phrase: phrase, Reference: in.Code, Actor: u.Email})
	if err != nil {
		return api.LedgerResult{}, err
	}
	if err := tx.InsertRedemption(in.Code, u.ID, entry.ID, now); err != nil {
		return api.LedgerResult{}, err
	}
	return api.LedgerResult{Entry: entryIn(entry, phrase, l), Balance: entry.BalanceAfter}, nil
}

// voucherProblem is a refusal of the voucher code.
func voucherProblem(code string, detail words.Text, args ...any) error {
	return problem.OnField(code, "code", detail, args...)
}

// CreateVoucher adds a voucher code worth amount in its currency; a zero
// expiry never expires. A code may exist once per currency.
func (s *Service) CreateVoucher(ctx context.Context, code string, amount billing.Money, expires time.Time) error {
	v := store.Voucher{Code: voucherCode(code), Amount: amount}
	if !expires.IsZero() {
		v.ExpiresAt = &expires
	}
	return s.db.WriteTx(ctx, "", func(tx *store.Tx) error { return tx.InsertVoucher(v) })
}

// voucherCode is a code as vouchers are kept and looked up: NFKC (a code
// typed with a Japanese input method comes full-width, "ＷＥＬＣＯＭＥ１０００",
// and was not valid), without surrounding spaces, upper case.
func voucherCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(norm.NFKC.String(code)))
}
