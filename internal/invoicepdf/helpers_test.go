package invoicepdf

import (
	"fmt"
	"time"

	"billfold/api"
	"billfold/billing"
)

// Invoices for tests are built by hand, the way the server builds them:
// line amounts are quantity × unit price and the totals come from
// billing.TaxBreakdown.

type lineSpec struct {
	desc string
	qty  int64
	unit int64 // minor units
	rate billing.TaxRate
}

var (
	issued = time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC) // 10:30 in Tokyo
	due    = time.Date(2026, 12, 9, 14, 59, 0, 0, time.UTC)
)

func seller() api.Seller {
	return api.Seller{
		Name:               "Billfold Hosting 株式会社",
		Address:            "〒100-0005 東京都千代田区丸の内1-1-1",
		RegistrationNumber: "T1234567890123",
		Email:              "billing@example.jp",
	}
}

func makeInvoice(lang string, c billing.Currency, status billing.InvoiceStatus, specs []lineSpec) api.Invoice {
	inv := api.Invoice{
		ID: "inv_01HZXTESTINVOICE", Number: "INV-2026-000123", CustomerID: "cus_01", Kind: billing.KindService,
		Status: status, Currency: c, IssuedAt: issued, DueAt: due, Seller: seller(), Language: lang,
		Payments: []api.Payment{},
	}
	if lang == "ja" {
		inv.Buyer = api.Party{Name: "山田 太郎", Company: "株式会社やまだ商店", Address: "〒150-0002 東京都渋谷区渋谷2-21-1", Email: "taro@yamada.example.jp"}
	} else {
		inv.Buyer = api.Party{Name: "Jane Smith", Company: "Smith Consulting LLC", Address: "350 Fifth Avenue, New York, NY 10118, USA", Email: "jane@smith.example.com"}
	}
	var bl []billing.Line
	for _, s := range specs {
		l := api.InvoiceLine{Description: s.desc, Quantity: s.qty, UnitPrice: billing.New(s.unit, c),
			Amount: billing.New(s.qty*s.unit, c), TaxRate: s.rate}
		inv.Lines = append(inv.Lines, l)
		bl = append(bl, billing.Line{Amount: l.Amount.Amount, Rate: l.TaxRate})
	}
	t := billing.TaxBreakdown(bl, c)
	inv.TaxByRate, inv.Subtotal, inv.Tax, inv.Total = t.ByRate, t.Subtotal, t.Tax, t.Total
	inv.CreditApplied, inv.AmountPaid, inv.BalanceDue = billing.Zero(c), billing.Zero(c), t.Total
	switch status {
	case billing.InvoicePaid:
		paid := issued.AddDate(0, 0, 2)
		inv.PaidAt = &paid
		inv.AmountPaid, inv.BalanceDue = t.Total, billing.Zero(c)
		inv.Gateway = "card"
	case billing.InvoiceCancelled:
		at := issued.AddDate(0, 0, 1)
		inv.CancelledAt = &at
		inv.BalanceDue = billing.Zero(c)
	}
	return inv
}

func jaLines() []lineSpec {
	return []lineSpec{
		{"VPS スタンダードプラン（2 vCPU / 4 GB）2026年11月分", 1, 3_300, 10},
		{"ドメイン更新 example.jp（1年）", 1, 3_080, 10},
		{"自動バックアップ オプション", 2, 550, 10},
		{"オフィス用コーヒー定期便（軽減税率対象）", 3, 1_200, 8},
		{"SSL証明書 ワイルドカード *.example.jp 発行手数料・ドメイン認証代行・サーバーへのインストール作業を含む年間契約", 1, 27_500, 10},
	}
}

func enLines(c billing.Currency) []lineSpec {
	k := int64(1)
	if c == billing.JPY {
		k = 150
	} else {
		k = 1 // cents below
	}
	return []lineSpec{
		{"VPS Standard (2 vCPU / 4 GB), November 2026", 1, 22_00 * k, 10},
		{"Domain renewal example.com (1 year)", 1, 14_99 * k, 10},
		{"Automatic backups", 2, 3_50 * k, 10},
		{"Office coffee subscription (reduced rate)", 3, 12_50 * k, 8},
		{"Managed TLS certificate, wildcard *.example.com, including domain validation, installation on all servers and renewal reminders", 1, 189_00 * k, 10},
	}
}

// sampleJA is an unpaid Japanese bank-transfer invoice.
func sampleJA() (api.Invoice, Options) {
	inv := makeInvoice("ja", billing.JPY, billing.InvoiceUnpaid, jaLines())
	inv.Gateway = bankTransfer
	inv.CreditApplied = billing.New(1_000, billing.JPY)
	inv.BalanceDue = billing.New(inv.Total.Amount-1_000, billing.JPY)
	return inv, Options{Bank: &api.BankInstructions{
		BankName: "みずなみ銀行 (Mizunami Bank)", BranchName: "丸の内支店 (Marunouchi, 001)",
		AccountType: "普通 (Ordinary)", AccountNumber: "1234567", AccountHolder: "カ）ビルフォールドホスティング",
		Amount: inv.BalanceDue, Reference: "BF-7Q2K-93XD",
		Note: "Write the reference in the transfer's remitter name or memo field so we can match your payment. 振込名義の前に参照番号を入力してください。",
	}}
}

// sampleEN is a paid English USD invoice.
func sampleEN() (api.Invoice, Options) {
	inv := makeInvoice("en", billing.USD, billing.InvoicePaid, enLines(billing.USD))
	return inv, Options{}
}

// longInvoice has n lines, every seventh with a long description.
func longInvoice(lang string, n int) api.Invoice {
	specs := make([]lineSpec, n)
	for i := range specs {
		desc := fmt.Sprintf("サーバー監視オプション #%03d", i+1)
		if lang != "ja" {
			desc = fmt.Sprintf("Server monitoring add-on #%03d", i+1)
		}
		if i%7 == 3 {
			desc += " — 監視対象ホストの追加、アラート通知先の設定、月次レポートの作成を含みます。"
		}
		rate := billing.TaxRate(10)
		if i%5 == 4 {
			rate = 8
		}
		specs[i] = lineSpec{desc, int64(i%3 + 1), int64(100 * (i%9 + 1)), rate}
	}
	return makeInvoice(lang, billing.JPY, billing.InvoiceUnpaid, specs)
}
