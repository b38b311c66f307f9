package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
)

// customerShell is a customer's main window: Available Credit in the
// header, and the Billing, Archive and Settings sections. It owns the
// account state the screens share and follows the server's events.
type customerShell struct {
	*frame
	acct     *account
	credit   *creditHeader
	billing  *billingScreen
	archive  *later[*archiveScreen] // nil without an archive
	settings *later[*settingsScreen]
}

func newCustomerShell(d Deps) *customerShell {
	f := newFrame(d)
	s := &customerShell{frame: f, acct: newAccount(f.ctx, d.Backend, f.run, f.log)}
	s.credit = newCreditHeader(s.acct)
	s.billing = newBillingScreen(f.env, d.Backend, s.acct, d.RenderPDF)
	s.settings = newLater(func() *settingsScreen { return newSettingsScreen(f.env, d.Accounts) })
	sections := []section{{lang.L("Billing"), theme.DocumentIcon(), s.billing}}
	if d.Archive != nil {
		s.archive = f.archiveSection(func() *archiveScreen {
			return newArchiveScreen(f.env, d.Archive, ownInvoices{cur: d.User.Currency})
		})
		sections = append(sections, section{lang.L("Archive"), theme.StorageIcon(), s.archive})
	}
	sections = append(sections, section{lang.L("Settings"), theme.SettingsIcon(), s.settings})
	s.credit.onRefresh = s.onRefresh
	f.build(s.credit.object(), sections)
	s.setMenus(s.menus()...)
	f.win.Canvas().AddShortcut(ctrl(fyne.KeyTab), func(fyne.Shortcut) { s.stepTab(1) })
	f.win.Canvas().AddShortcut(withShift(ctrl(fyne.KeyTab)), func(fyne.Shortcut) { s.stepTab(-1) })
	s.acct.paymentChanged.subscribe(s.onPayment)
	return s
}

// menus are the customer's main menu. Ctrl+Tab and Ctrl+Shift+Tab switch
// tabs too, except in a text field, which keeps them.
func (s *customerShell) menus() []menu {
	invoiceOpen := func() bool { return s.billing.invoice != nil }
	billingShown := func() bool { return s.shown == screen(s.billing) }
	view := []*command{
		{name: lang.L("Invoices"), key: ctrl(fyne.Key1), run: func() { s.showTab(0) }},
		{name: lang.L("Add Funds"), key: ctrl(fyne.Key2), run: func() { s.showTab(1) }},
		{name: lang.L("Transactions"), key: ctrl(fyne.Key3), run: func() { s.showTab(2) }},
	}
	view = append(view, s.sectionCommands(1, 4)...)
	view = append(view, nil,
		&command{name: lang.L("Next tab"), key: keyNextTab, run: func() { s.stepTab(1) }, enabled: billingShown},
		&command{name: lang.L("Previous tab"), key: keyPrevTab, run: func() { s.stepTab(-1) }, enabled: billingShown},
		&command{name: lang.L("Back to invoices"), key: keyBack, run: s.billing.back, enabled: invoiceOpen},
		nil,
		&command{name: lang.L("Refresh"), key: keyRefresh, run: s.onRefresh})
	return []menu{
		s.fileMenu(&command{name: lang.L("Download PDF…"), key: keyPDF, run: func() { s.billing.invoice.onDownload() },
			enabled: func() bool { return invoiceOpen() && s.billing.renderPDF != nil && s.billing.invoice.whole }}),
		{name: lang.L("View"), commands: view},
		{name: lang.L("Billing"), commands: []*command{
			{name: lang.L("Add Funds…"), key: keyAddFunds, run: func() { s.showTab(1) }},
			{name: lang.L("Pay Now!"), key: keyPay, run: func() { s.billing.invoice.onPay() },
				enabled: func() bool { return invoiceOpen() && s.billing.invoice.canPay() }},
		}},
	}
}

// showTab shows a tab of the Billing section and moves the keyboard into it.
func (s *customerShell) showTab(i int) {
	s.nav.Select(0)
	s.billing.selectTab(i)
	s.focus(s.billing.focusTarget())
}

// stepTab shows the next (1) or previous (-1) Billing tab; the keyboard
// follows unless it is on the tabs themselves.
func (s *customerShell) stepTab(d int) {
	if s.shown != screen(s.billing) {
		return
	}
	s.billing.stepTab(d)
	if s.win.Canvas().Focused() != fyne.Focusable(s.billing.tabs) {
		s.focus(s.billing.focusTarget())
	}
}

// start loads the account and follows its events.
func (s *customerShell) start() {
	s.acct.refreshConfig()
	s.acct.refreshSummary()
	s.acct.follow()
	s.frame.start()
}

// onRefresh is the header's refresh button: the figures and the shown
// section.
func (s *customerShell) onRefresh() {
	s.acct.refreshSummary()
	s.billing.reload()
}

// onPayment tells the user, in a desktop notification, that money arrived,
// and whether it became credit.
func (s *customerShell) onPayment(p api.Payment) {
	if p.State != billing.PaymentSucceeded {
		return
	}
	title := lang.L("Payment received")
	body := lang.L("{{.Amount}} paid.", map[string]any{"Amount": billing.Format(p.Amount)})
	switch {
	case p.RefundDue != nil:
		title = lang.L("Payment received: {{.Amount}}", map[string]any{"Amount": billing.Format(p.Amount)})
		body = refundDueText(p, s.acct.kindOf(p.InvoiceID))
	case s.acct.kindOf(p.InvoiceID) == billing.KindAddFunds:
		title = lang.L("Credit added: {{.Amount}}", map[string]any{"Amount": billing.Format(p.Amount)})
		body = lang.L("Your Available Credit has been updated.")
	}
	s.app.SendNotification(fyne.NewNotification(title, body))
}

// creditHeader is the header's Available Credit: the figure, when it was
// current, and a refresh button; greyed with "Offline — as of" when the
// server cannot be reached.
type creditHeader struct {
	acct      *account
	credit    *widget.Label
	note      *widget.Label
	onRefresh func()
	root      fyne.CanvasObject
}

func newCreditHeader(a *account) *creditHeader {
	h := &creditHeader{acct: a}
	h.build()
	a.summaryChanged.subscribe(h.onSummary)
	a.linkChanged.subscribe(h.onLink)
	return h
}

func (h *creditHeader) build() {
	h.credit = widget.NewLabelWithStyle("—", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	h.credit.SizeName = theme.SizeNameHeadingText
	h.note = widget.NewLabel(lang.L("Loading…"))
	h.note.Alignment = fyne.TextAlignTrailing
	refresh := newButton("", theme.ViewRefreshIcon(), func() {
		if h.onRefresh != nil {
			h.onRefresh()
		}
	}).withTip(lang.L("Refresh"), keyRefresh)
	refresh.Importance = widget.LowImportance
	title := widget.NewLabel(lang.L("Available Credit"))
	title.Alignment = fyne.TextAlignTrailing
	h.root = container.NewHBox(container.NewVBox(title, h.note), container.NewCenter(h.credit), container.NewCenter(refresh))
}

func (h *creditHeader) object() fyne.CanvasObject { return h.root }

func (h *creditHeader) onSummary(s api.Summary) {
	h.credit.Importance = widget.MediumImportance
	h.credit.SetText(billing.Format(s.AvailableCredit))
	h.note.SetText(lang.L("Updated {{.Time}}", map[string]any{"Time": s.AsOf.Local().Format("15:04:05")}))
}

// onLink keeps the last figure visible, greyed, when it may be out of
// date, and says why: offline since when, or the session ended (which no
// amount of waiting for the network mends).
func (h *creditHeader) onLink(l link) {
	if l.online {
		return // the summary that came with it is shown already
	}
	e, _ := apiclient.AsError(l.err)
	if l.asOf.IsZero() || e.IsUnauthorized() {
		h.note.SetText(describe(l.err))
	} else {
		h.note.SetText(lang.L("Offline — as of {{.Time}}", map[string]any{"Time": l.asOf.Local().Format("15:04")}))
	}
	if !l.asOf.IsZero() {
		h.credit.Importance = widget.LowImportance // muted: the figure may be stale
		h.credit.Refresh()
	}
}
