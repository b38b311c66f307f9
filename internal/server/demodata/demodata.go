// Package demodata fills an empty database with the demo provider: two
// customers with a year of history, a staff member, vouchers and a bank
// statement. It writes
// through the rules (accounts, invoices, the ledger) and, for history that
// no rule makes (payments settled in the past), through the store.
package demodata

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/bankstatement"
	"billfold/internal/server/auth"
	"billfold/internal/server/gateway"
	"billfold/internal/server/rules"
	"billfold/internal/server/store"
	"billfold/internal/server/words"
)

// Demo accounts; all share Password.
const (
	CustomerJA = "yamada@example.jp"
	CustomerEN = "smith@example.com"
	Staff      = "staff@example.com"
	Password   = "demo-password"
)

// Seed fills an empty database with the demo provider: two customers with
// a year of service invoices (paid, unpaid, one overdue) and some ledger
// history, a staff member, and vouchers. It does nothing when the database
// already has users, so a demo survives restarts, and reports whether it
// seeded.
func Seed(ctx context.Context, db *store.DB, rs *rules.Service, now time.Time) (bool, error) {
	var n int
	if err := db.ReadTx(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.CountUsers()
		return err
	}); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	// The three accounts share one password, published in the README: its
	// hash guards nothing, so it is hashed once at argon2id's smallest cost
	// instead of three times at the server's (19 MiB and tens of
	// milliseconds each). The desktop app's first window waits for the
	// seeding and for the demo sign-in, which checks at the hash's cost.
	hash, err := auth.NewHasher(auth.TestCost).Hash(Password)
	if err != nil {
		return false, err
	}
	yamada, err := rs.CreateUser(ctx, rules.NewUser{Email: CustomerJA, Password: Password, PasswordHash: hash, Name: "山田 太郎", Role: billing.RoleCustomer,
		Locale: "ja", Currency: billing.JPY, Company: "株式会社やまだ商店", Address: "〒150-0002 東京都渋谷区渋谷2-21-1"})
	if err != nil {
		return false, err
	}
	smith, err := rs.CreateUser(ctx, rules.NewUser{Email: CustomerEN, Password: Password, PasswordHash: hash, Name: "John Smith", Role: billing.RoleCustomer,
		Locale: "en", Currency: billing.USD, Company: "Smith Consulting LLC", Address: "350 Fifth Avenue, New York, NY 10118, USA"})
	if err != nil {
		return false, err
	}
	if _, err := rs.CreateUser(ctx, rules.NewUser{Email: Staff, Password: Password, PasswordHash: hash, Name: "Aiko Staff", Role: billing.RoleStaff, Locale: "en"}); err != nil {
		return false, err
	}
	for _, c := range billing.Currencies {
		// 1,000 in the account's currency: ¥1,000, $1,000.00, €1,000.00.
		if err := rs.CreateVoucher(ctx, "WELCOME1000", billing.New(1000*pow10(c.Decimals()), c), time.Time{}); err != nil {
			return false, err
		}
		if err := rs.CreateVoucher(ctx, "SUMMER2025", billing.New(500*pow10(c.Decimals()), c), time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			return false, err
		}
	}
	s := seeder{rs: rs}
	err = db.WriteTx(ctx, "", func(tx *store.Tx) error {
		if err := s.history(tx, yamada, now, jaLines); err != nil {
			return err
		}
		return s.history(tx, smith, now, enLines)
	})
	if err != nil {
		return false, err
	}
	return true, s.statement(ctx, db, yamada, now)
}

// statement opens a bank transfer for yamada and uploads the bank's
// statement of the week as staff would: its transfer matches yamada's
// (the reference written in half-width without hyphens, as customers
// do), and a transfer nobody announced waits in the queue. Nothing is
// seeded when the server offers no bank transfers.
func (s seeder) statement(ctx context.Context, db *store.DB, yamadaID string, now time.Time) error {
	if !slices.ContainsFunc(s.rs.Config(billing.JPY, "ja").Gateways, func(g api.Gateway) bool { return g.ID == gateway.BankTransferID }) {
		return nil
	}
	amount := billing.New(20_000, billing.JPY)
	var p api.Payment
	err := db.WriteTx(ctx, yamadaID, func(tx *store.Tx) error {
		inv, err := s.rs.AddFunds(tx, yamadaID, rules.AddFundsInput{Amount: amount, Gateway: gateway.BankTransferID,
			PolicyVersion: s.rs.Config(billing.JPY, "ja").CreditPolicy.Version})
		if err != nil {
			return fmt.Errorf("demo transfer: %w", err)
		}
		p, err = s.rs.Pay(tx, yamadaID, inv.ID, rules.PayInput{Gateway: gateway.BankTransferID}, nil)
		return err
	})
	if err != nil {
		return err
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	st := &bankstatement.Statement{Created: now, Accounts: []bankstatement.Account{{
		BankCode: "0005", BankName: "ﾐｽﾞﾅﾐ", BranchCode: "001", BranchName: "ﾏﾙﾉｳﾁ", Type: "1", Number: "1234567",
		Name: "ｶ)ﾋﾞﾙﾌｫｰﾙﾄﾞ", From: day.AddDate(0, 0, -6), To: day, Opening: billing.New(1_250_000, billing.JPY)}},
		Lines: []bankstatement.Line{
			{Date: day.AddDate(0, 0, -1), Direction: bankstatement.Deposit, Kind: "振込", InquiryNumber: "1001", Amount: amount,
				Remitter: strings.ReplaceAll(p.NextAction.Instructions.Reference, "-", "") + " ﾔﾏﾀﾞ ﾀﾛｳ"},
			{Date: day, Direction: bankstatement.Deposit, Kind: "振込", InquiryNumber: "1002", Amount: billing.New(5_500, billing.JPY),
				Remitter: "ｶ)ｻｸﾗﾃﾞﾝｷ"},
		}}
	for i := range st.Lines {
		st.Lines[i].ValueDate = st.Lines[i].Date
	}
	file, err := bankstatement.EncodeZengin(st, bankstatement.ZenginOptions{})
	if err != nil {
		return fmt.Errorf("demo statement: %w", err)
	}
	_, _, err = s.rs.UploadStatement(ctx, Staff, file)
	return err
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

type seeder struct{ rs *rules.Service }

// history writes a year of monthly service invoices: older ones paid by
// card, one paid from a bank-transfer deposit's credit, last month's
// unpaid and overdue, this month's unpaid.
func (s seeder) history(tx *store.Tx, customerID string, now time.Time, lines func(int) []api.InvoiceLine) error {
	u, err := s.rs.Customer(tx, customerID)
	if err != nil {
		return err
	}
	for m := 11; m >= 0; m-- {
		issued := now.AddDate(0, -m, -5)
		if m == 5 {
			if err := s.deposit(tx, u, issued.AddDate(0, 0, -2)); err != nil {
				return err
			}
		}
		inv, err := s.rs.Issue(tx, rules.NewInvoice{Customer: u, Kind: billing.KindService, Issued: issued, Due: issued.AddDate(0, 0, 14), Lines: lines(m)})
		if err != nil {
			return err
		}
		switch {
		case m == 4:
			// Paid from account credit.
			at := issued.AddDate(0, 0, 1)
			if _, err := s.rs.Book(tx, u.ID, rules.Entry{Kind: billing.LedgerCreditApplied, Amount: -inv.Total.Amount,
				Phrase: rules.CreditApplied(inv.Number), Reference: inv.Number, Actor: u.Email, InvoiceID: inv.ID, At: at}); err != nil {
				return err
			}
			if err := tx.AddCreditApplied(inv.ID, inv.Total.Amount, &at); err != nil {
				return err
			}
		case m >= 2:
			if err := paid(tx, u, inv, "card", issued.AddDate(0, 0, 2)); err != nil {
				return err
			}
		}
	}
	return nil
}

// deposit is an add-funds invoice paid by bank transfer and confirmed.
func (s seeder) deposit(tx *store.Tx, u api.User, at time.Time) error {
	amount := billing.New(30_000, billing.JPY)
	gw := "bank_transfer"
	if u.Currency != billing.JPY {
		amount, gw = billing.New(100_00, u.Currency), "card"
	}
	inv, err := s.rs.Issue(tx, rules.NewInvoice{Customer: u, Kind: billing.KindAddFunds, Issued: at, Due: at.Add(rules.AddFundsDueIn),
		Gateway: gw, PolicyVersion: s.rs.Config(u.Currency, words.English).CreditPolicy.Version,
		Lines: []api.InvoiceLine{{Description: rules.DepositLine(u.Locale), Quantity: 1, UnitPrice: amount}}})
	if err != nil {
		return err
	}
	when := at.AddDate(0, 0, 1)
	if err := paid(tx, u, inv, gw, when); err != nil {
		return err
	}
	payment, err := tx.LastPaymentID(inv.ID)
	if err != nil {
		return err
	}
	actor := "gateway:card"
	if gw == "bank_transfer" {
		actor = Staff
	}
	_, err = s.rs.Book(tx, u.ID, rules.Entry{Kind: billing.LedgerDeposit, Amount: amount.Amount, Phrase: s.rs.DepositVia(gw, inv.Number),
		Reference: inv.Number, Actor: actor, InvoiceID: inv.ID, PaymentID: payment, At: when})
	return err
}

// paid settles an invoice with a payment through gw at at.
func paid(tx *store.Tx, u api.User, inv api.Invoice, gw string, at time.Time) error {
	p := store.Payment{ID: auth.NewID("pay_"), InvoiceID: inv.ID, CustomerID: u.ID, Gateway: gw, State: billing.PaymentSucceeded,
		Amount: inv.Total, CreatedAt: at, UpdatedAt: at}
	if gw == "bank_transfer" {
		// From the date, not the invoice number, which on PostgreSQL is
		// known only once the seeding transaction commits.
		p.Reference = fmt.Sprintf("BF-DEMO-%02d%02d", at.Month(), at.Day())
	}
	if err := tx.InsertPayment(p); err != nil {
		return fmt.Errorf("seed payment: %w", err)
	}
	return tx.AddAmountPaid(inv.ID, inv.Total.Amount, &at)
}

// BulkInvoices gives the customer with the e-mail address email n more
// paid monthly service invoices going back in time from a year before
// now, in one transaction, for performance measurements with a large
// account.
func BulkInvoices(ctx context.Context, db *store.DB, rs *rules.Service, email string, n int, now time.Time) error {
	var u api.User
	if err := db.ReadTx(ctx, func(tx *store.Tx) (err error) {
		u, _, err = tx.UserByEmail(email)
		return err
	}); err != nil {
		return fmt.Errorf("bulk invoices for %s: %w", email, err)
	}
	return db.WriteTx(ctx, u.ID, func(tx *store.Tx) error {
		start := now.AddDate(-1, 0, 0)
		for i := range n {
			issued := start.Add(-time.Duration(i) * 6 * time.Hour)
			inv, err := rs.Issue(tx, rules.NewInvoice{Customer: u, Kind: billing.KindService, Issued: issued, Due: issued.AddDate(0, 0, 14), Lines: jaLines(i % 12)})
			if err != nil {
				return err
			}
			if err := paid(tx, u, inv, "card", issued.AddDate(0, 0, 1)); err != nil {
				return err
			}
		}
		return nil
	})
}
