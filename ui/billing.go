package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"billfold/api"
)

// navigator moves between the Billing screens: a screen asks it to open an
// invoice or to go back, and never reaches for another screen.
type navigator interface {
	// openInvoice shows the invoice screen; whole says inv is the whole
	// invoice (just created or fetched), not a row's preview.
	openInvoice(inv api.Invoice, whole bool)
	// back closes the invoice screen.
	back()
}

// billingScreen is the Billing section: tabs for Invoices, Add Funds and
// Transactions, and the invoice screen over them when one is open.
type billingScreen struct {
	env          *env
	backend      Backend
	acct         *account
	renderPDF    func(api.Invoice) ([]byte, error)
	tabs         *tabStrip
	pages        *fyne.Container // the chosen tab's screen
	tabsView     fyne.CanvasObject
	invoices     *invoicesTab
	addFunds     *later[*addFundsTab]
	transactions *later[*transactionsTab]
	invoice      *invoiceScreen // nil when no invoice is open
	root         *fyne.Container
}

func newBillingScreen(e *env, b Backend, a *account, renderPDF func(api.Invoice) ([]byte, error)) *billingScreen {
	s := &billingScreen{env: e, backend: b, acct: a, renderPDF: renderPDF}
	s.invoices = newInvoicesTab(a, s, e.app.Preferences())
	s.addFunds = newLater(func() *addFundsTab { return newAddFundsTab(e, b, a, s) })
	s.transactions = newLater(func() *transactionsTab { return newTransactionsTab(e, b, a) })
	s.build()
	return s
}

func (s *billingScreen) build() {
	s.tabs = newTabStrip([]string{lang.L("Invoices"), lang.L("Add Funds"), lang.L("Transactions")}, s.onTab)
	s.pages = container.NewStack()
	s.tabsView = headed(s.tabs, s.pages)
	s.onTab(0)
	s.root = container.NewStack(s.tabsView)
}

func (s *billingScreen) object() fyne.CanvasObject { return s.root }

// focusTarget is the open invoice's, else the shown tab's.
func (s *billingScreen) focusTarget() fyne.Focusable {
	if s.invoice != nil {
		return s.invoice.focusTarget()
	}
	return s.shownTab().focusTarget()
}

// onTab shows the chosen tab's screen, brought up to date. Only that one is
// in the window: a hidden tab is still laid out and refreshed with its
// container, which for the two behind Invoices was 7 ms of the main
// window's first layout.
func (s *billingScreen) onTab(i int) {
	s.pages.Objects = []fyne.CanvasObject{s.shownTab().object()}
	s.pages.Refresh()
	s.shownTab().refresh()
}

// refresh brings the shown screen up to date.
func (s *billingScreen) refresh() {
	if s.invoice != nil {
		s.invoice.shownAgain()
		s.invoice.refresh()
		return
	}
	s.shownTab().refresh()
}

// leave stops the open invoice's spinner while another section is shown.
func (s *billingScreen) leave() {
	if s.invoice != nil {
		s.invoice.leave()
	}
}

func (s *billingScreen) shownTab() screen {
	return []screen{s.invoices, s.addFunds, s.transactions}[s.tabs.Selected()]
}

// reload fetches everything the section shows again (the header's
// refresh button).
func (s *billingScreen) reload() {
	s.acct.loadInvoices()
	if t, ok := s.transactions.ifBuilt(); ok { // else it loads when first shown
		t.refresh()
	}
	if s.invoice != nil {
		s.invoice.refresh()
	}
}

// selectTab switches to a tab by index (0 invoices, 1 add funds, 2 transactions).
func (s *billingScreen) selectTab(i int) {
	s.closeInvoice()
	s.tabs.Select(i)
}

// stepTab shows the next (1) or previous (-1) tab, from the invoice
// screen too.
func (s *billingScreen) stepTab(d int) {
	s.closeInvoice()
	s.tabs.step(d)
}

// openInvoice shows the invoice screen over the tabs. The tabs stay in the
// window, hidden: a tap on the invoice table opens an invoice and then
// focuses the table, which must still be there to be focused.
func (s *billingScreen) openInvoice(inv api.Invoice, whole bool) {
	s.closeInvoice()
	s.invoice = newInvoiceScreen(s.env, s.backend, s.acct, s, s.renderPDF, inv, whole)
	s.invoice.setBack(backLabels()[s.tabs.Selected()])
	s.tabsView.Hide()
	s.root.Add(s.invoice.object())
	s.invoice.refresh()
	s.env.focus(s.invoice.focusTarget())
	s.env.menuChanged()
}

// backLabels say where the invoice screen's back button returns: to the
// tab it was opened from.
func backLabels() []string {
	return []string{lang.L("Back to invoices"), lang.L("Back to Add Funds"), lang.L("Back to transactions")}
}

// back returns to the tabs, brought up to date.
func (s *billingScreen) back() {
	if s.invoice != nil {
		s.closeInvoice()
		s.shownTab().refresh()
	}
}

func (s *billingScreen) closeInvoice() {
	if s.invoice == nil {
		return
	}
	s.env.dropTip()
	s.invoice.close()
	s.root.Remove(s.invoice.object())
	s.invoice = nil
	s.tabsView.Show()
	s.env.menuChanged()
}
