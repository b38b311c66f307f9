package server

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/store"
)

func (s *Server) handleRedeem(w http.ResponseWriter, r *http.Request, p *principal) {
	body, err := s.readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req api.RedeemRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	code := strings.ToUpper(strings.TrimSpace(req.Code))
	if code == "" || len(code) > 64 {
		s.fail(w, r, fieldProblem(http.StatusUnprocessableEntity, "code", "invalid", "must be a voucher code"))
		return
	}
	// Limit guessing: a customer gets a few tries, then must wait.
	if ok, wait := s.voucher.Allow(p.user.ID); !ok {
		e := problem(http.StatusTooManyRequests, api.CodeRateLimited, "Too many voucher attempts. Wait a moment and try again.")
		e.retryAfter = wait
		s.fail(w, r, e)
		return
	}
	s.mutation(w, r, p, p.user.ID, keyOptional, api.RedeemRequest{Code: code}, func(tx *store.Tx) (int, any, error) {
		u, balance, err := loadCustomer(tx, p.user.ID)
		if err != nil {
			return 0, nil, err
		}
		var amount int64
		var expires sql.NullInt64
		err = tx.QueryRow(`SELECT amount, expires_at FROM vouchers WHERE code = ? AND currency = ?`, code, string(u.Currency)).Scan(&amount, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil, voucherProblem(api.CodeVoucherInvalid, "This voucher code is not valid for your account.")
		}
		if err != nil {
			return 0, nil, fmt.Errorf("voucher: %w", err)
		}
		if expires.Valid && expires.Int64 <= micro(s.now()) {
			return 0, nil, voucherProblem(api.CodeVoucherExpired, "This voucher has expired.")
		}
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM voucher_redemptions WHERE code = ? AND customer_id = ?`, code, u.ID).Scan(&n); err != nil {
			return 0, nil, fmt.Errorf("voucher: %w", err)
		}
		if n > 0 {
			return 0, nil, voucherProblem(api.CodeVoucherRedeemed, "You have already redeemed this voucher.")
		}
		if limit, _, ok := s.underCap(balance, billing.New(amount, u.Currency)); !ok {
			return 0, nil, voucherProblem(api.CodeBalanceLimit, "Redeeming this voucher would take your credit over "+billing.Format(limit)+".")
		}
		entry, err := s.appendLedger(tx, u.ID, ledgerLine{kind: billing.LedgerVoucher, amount: amount,
			description: "Voucher " + code, reference: code, actor: u.Email})
		if err != nil {
			return 0, nil, err
		}
		if _, err := tx.Exec(`INSERT INTO voucher_redemptions (code, customer_id, entry_id, created_at) VALUES (?, ?, ?, ?)`,
			code, u.ID, entry.ID, micro(s.now())); err != nil {
			return 0, nil, fmt.Errorf("record redemption: %w", err)
		}
		return http.StatusOK, api.LedgerResult{Entry: entry, Balance: entry.BalanceAfter}, nil
	})
}

func voucherProblem(code, msg string) error { return ruleProblem(code, "code", msg) }
