package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/billing"
)

// invoiceDetails shows what an invoice says: number, status and dates, the
// seller and the buyer, the lines, the totals per tax rate and the payment
// attempts. It is the invoice screen's left-hand side and the invoice staff
// open from a customer's account. Its widgets are built once; set shows
// another invoice, or a fresher copy of the same one.
type invoiceDetails struct {
	inv      api.Invoice
	gateways func() []api.Gateway // the account's, to name the attempts' gateways

	header        *invoiceHeader
	docLanguage   *wrapLabel // the invoice's own language, when not the UI's
	seller, buyer *wrapLabel
	lines         *fyne.Container // a grid: the titles, then a row of cells per line
	totals        *widget.Form
	totalValues   []*widget.Label // the totals' value labels, row by row
	taxNote       *wrapLabel
	paymentsTitle *widget.Label
	payments      *fyne.Container

	// top is the header and the document's language, body the rest: the
	// invoice screen puts top above body and its actions side by side.
	top, body fyne.CanvasObject
}

func newInvoiceDetails(gateways func() []api.Gateway) *invoiceDetails {
	d := &invoiceDetails{gateways: gateways}
	d.build()
	return d
}

func (d *invoiceDetails) build() {
	d.header = newInvoiceHeader()
	d.seller, d.buyer = newWrapped(""), newWrapped("")
	parties := newColumns(200, widget.NewCard("", lang.L("From"), d.seller), widget.NewCard("", lang.L("Bill to"), d.buyer))
	d.totals = widget.NewForm()
	d.taxNote = newWrapped("")
	d.taxNote.Importance = widget.LowImportance
	d.paymentsTitle = widget.NewLabelWithStyle(lang.L("Payment attempts"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.payments = container.NewVBox()
	d.docLanguage = newWrapped("")
	d.top = container.NewVBox(d.header.root, d.docLanguage)
	d.body = container.NewVBox(parties, d.buildLines(), widget.NewSeparator(),
		container.NewVBox(container.NewHBox(spacer(), d.totals), d.taxNote),
		container.NewVBox(d.paymentsTitle, d.payments))
}

// set shows inv.
func (d *invoiceDetails) set(inv api.Invoice) {
	d.inv = inv
	d.header.set(inv)
	d.updateDocLanguage()
	d.seller.SetText(inv.Seller.Name + "\n" + inv.Seller.Address + "\n" +
		lang.L("Registration number {{.Number}}", map[string]any{"Number": inv.Seller.RegistrationNumber}))
	buyer := inv.Buyer.Name
	if inv.Buyer.Company != "" {
		buyer = inv.Buyer.Company + "\n" + buyer
	}
	d.buyer.SetText(buyer + "\n" + inv.Buyer.Address)
	d.updateLines()
	d.updateTotals()
	d.updatePayments()
}

// updateDocLanguage says which language the invoice document is in when
// it is not the UI's: its PDF and its lines stay in the account's invoice
// language, whatever language the app shows.
func (d *invoiceDetails) updateDocLanguage() {
	doc := d.inv.Language
	if doc == "" || sameLanguage(doc, Language()) {
		d.docLanguage.Hide()
		return
	}
	d.docLanguage.SetText(lang.L("Invoice language: {{.Language}}. The PDF and the line items are in this language.",
		map[string]any{"Language": languageName(doc)}))
	d.docLanguage.Show()
}

// invoiceHeader is the invoice's number, status and dates.
type invoiceHeader struct {
	title, badge *widget.Label
	dates        *wrapLabel
	root         fyne.CanvasObject
}

func newInvoiceHeader() *invoiceHeader {
	h := &invoiceHeader{
		title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		badge: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		dates: newWrapped(""),
	}
	h.title.SizeName = theme.SizeNameSubHeadingText
	h.root = container.NewVBox(container.NewHBox(h.title, h.badge), h.dates)
	return h
}

func (h *invoiceHeader) set(inv api.Invoice) {
	h.title.SetText(lang.L("Invoice {{.Number}}", map[string]any{"Number": inv.Number}))
	text, importance := statusBadge(inv.Status, inv.Overdue)
	h.badge.Importance = importance
	h.badge.SetText(text)
	dates := []string{
		lang.L("Issued {{.Date}}", map[string]any{"Date": fmtInvoiceDate(inv.IssuedAt, inv.Language)}),
		lang.L("Due {{.Date}}", map[string]any{"Date": fmtInvoiceDate(inv.DueAt, inv.Language)}),
	}
	if inv.PaidAt != nil {
		dates = append(dates, lang.L("Paid {{.Date}}", map[string]any{"Date": fmtInvoiceDate(*inv.PaidAt, inv.Language)}))
	}
	h.dates.SetText(strings.Join(dates, "  ·  "))
}

// lineColumns is how many columns the lines have: item, quantity, unit
// price, tax rate, amount.
const lineColumns = 5

// buildLines is the lines' grid with its titles; updateLines adds a row of
// cells per line. The item column takes the width left and wraps, so a
// long description never widens the screen.
func (d *invoiceDetails) buildLines() fyne.CanvasObject {
	d.lines = container.New(&gridLayout{cols: lineColumns, flex: 0, stackBelow: 10 * theme.TextSize()})
	for c, title := range []string{lang.L("Item"), lang.L("Qty"), lang.L("Unit price"), lang.L("Tax"), lang.L("Amount")} {
		l := widget.NewLabelWithStyle(title, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		if c == 0 {
			l.Alignment = fyne.TextAlignLeading
		}
		d.lines.Add(l)
	}
	return d.lines
}

func (d *invoiceDetails) updateLines() {
	lines := d.inv.Lines
	for len(d.lines.Objects) < (len(lines)+1)*lineColumns {
		d.lines.Add(newWrapped(""))
		for range lineColumns - 1 {
			d.lines.Add(widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}))
		}
	}
	for row := 1; row*lineColumns < len(d.lines.Objects); row++ {
		cells := d.lines.Objects[row*lineColumns : (row+1)*lineColumns]
		if row > len(lines) {
			for _, c := range cells {
				c.Hide()
			}
			continue
		}
		ln := lines[row-1]
		for c, text := range []string{ln.Description, fmt.Sprint(ln.Quantity), billing.Format(ln.UnitPrice), taxRateText(ln.TaxRate), billing.Format(ln.Amount)} {
			cells[c].(textLabel).SetText(text)
			cells[c].Show()
		}
	}
	d.lines.Refresh()
}

func (d *invoiceDetails) updateTotals() {
	inv := d.inv
	type row struct {
		name string
		m    billing.Money
		bold bool
	}
	var rows []row
	for _, r := range inv.TaxByRate {
		rows = append(rows,
			row{lang.L("{{.Rate}}% subtotal", map[string]any{"Rate": int(r.Rate)}), r.Base, false},
			row{lang.L("{{.Rate}}% consumption tax", map[string]any{"Rate": int(r.Rate)}), r.Tax, false})
	}
	rows = append(rows, row{lang.L("Subtotal"), inv.Subtotal, false}, row{lang.L("Tax"), inv.Tax, false}, row{lang.L("Total"), inv.Total, true})
	if inv.CreditApplied.Amount != 0 {
		rows = append(rows, row{lang.L("Credit applied"), inv.CreditApplied.Neg(), false})
	}
	if inv.AmountPaid.Amount != 0 {
		rows = append(rows, row{lang.L("Paid"), inv.AmountPaid.Neg(), false})
	}
	if inv.Status != billing.InvoiceCancelled { // nothing is due on a cancelled invoice
		rows = append(rows, row{lang.L("Balance due"), inv.BalanceDue, true})
	}
	// Row i always shows value label i: the form keeps the rows it built
	// and builds only those it never had.
	items := make([]*widget.FormItem, len(rows))
	for i, r := range rows {
		if i == len(d.totalValues) {
			d.totalValues = append(d.totalValues, widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}))
		}
		l := d.totalValues[i]
		l.TextStyle.Bold = r.bold
		l.SetText(billing.Format(r.m))
		items[i] = widget.NewFormItem(r.name, l)
	}
	d.totals.Items = items
	d.totals.Refresh()

	note := ""
	if slices.ContainsFunc(inv.TaxByRate, func(r billing.RateTotal) bool { return r.Rate == 8 }) {
		note = lang.L("※ reduced tax rate")
	}
	if inv.Kind == billing.KindAddFunds {
		note = lang.L("Deposits of account credit are not taxable.")
	}
	if inv.Status == billing.InvoiceCancelled {
		note = strings.TrimSpace(lang.L("This invoice was cancelled: nothing is due.") + "\n" + note)
	}
	d.taxNote.SetText(note)
}

func (d *invoiceDetails) updatePayments() {
	ps := d.inv.Payments
	setVisible(d.paymentsTitle, len(ps) > 0)
	for len(d.payments.Objects) < len(ps) {
		d.payments.Add(newWrapped(""))
	}
	for i, o := range d.payments.Objects {
		l := o.(*wrapLabel)
		if i >= len(ps) {
			l.Hide()
			continue
		}
		p := ps[len(ps)-1-i] // newest first
		text := fmt.Sprintf("%s  ·  %s  ·  %s  ·  %s", fmtDateTime(p.CreatedAt), d.gatewayName(p.Gateway),
			billing.Format(p.Amount), paymentStateText(p.State))
		if p.FailureReason != "" {
			text += " (" + p.FailureReason + ")"
		}
		if p.RefundDue != nil {
			text += "  ·  " + lang.L("{{.Amount}} not credited: to be refunded", map[string]any{"Amount": billing.Format(*p.RefundDue)})
		}
		l.SetText(text)
		l.Show()
	}
}

func taxRateText(r billing.TaxRate) string {
	switch {
	case r == 0:
		return lang.L("not taxable") // as the deposit line says; the PDF prints "—" with a legend
	case r == 8:
		return "8%※"
	}
	return fmt.Sprintf("%d%%", r)
}

// refundDueText says that a payment for an invoice of kind brought money
// no invoice needed and the account could not take, which is therefore
// owed back, not credit: a deposit part of which would have passed the
// balance cap, or money the invoice no longer needed.
func refundDueText(p api.Payment, kind billing.InvoiceKind) string {
	switch {
	case p.RefundDue == nil:
		return ""
	case *p.RefundDue == p.Amount:
		return lang.L("The invoice no longer needed it, so it was not added to your credit: it will be refunded to you.")
	case kind == billing.KindAddFunds:
		return lang.L("{{.Amount}} of it would have taken your credit past its limit, so it was not added: it will be refunded to you.",
			map[string]any{"Amount": billing.Format(*p.RefundDue)})
	}
	return lang.L("{{.Amount}} of it was more than the invoice needed and your credit can take: it will be refunded to you.",
		map[string]any{"Amount": billing.Format(*p.RefundDue)})
}

func paymentStateText(s billing.PaymentState) string {
	switch s {
	case billing.PaymentCreated, billing.PaymentAwaitingAction:
		return lang.L("Waiting for you")
	case billing.PaymentProcessing:
		return lang.L("Processing")
	case billing.PaymentSucceeded:
		return lang.L("Succeeded")
	case billing.PaymentFailed:
		return lang.L("Failed")
	}
	return lang.L("Expired")
}

// gatewayName is a gateway's name in the server's words, its id when the
// gateway is not known (any more).
func (d *invoiceDetails) gatewayName(id string) string {
	for _, g := range d.gateways() {
		if g.ID == id {
			return g.Name
		}
	}
	return id
}
