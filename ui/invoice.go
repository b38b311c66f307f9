package ui

import (
	"context"
	"fmt"
	"image/color"
	"net/url"
	"os"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// invoiceView is the invoice screen: what is owed and why, and the ways to
// pay it (Pay Now!, Apply Credit), save it (Download PDF) or get help.
type invoiceView struct {
	app    *App
	inv    api.Invoice
	loaded bool // inv is the whole invoice, not a preview from the list
	back   func()
	root   *fyne.Container
	body   *fyne.Container
	gen    atomic.Uint64
	ctx    context.Context
	close  context.CancelFunc

	// Pay Now! state.
	gateway    *widget.Select
	gatewayIDs map[string]string
	payKey     apiclient.IdempotencyKey
	payKeyFor  string
	waiting    *api.Payment // a redirect payment the user is completing in the browser
	message    *widget.Label

	creditKey apiclient.IdempotencyKey
}

func newInvoiceView(a *App, inv api.Invoice, loaded bool, back func()) *invoiceView {
	ctx, cancel := context.WithCancel(a.ctx)
	v := &invoiceView{app: a, inv: inv, loaded: loaded, back: back, ctx: ctx, close: cancel, gatewayIDs: map[string]string{}}
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Hide()
	v.body = container.NewStack()
	backButton := widget.NewButtonWithIcon(lang.L("Back to invoices"), theme.NavigateBackIcon(), back)
	backButton.Importance = widget.LowImportance
	v.root = container.NewBorder(container.NewHBox(backButton), nil, nil, nil, v.body)
	v.render()
	v.reload()
	return v
}

func (v *invoiceView) object() fyne.CanvasObject { return v.root }

// reload fetches the invoice again (after an event or an action).
func (v *invoiceView) reload() {
	id := v.inv.ID
	run(v.ctx, &v.gen, func(ctx context.Context) (api.Invoice, error) {
		return v.app.deps.Backend.Invoice(ctx, id)
	}, func(inv api.Invoice, err error) {
		if v.ctx.Err() != nil {
			return // the screen was closed: nothing to show, nothing to report
		}
		if err != nil {
			v.say(describe(err), widget.DangerImportance)
			if !v.loaded {
				v.render()
			}
			v.app.deps.Hooks.updated("invoice-error")
			return
		}
		wasUnpaid := v.loaded && v.inv.Status == billing.InvoiceUnpaid
		if !v.loaded {
			v.message.Hide() // why an earlier fetch failed, no longer true
		}
		v.inv, v.loaded = inv, true
		if v.waiting != nil {
			for _, p := range inv.Payments {
				if p.ID == v.waiting.ID && p.State.Final() {
					v.waiting = nil
					if p.State == billing.PaymentSucceeded {
						v.say(lang.L("Payment received. Thank you!"), widget.SuccessImportance)
					} else {
						v.say(lang.L("The payment did not go through: {{.Reason}}. You can try again or choose another gateway.", map[string]any{"Reason": p.FailureReason}), widget.DangerImportance)
					}
				}
			}
		}
		if wasUnpaid && inv.Status == billing.InvoicePaid && v.waiting == nil && !v.message.Visible() {
			v.say(lang.L("This invoice is paid."), widget.SuccessImportance)
		}
		v.render()
		v.app.deps.Hooks.updated("invoice")
	})
}

func (v *invoiceView) say(text string, imp widget.Importance) {
	v.message.Importance = imp
	v.message.SetText(text)
	v.message.Show()
}

func (v *invoiceView) render() {
	inv := v.inv
	title := widget.NewLabelWithStyle(lang.L("Invoice {{.Number}}", map[string]any{"Number": inv.Number}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	text, importance := statusBadge(inv.Status, inv.Overdue)
	badge := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	badge.Importance = importance
	dates := []string{
		lang.L("Issued {{.Date}}", map[string]any{"Date": fmtDate(inv.IssuedAt)}),
		lang.L("Due {{.Date}}", map[string]any{"Date": fmtDate(inv.DueAt)}),
	}
	if inv.PaidAt != nil {
		dates = append(dates, lang.L("Paid {{.Date}}", map[string]any{"Date": fmtDate(*inv.PaidAt)}))
	}
	header := container.NewVBox(container.NewHBox(title, badge), widget.NewLabel(strings.Join(dates, "  ·  ")))
	if !v.loaded {
		v.body.Objects = []fyne.CanvasObject{container.NewPadded(container.NewVBox(header, v.previewStatus()))}
		v.body.Refresh()
		return
	}
	seller := widget.NewLabel(inv.Seller.Name + "\n" + inv.Seller.Address + "\n" +
		lang.L("Registration number {{.Number}}", map[string]any{"Number": inv.Seller.RegistrationNumber}))
	buyerText := inv.Buyer.Name
	if inv.Buyer.Company != "" {
		buyerText = inv.Buyer.Company + "\n" + buyerText
	}
	buyer := widget.NewLabel(buyerText + "\n" + inv.Buyer.Address)
	parties := container.NewGridWithColumns(2,
		widget.NewCard("", lang.L("From"), seller), widget.NewCard("", lang.L("Bill to"), buyer))

	details := container.NewVBox(
		header,
		parties,
		v.linesTable(),
		v.totals(),
		v.payments(),
	)
	actions := container.NewVBox(v.message, v.actions())
	split := container.NewHSplit(container.NewVScroll(container.NewPadded(details)), container.NewVScroll(container.NewPadded(actions)))
	split.Offset = 0.62
	v.body.Objects = []fyne.CanvasObject{split}
	v.body.Refresh()
}

// previewStatus stands in for the invoice's details until they arrive:
// "Loading…", or why they did not, with a way to try again.
func (v *invoiceView) previewStatus() fyne.CanvasObject {
	if !v.message.Visible() {
		return widget.NewLabel(lang.L("Loading…"))
	}
	return container.NewVBox(v.message, container.NewHBox(widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), func() {
		v.message.Hide()
		v.render()
		v.reload()
	})))
}

func (v *invoiceView) linesTable() fyne.CanvasObject {
	lines := v.inv.Lines
	titles := []string{lang.L("Item"), lang.L("Qty"), lang.L("Unit price"), lang.L("Tax"), lang.L("Amount")}
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(lines), len(titles) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			ln := lines[id.Row]
			l.Alignment = fyne.TextAlignTrailing
			l.Truncation = fyne.TextTruncateEllipsis
			switch id.Col {
			case 0:
				l.Text, l.Alignment = ln.Description, fyne.TextAlignLeading
			case 1:
				l.Text = fmt.Sprint(ln.Quantity)
			case 2:
				l.Text = billing.Format(ln.UnitPrice)
			case 3:
				l.Text = taxRateText(ln.TaxRate)
			case 4:
				l.Text = billing.Format(ln.Amount)
			}
			l.Refresh()
		})
	titledColumns(t, titles, []float32{250, 48, 100, 64, 104})
	// The table scrolls inside a fixed height; its width follows the pane.
	height := canvas.NewRectangle(color.Transparent)
	height.SetMinSize(fyne.NewSize(0, float32(min(len(lines), 8)+1)*38+8))
	return container.NewStack(height, t)
}

func taxRateText(r billing.TaxRate) string {
	switch {
	case r == 0:
		return lang.L("none")
	case r == 8:
		return "8%※"
	}
	return fmt.Sprintf("%d%%", r)
}

func (v *invoiceView) totals() fyne.CanvasObject {
	inv := v.inv
	f := widget.NewForm()
	for _, r := range inv.TaxByRate {
		f.Append(lang.L("{{.Rate}}% subtotal", map[string]any{"Rate": int(r.Rate)}), moneyLabel(r.Base, false))
		f.Append(lang.L("{{.Rate}}% consumption tax", map[string]any{"Rate": int(r.Rate)}), moneyLabel(r.Tax, false))
	}
	f.Append(lang.L("Subtotal"), moneyLabel(inv.Subtotal, false))
	f.Append(lang.L("Tax"), moneyLabel(inv.Tax, false))
	f.Append(lang.L("Total"), moneyLabel(inv.Total, true))
	if inv.CreditApplied.Amount != 0 {
		f.Append(lang.L("Credit applied"), moneyLabel(inv.CreditApplied.Neg(), false))
	}
	if inv.AmountPaid.Amount != 0 {
		f.Append(lang.L("Paid"), moneyLabel(inv.AmountPaid.Neg(), false))
	}
	f.Append(lang.L("Balance due"), moneyLabel(inv.BalanceDue, true))
	note := widget.NewLabel("")
	for _, r := range inv.TaxByRate {
		if r.Rate == 8 {
			note.SetText(lang.L("※ reduced tax rate"))
		}
	}
	if inv.Kind == billing.KindAddFunds {
		note.SetText(lang.L("Deposits of account credit are not taxable."))
	}
	note.Importance = widget.LowImportance
	return container.NewVBox(container.NewHBox(spacer(), f), note)
}

func moneyLabel(m billing.Money, bold bool) *widget.Label {
	l := widget.NewLabelWithStyle(billing.Format(m), fyne.TextAlignTrailing, fyne.TextStyle{Bold: bold})
	return l
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

func (v *invoiceView) payments() fyne.CanvasObject {
	if len(v.inv.Payments) == 0 {
		return container.NewVBox()
	}
	box := container.NewVBox(widget.NewLabelWithStyle(lang.L("Payment attempts"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for i := len(v.inv.Payments) - 1; i >= 0; i-- {
		p := v.inv.Payments[i]
		text := fmt.Sprintf("%s  ·  %s  ·  %s  ·  %s", p.CreatedAt.Local().Format("2006-01-02 15:04"), v.gatewayName(p.Gateway),
			billing.Format(p.Amount), paymentStateText(p.State))
		if p.FailureReason != "" {
			text += " (" + p.FailureReason + ")"
		}
		l := widget.NewLabel(text)
		l.Truncation = fyne.TextTruncateEllipsis
		box.Add(l)
	}
	return box
}

func (v *invoiceView) gatewayName(id string) string {
	for _, g := range v.app.configGateways() {
		if g.ID == id {
			return g.Name
		}
	}
	return id
}

func (v *invoiceView) actions() fyne.CanvasObject {
	inv := v.inv
	box := container.NewVBox()
	if inv.Status == billing.InvoiceUnpaid {
		box.Add(v.payCard())
		if p := v.openBankTransfer(); p != nil {
			box.Add(v.bankCard(*p))
		}
		if inv.Kind == billing.KindService {
			box.Add(v.creditCard())
		}
	}
	save := widget.NewButtonWithIcon(lang.L("Download PDF"), theme.DownloadIcon(), v.onDownload)
	if v.app.deps.RenderPDF == nil {
		save.Disable()
	}
	support := widget.NewButtonWithIcon(lang.L("Contact support"), theme.HelpIcon(), v.onSupport)
	box.Add(widget.NewCard("", "", container.NewVBox(save, support)))
	if inv.Kind == billing.KindAddFunds && inv.Status == billing.InvoiceUnpaid {
		cancel := widget.NewButtonWithIcon(lang.L("Cancel this invoice"), theme.CancelIcon(), v.onCancel)
		cancel.Importance = widget.DangerImportance
		box.Add(cancel)
	}
	if inv.Status == billing.InvoiceUnpaid {
		help := widget.NewLabel(lang.L("Paid, but still Unpaid here? Payments by card and PayPal arrive within a minute; bank transfers after we receive them (1–2 business days). If it stays unpaid, contact support."))
		help.Wrapping = fyne.TextWrapWord
		box.Add(help)
	}
	return box
}

func (v *invoiceView) payCard() fyne.CanvasObject {
	var names []string
	for _, g := range v.app.configGateways() {
		names = append(names, g.Name)
		v.gatewayIDs[g.Name] = g.ID
	}
	v.gateway = widget.NewSelect(names, nil)
	v.gateway.SetSelected(v.gatewayName(v.inv.Gateway))
	if v.gateway.Selected == "" && len(names) > 0 {
		v.gateway.SetSelected(names[0])
	}
	pay := widget.NewButtonWithIcon(lang.L("Pay Now!"), theme.ConfirmIcon(), v.onPay)
	pay.Importance = widget.HighImportance
	content := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Amount due: {{.Amount}}", map[string]any{"Amount": billing.Format(v.inv.BalanceDue)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Gateway")), nil, v.gateway), pay)
	if v.waiting != nil {
		again := widget.NewButtonWithIcon(lang.L("Open the payment page again"), theme.ComputerIcon(), func() { v.openPaymentPage(*v.waiting) })
		stop := widget.NewButton(lang.L("Stop waiting"), func() { v.waiting = nil; v.message.Hide(); v.render() })
		stop.Importance = widget.LowImportance
		content.Add(widget.NewProgressBarInfinite())
		wait := widget.NewLabel(lang.L("Waiting for payment… Complete it in your browser; this screen updates by itself."))
		wait.Wrapping = fyne.TextWrapWord
		content.Add(wait)
		content.Add(container.NewHBox(again, stop))
		pay.Disable()
	}
	return widget.NewCard(lang.L("Pay Now!"), "", content)
}

// openBankTransfer is the latest bank-transfer attempt still waiting.
func (v *invoiceView) openBankTransfer() *api.Payment {
	for i := len(v.inv.Payments) - 1; i >= 0; i-- {
		p := v.inv.Payments[i]
		if p.NextAction.Type == api.ActionInstructions && p.NextAction.Instructions != nil {
			return &p
		}
	}
	return nil
}

func (v *invoiceView) bankCard(p api.Payment) fyne.CanvasObject {
	in := p.NextAction.Instructions
	f := widget.NewForm()
	row := func(label, value string) {
		copyButton := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
			v.app.deps.App.Clipboard().SetContent(value)
			v.say(lang.L("Copied: {{.Value}}", map[string]any{"Value": value}), widget.MediumImportance)
		})
		copyButton.Importance = widget.LowImportance
		val := widget.NewLabelWithStyle(value, fyne.TextAlignLeading, fyne.TextStyle{Bold: label == lang.L("Reference")})
		val.Wrapping = fyne.TextWrapWord
		f.Append(label, container.NewBorder(nil, nil, nil, copyButton, val))
	}
	row(lang.L("Bank"), in.BankName)
	row(lang.L("Branch"), in.BranchName)
	row(lang.L("Account type"), in.AccountType)
	row(lang.L("Account number"), in.AccountNumber)
	row(lang.L("Account holder"), in.AccountHolder)
	row(lang.L("Amount"), billing.FormatPlain(in.Amount))
	row(lang.L("Reference"), in.Reference)
	note := widget.NewLabel(lang.L("Put the reference in the transfer's name or memo field. The invoice is marked paid once we receive the money."))
	note.Wrapping = fyne.TextWrapWord
	return widget.NewCard(lang.L("Bank transfer instructions"), "", container.NewVBox(f, note))
}

func (v *invoiceView) creditCard() fyne.CanvasObject {
	s := v.app.summary
	if s == nil || s.AvailableCredit.Amount <= 0 {
		return container.NewVBox()
	}
	prefill := billing.New(min(s.AvailableCredit.Amount, v.inv.BalanceDue.Amount), v.inv.Currency)
	amount := widget.NewEntry()
	amount.SetText(billing.FormatPlain(prefill))
	apply := widget.NewButton(lang.L("Apply Credit"), nil)
	apply.OnTapped = func() { v.onApplyCredit(amount.Text, apply) }
	amount.OnChanged = func(string) { v.creditKey = "" }
	return widget.NewCard(lang.L("Apply Credit"),
		lang.L("Available: {{.Credit}}", map[string]any{"Credit": billing.Format(s.AvailableCredit)}),
		container.NewBorder(nil, nil, nil, apply, amount))
}

func (v *invoiceView) onPay() {
	gw := v.gatewayIDs[v.gateway.Selected]
	if gw == "" {
		return
	}
	if v.payKey == "" || v.payKeyFor != gw {
		v.payKey, v.payKeyFor = apiclient.NewIdempotencyKey(), gw
	}
	key, id := v.payKey, v.inv.ID
	v.say(lang.L("Starting the payment…"), widget.MediumImportance)
	run(v.ctx, nil, func(ctx context.Context) (api.Payment, error) {
		return v.app.deps.Backend.Pay(ctx, key, id, api.PayRequest{Gateway: gw})
	}, func(p api.Payment, err error) {
		if err != nil {
			if e, ok := apiclient.AsError(err); ok && e.Status != 0 {
				v.payKey = ""
			}
			v.say(describe(err), widget.DangerImportance)
			v.app.deps.Hooks.updated("pay-error")
			return
		}
		v.payKey = ""
		v.inv.Payments = append(v.inv.Payments, p)
		switch p.NextAction.Type {
		case api.ActionRedirect:
			if !v.openPaymentPage(p) {
				break
			}
			v.waiting = &p
			v.message.Hide()
		case api.ActionInstructions:
			v.say(lang.L("Transfer the amount with the reference below."), widget.MediumImportance)
		}
		v.render()
		v.app.deps.Hooks.updated("pay")
	})
}

// openPaymentPage opens a payment's checkout page in the browser: the URL
// that apiclient.CheckRedirectURL returns, never the server's string as
// sent. A refused URL is not opened, and the screen says why.
func (v *invoiceView) openPaymentPage(p api.Payment) bool {
	u, err := apiclient.CheckRedirectURL(p.NextAction.URL)
	if err != nil {
		v.say(lang.L("The payment page address is not safe to open."), widget.DangerImportance)
		return false
	}
	v.app.openURL(u)
	return true
}

func (v *invoiceView) onApplyCredit(text string, button *widget.Button) {
	m, err := billing.ParseAmount(text, v.inv.Currency)
	if err != nil || m.Amount <= 0 {
		v.say(lang.L("Enter an amount such as {{.Example}}.", map[string]any{"Example": billing.FormatPlain(v.inv.BalanceDue)}), widget.DangerImportance)
		return
	}
	if v.creditKey == "" {
		v.creditKey = apiclient.NewIdempotencyKey()
	}
	key, id := v.creditKey, v.inv.ID
	if button != nil {
		button.Disable()
	}
	run(v.ctx, nil, func(ctx context.Context) (api.ApplyCreditResult, error) {
		return v.app.deps.Backend.ApplyCredit(ctx, key, id, api.ApplyCreditRequest{Amount: m})
	}, func(res api.ApplyCreditResult, err error) {
		if button != nil {
			button.Enable()
		}
		if err != nil {
			if e, ok := apiclient.AsError(err); ok && e.Status != 0 {
				v.creditKey = ""
			}
			v.say(describe(err), widget.DangerImportance)
			v.app.deps.Hooks.updated("credit-error")
			return
		}
		v.creditKey = ""
		v.inv = res.Invoice
		v.say(lang.L("{{.Amount}} of credit applied.", map[string]any{"Amount": billing.Format(m)}), widget.SuccessImportance)
		v.app.setCredit(res.Balance, res.Entry.CreatedAt)
		v.app.billing.invoices.upsert(res.Invoice)
		v.app.billing.transactions.stale()
		v.render()
		v.app.deps.Hooks.updated("credit")
	})
}

func (v *invoiceView) onCancel() {
	dialog.ShowConfirm(lang.L("Cancel this invoice?"), lang.L("The invoice will be cancelled and can no longer be paid."), func(ok bool) {
		if !ok {
			return
		}
		id := v.inv.ID
		run(v.ctx, nil, func(ctx context.Context) (api.Invoice, error) {
			return v.app.deps.Backend.CancelInvoice(ctx, apiclient.NewIdempotencyKey(), id)
		}, func(inv api.Invoice, err error) {
			if err != nil {
				v.say(describe(err), widget.DangerImportance)
				return
			}
			v.inv = inv
			v.app.billing.invoices.upsert(inv)
			v.app.refreshSummary()
			v.render()
			v.app.deps.Hooks.updated("cancelled")
		})
	}, v.app.win)
}

// onSupport opens the provider's ticket form with the invoice and payment
// attempts filled in, so support does not have to ask.
func (v *invoiceView) onSupport() {
	c := v.app.config
	if c == nil || c.SupportURL == "" {
		return
	}
	u, err := supportURL(c.SupportURL, v.inv)
	if err != nil {
		v.say(lang.L("The support page address is not safe to open."), widget.DangerImportance)
		return
	}
	v.app.openURL(u)
}

// supportURL is the server's support address with the invoice filled in.
// The address comes from the server, so it is vetted like a payment page:
// https, or http to this machine.
func supportURL(base string, inv api.Invoice) (*url.URL, error) {
	u, err := apiclient.CheckRedirectURL(base)
	if err != nil {
		return nil, fmt.Errorf("support URL: %w", err)
	}
	q := u.Query()
	q.Set("invoice", inv.Number)
	var ids []string
	for _, p := range inv.Payments {
		ids = append(ids, p.ID)
	}
	if len(ids) > 0 {
		q.Set("payments", strings.Join(ids, ","))
	}
	q.Set("subject", fmt.Sprintf("Invoice %s (%s)", inv.Number, inv.Status))
	u.RawQuery = q.Encode()
	return u, nil
}

// onDownload renders the PDF off the UI goroutine, then asks where to save.
func (v *invoiceView) onDownload() {
	inv := v.inv
	dir := v.app.archiveDir()
	type rendered struct {
		pdf []byte
		loc fyne.ListableURI
	}
	run(v.ctx, nil, func(context.Context) (rendered, error) {
		pdf, err := v.app.deps.RenderPDF(inv)
		if err != nil {
			return rendered{}, err
		}
		r := rendered{pdf: pdf}
		if dir != "" && os.MkdirAll(dir, 0o700) == nil {
			r.loc, _ = storage.ListerForURI(storage.NewFileURI(dir))
		}
		return r, nil
	}, func(r rendered, err error) {
		if err != nil {
			v.app.showError(lang.L("Could not create the PDF"), err)
			return
		}
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			go v.writePDF(w, r.pdf)
		}, v.app.win)
		d.SetFileName(inv.Number + ".pdf")
		d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
		if r.loc != nil {
			d.SetLocation(r.loc)
		}
		d.Resize(fyne.NewSize(800, 560))
		d.Show()
		v.app.deps.Hooks.updated("pdf-dialog")
	})
}

// writePDF runs on a goroutine: the file dialog hands over an open writer.
func (v *invoiceView) writePDF(w fyne.URIWriteCloser, pdf []byte) {
	_, err := w.Write(pdf)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	do(func() {
		if err != nil {
			v.app.showError(lang.L("Could not save the PDF"), err)
			return
		}
		v.say(lang.L("Saved {{.Name}}", map[string]any{"Name": w.URI().Name()}), widget.SuccessImportance)
		v.app.deps.Hooks.updated("pdf-saved")
	})
}
