package server

import (
	"context"
	"fmt"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/store"
)

// Demo accounts; all share DemoPassword.
const (
	DemoCustomerJA = "yamada@example.jp"
	DemoCustomerEN = "smith@example.com"
	DemoStaff      = "staff@example.com"
	DemoPassword   = "demo-password"
)

// SeedDemo fills an empty database with the demo provider: two customers
// with a year of service invoices (paid, unpaid, one overdue) and some
// ledger history, a staff member, and vouchers. It does nothing when the
// database already has users, so a demo survives restarts.
func (s *Server) SeedDemo(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n)
	}); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	yamada, err := s.CreateUser(ctx, NewUser{Email: DemoCustomerJA, Password: DemoPassword, Name: "山田 太郎", Role: billing.RoleCustomer,
		Locale: "ja", Currency: billing.JPY, Company: "株式会社やまだ商店", Address: "〒150-0002 東京都渋谷区渋谷2-21-1"})
	if err != nil {
		return false, err
	}
	smith, err := s.CreateUser(ctx, NewUser{Email: DemoCustomerEN, Password: DemoPassword, Name: "John Smith", Role: billing.RoleCustomer,
		Locale: "en", Currency: billing.USD, Company: "Smith Consulting LLC", Address: "350 Fifth Avenue, New York, NY 10118, USA"})
	if err != nil {
		return false, err
	}
	if _, err := s.CreateUser(ctx, NewUser{Email: DemoStaff, Password: DemoPassword, Name: "Aiko Staff", Role: billing.RoleStaff, Locale: "en"}); err != nil {
		return false, err
	}
	for _, c := range billing.Currencies {
		// 1,000 in the account's currency: ¥1,000, $1,000.00, €1,000.00.
		if err := s.CreateVoucher(ctx, "WELCOME1000", billing.New(1000*pow10(c.Decimals()), c), time.Time{}); err != nil {
			return false, err
		}
		if err := s.CreateVoucher(ctx, "SUMMER2025", billing.New(500*pow10(c.Decimals()), c), time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			return false, err
		}
	}
	now := s.now()
	err = s.db.WriteTx(ctx, "", func(tx *store.Tx) error {
		if err := s.seedHistory(tx, yamada, now, jaLines); err != nil {
			return err
		}
		return s.seedHistory(tx, smith, now, enLines)
	})
	return err == nil, err
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

func jaLines(month int) []api.InvoiceLine {
	l := []api.InvoiceLine{
		{Description: "VPS スタンダード 4GB（月額）", Quantity: 1, UnitPrice: billing.New(3300, billing.JPY), TaxRate: 10},
		{Description: "自動バックアップ オプション", Quantity: 1, UnitPrice: billing.New(550, billing.JPY), TaxRate: 10},
	}
	if month%3 == 0 {
		l = append(l, api.InvoiceLine{Description: "オフィス用飲料水 定期便（軽減税率対象）", Quantity: 2, UnitPrice: billing.New(1080, billing.JPY), TaxRate: 8})
	}
	if month == 6 {
		l = append(l, api.InvoiceLine{Description: "ドメイン更新 yamada-shoten.jp（1年）", Quantity: 1, UnitPrice: billing.New(3960, billing.JPY), TaxRate: 10})
	}
	return l
}

func enLines(month int) []api.InvoiceLine {
	l := []api.InvoiceLine{
		{Description: "VPS Standard 4 GB (monthly)", Quantity: 1, UnitPrice: billing.New(24_00, billing.USD), TaxRate: 10},
		{Description: "Daily backups", Quantity: 1, UnitPrice: billing.New(5_00, billing.USD), TaxRate: 10},
	}
	if month%3 == 0 {
		l = append(l, api.InvoiceLine{Description: "Office coffee subscription (reduced rate)", Quantity: 3, UnitPrice: billing.New(12_50, billing.USD), TaxRate: 8})
	}
	return l
}

// seedHistory writes a year of monthly service invoices: older ones paid
// by card, one paid from a bank-transfer deposit's credit, last month's
// unpaid and overdue, this month's unpaid.
func (s *Server) seedHistory(tx *store.Tx, customerID string, now time.Time, lines func(int) []api.InvoiceLine) error {
	u, _, err := loadCustomer(tx, customerID)
	if err != nil {
		return err
	}
	for m := 11; m >= 0; m-- {
		issued := now.AddDate(0, -m, -5)
		if m == 5 {
			if err := s.seedDeposit(tx, u, issued.AddDate(0, 0, -2)); err != nil {
				return err
			}
		}
		inv, err := s.createInvoice(tx, newInvoice{customer: u, kind: billing.KindService, status: billing.InvoiceUnpaid,
			issued: issued, due: issued.AddDate(0, 0, 14), lines: lines(m)})
		if err != nil {
			return err
		}
		switch {
		case m == 4:
			// Paid from account credit.
			if _, err := s.appendLedger(tx, u.ID, ledgerLine{kind: billing.LedgerCreditApplied, amount: -inv.Total.Amount,
				description: "Credit applied to " + inv.Number, reference: inv.Number, actor: u.Email, invoiceID: inv.ID, at: issued.AddDate(0, 0, 1)}); err != nil {
				return err
			}
			if _, err := tx.Exec(`UPDATE invoices SET credit_applied = total, status = 'paid', paid_at = ? WHERE id = ?`, micro(issued.AddDate(0, 0, 1)), inv.ID); err != nil {
				return err
			}
		case m >= 2:
			if err := s.seedPaid(tx, u, inv, "card", issued.AddDate(0, 0, 2)); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedDeposit is an add-funds invoice paid by bank transfer and confirmed.
func (s *Server) seedDeposit(tx *store.Tx, u api.User, at time.Time) error {
	amount := billing.New(30_000, billing.JPY)
	gw := "bank_transfer"
	if u.Currency != billing.JPY {
		amount, gw = billing.New(100_00, u.Currency), "card"
	}
	inv, err := s.createInvoice(tx, newInvoice{customer: u, kind: billing.KindAddFunds, status: billing.InvoiceUnpaid, issued: at,
		due: at.Add(AddFundsDueIn), gateway: gw, policyVersion: s.opts.Policy.Version,
		lines: []api.InvoiceLine{{Description: depositLine(u.Locale), Quantity: 1, UnitPrice: amount}}})
	if err != nil {
		return err
	}
	paid := at.AddDate(0, 0, 1)
	if err := s.seedPaid(tx, u, inv, gw, paid); err != nil {
		return err
	}
	_, err = s.appendLedger(tx, u.ID, ledgerLine{kind: billing.LedgerDeposit, amount: amount.Amount, description: "Deposit via " + gw + " for " + inv.Number,
		reference: inv.Number, actor: map[bool]string{true: DemoStaff, false: "gateway:card"}[gw == "bank_transfer"], invoiceID: inv.ID,
		paymentID: lastPayment(tx, inv.ID), at: paid})
	return err
}

func lastPayment(tx *store.Tx, invoiceID string) string {
	var id string
	_ = tx.QueryRow(`SELECT id FROM payments WHERE invoice_id = ? ORDER BY created_at DESC LIMIT 1`, invoiceID).Scan(&id)
	return id
}

func (s *Server) seedPaid(tx *store.Tx, u api.User, inv api.Invoice, gw string, at time.Time) error {
	var ref any
	if gw == "bank_transfer" {
		ref = fmt.Sprintf("BF-DEMO-%s", inv.Number[len(inv.Number)-4:])
	}
	if _, err := tx.Exec(`INSERT INTO payments (`+paymentColumns+`) VALUES (?, ?, ?, ?, 'succeeded', ?, ?, ?, NULL, 0, '', ?, ?, NULL)`,
		auth.NewID("pay_"), inv.ID, u.ID, gw, inv.Total.Amount, string(u.Currency), ref, micro(at), micro(at)); err != nil {
		return fmt.Errorf("seed payment: %w", err)
	}
	_, err := tx.Exec(`UPDATE invoices SET amount_paid = total, status = 'paid', paid_at = ? WHERE id = ?`, micro(at), inv.ID)
	return err
}

// SeedBulkInvoices gives the customer with the e-mail address n more paid
// monthly service invoices going back in time, in one transaction, for
// performance measurements with a large account.
func (s *Server) SeedBulkInvoices(ctx context.Context, email string, n int) error {
	var id string
	if err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT id FROM users WHERE email = ?`, email).Scan(&id)
	}); err != nil {
		return fmt.Errorf("bulk invoices for %s: %w", email, err)
	}
	return s.db.WriteTx(ctx, id, func(tx *store.Tx) error {
		u, _, err := loadCustomer(tx, id)
		if err != nil {
			return err
		}
		start := s.now().AddDate(-1, 0, 0)
		for i := range n {
			issued := start.Add(-time.Duration(i) * 6 * time.Hour)
			inv, err := s.createInvoice(tx, newInvoice{customer: u, kind: billing.KindService, status: billing.InvoiceUnpaid,
				issued: issued, due: issued.AddDate(0, 0, 14), lines: jaLines(i % 12)})
			if err != nil {
				return err
			}
			if err := s.seedPaid(tx, u, inv, "card", issued.AddDate(0, 0, 1)); err != nil {
				return err
			}
		}
		return nil
	})
}
