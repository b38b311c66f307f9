package invoicepdf

import (
	"fmt"
	"strings"
	"time"

	"billfold/billing"
)

// labels are the fixed strings of one language.
type labels struct {
	ja bool

	title, titleFor                              string // document title ("請求書"), PDF title prefix
	serviceKind, depositKind                     string // sub-title by invoice kind
	continued                                    string
	number, issued, due, paid, cancelled         string
	method                                       string
	billTo, from, honorific, companyHonorific    string
	regNo                                        string
	totalBanner, totalBannerNoTax, balanceBanner string
	colNo, colDesc, colQty, colUnit              string
	colRate, colAmount                           string
	reducedMark, reducedLegend                   string
	untaxedLegend                                string
	breakdown, bdRate, bdBase, bdTax             string
	subtotal, tax, total, credit                 string
	amountPaid, balanceDue                       string
	bankTitle, bankName, bankBranch              string
	bankType, bankAccount, bankHolder            string
	bankAmount, bankReference                    string
	thanks, cancelledNote, overdue               string
	stampPaid, stampUnpaid, stampCancel          string
	stampDraft, stampRefunded                    string
	subjectFmt                                   string
	gateways                                     map[string]string
}

var jaLabels = labels{
	ja:    true,
	title: "請求書", titleFor: "請求書",
	serviceKind: "適格請求書", depositKind: "アカウントクレジットのチャージ（前受金・消費税の課税対象外）",
	continued: "（続き）",
	number:    "請求書番号", issued: "発行日", due: "お支払期限", paid: "お支払日", cancelled: "取消日",
	method: "お支払方法",
	billTo: "ご請求先", from: "", honorific: " 様", companyHonorific: " 御中",
	regNo:       "登録番号",
	totalBanner: "ご請求金額（税込）", totalBannerNoTax: "ご請求金額", balanceBanner: "お支払残高",
	colNo: "No.", colDesc: "品目・内容", colQty: "数量", colUnit: "単価（税抜）", colRate: "税率", colAmount: "金額（税抜）",
	reducedMark: "※", reducedLegend: "※は軽減税率対象",
	untaxedLegend: "税率「—」の行は消費税の課税対象外です。",
	breakdown:     "税率別内訳", bdRate: "税率", bdBase: "対象金額（税抜）", bdTax: "消費税額",
	subtotal: "小計（税抜）", tax: "消費税", total: "合計（税込）", credit: "クレジット充当", amountPaid: "お支払済額", balanceDue: "お支払残高",
	bankTitle: "お振込先", bankName: "銀行名", bankBranch: "支店名", bankType: "口座種別", bankAccount: "口座番号",
	bankHolder: "口座名義", bankAmount: "お振込金額", bankReference: "振込参照番号",
	thanks:        "お支払いありがとうございました。",
	cancelledNote: "この請求書は取り消されました。お支払いの必要はありません。",
	overdue:       "お支払期限を過ぎています",
	stampPaid:     "支払済", stampUnpaid: "未払い", stampCancel: "取消", stampDraft: "下書き", stampRefunded: "返金済",
	subjectFmt: "%s ご請求金額 %s",
	gateways:   map[string]string{"bank_transfer": "銀行振込", "card": "クレジットカード", "paypal": "PayPal"},
}

var enLabels = labels{
	title: "INVOICE", titleFor: "Invoice",
	serviceKind: "Tax invoice (Japan qualified invoice)", depositKind: "Account credit deposit (prepayment, not subject to consumption tax)",
	continued: " (continued)",
	number:    "Invoice no.", issued: "Issue date", due: "Due date", paid: "Paid on", cancelled: "Cancelled on",
	method: "Payment method",
	billTo: "Bill to", from: "From", honorific: "", companyHonorific: "",
	regNo:       "Registration no.",
	totalBanner: "Invoice total (incl. tax)", totalBannerNoTax: "Invoice total", balanceBanner: "Balance due",
	colNo: "No.", colDesc: "Description", colQty: "Qty", colUnit: "Unit price", colRate: "Tax", colAmount: "Amount",
	reducedMark: "※", reducedLegend: "※ Reduced tax rate item",
	untaxedLegend: "Lines with tax \"—\" are not subject to consumption tax.",
	breakdown:     "Tax by rate", bdRate: "Rate", bdBase: "Taxable amount", bdTax: "Tax",
	subtotal: "Subtotal", tax: "Tax", total: "Total", credit: "Credit applied", amountPaid: "Amount paid", balanceDue: "Balance due",
	bankTitle: "Bank transfer details", bankName: "Bank", bankBranch: "Branch", bankType: "Account type", bankAccount: "Account no.",
	bankHolder: "Account holder", bankAmount: "Amount", bankReference: "Reference",
	thanks:        "Thank you for your payment.",
	cancelledNote: "This invoice has been cancelled. No payment is due.",
	overdue:       "Payment overdue",
	stampPaid:     "PAID", stampUnpaid: "UNPAID", stampCancel: "CANCELLED", stampDraft: "DRAFT", stampRefunded: "REFUNDED",
	subjectFmt: "%s — invoice total %s",
	gateways:   map[string]string{"bank_transfer": "Bank transfer", "card": "Credit card", "paypal": "PayPal"},
}

func labelsFor(lang string) *labels {
	if isJapanese(lang) {
		return &jaLabels
	}
	return &enLabels
}

// isJapanese reports whether an invoice's Language asks for Japanese
// ("ja", "ja-JP", "ja_JP"); everything else is English.
func isJapanese(lang string) bool {
	lang = strings.ToLower(strings.TrimSpace(lang))
	return lang == "ja" || strings.HasPrefix(lang, "ja-") || strings.HasPrefix(lang, "ja_")
}

// jst is Japan Standard Time. Japan has had no daylight saving time since
// 1951, so a fixed zone is exact and needs no tzdata on the desktop.
var jst = time.FixedZone("JST", 9*60*60)

// zone is where an invoice's calendar dates are taken: Asia/Tokyo for
// Japanese invoices, UTC otherwise.
func (l *labels) zone() *time.Location {
	if l.ja {
		return jst
	}
	return time.UTC
}

var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// date prints a calendar date: "2026年11月25日" (Asia/Tokyo) or
// "25 Nov 2026" (UTC).
func (l *labels) date(t time.Time) string {
	t = t.In(l.zone())
	if l.ja {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

func (l *labels) gateway(id string) string {
	if s, ok := l.gateways[id]; ok {
		return s
	}
	return id
}

// stamp is the status word and its colour.
func (l *labels) stamp(s billing.InvoiceStatus) (string, rgb) {
	switch s {
	case billing.InvoicePaid:
		return l.stampPaid, rgb{0x1e, 0x7b, 0x45}
	case billing.InvoiceUnpaid:
		return l.stampUnpaid, rgb{0xc0, 0x2b, 0x2b}
	case billing.InvoiceCancelled:
		return l.stampCancel, rgb{0x6b, 0x72, 0x80}
	case billing.InvoiceRefunded:
		return l.stampRefunded, rgb{0x6b, 0x72, 0x80}
	case billing.InvoiceDraft:
		return l.stampDraft, rgb{0x6b, 0x72, 0x80}
	}
	return strings.ToUpper(string(s)), rgb{0x6b, 0x72, 0x80}
}

// rateText is a tax rate column cell: "10%", "8%※", or "—" for untaxed.
func (l *labels) rateText(r billing.TaxRate) string {
	switch {
	case r <= 0:
		return "—"
	case r == reducedRate:
		return fmt.Sprintf("%d%%%s", r, l.reducedMark)
	}
	return fmt.Sprintf("%d%%", r)
}

// rateRow labels a row of the tax breakdown: "10%対象", "8%対象",
// "10%", "8% (reduced)".
func (l *labels) rateRow(r billing.TaxRate) string {
	switch {
	case l.ja:
		return fmt.Sprintf("%d%%対象", r)
	case r == reducedRate:
		return fmt.Sprintf("%d%% (reduced)", r)
	}
	return fmt.Sprintf("%d%%", r)
}

// reducedRate is Japan's reduced consumption-tax rate (軽減税率), marked ※.
const reducedRate billing.TaxRate = 8

// quantity prints an integer with thousands separators.
func quantity(n int64) string {
	return billing.FormatNumber(billing.New(n, billing.JPY))
}
