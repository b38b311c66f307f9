package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"billfold/api"
)

// billingScreen is the Billing section: tabs for Invoices, Add Funds and
// Transactions, and the invoice screen over them when one is open.
type billingScreen struct {
	app          *App
	tabs         *container.AppTabs
	invoices     *invoicesTab
	addFunds     *addFundsTab
	transactions *transactionsTab
	invoice      *invoiceView // nil when no invoice is open
	root         *fyne.Container
}

func newBillingScreen(a *App) *billingScreen {
	b := &billingScreen{app: a}
	b.invoices = newInvoicesTab(a, b.openPreview)
	b.addFunds = newAddFundsTab(a, b.openInvoice)
	b.transactions = newTransactionsTab(a)
	b.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Invoices"), b.invoices.object()),
		container.NewTabItem(lang.L("Add Funds"), b.addFunds.object()),
		container.NewTabItem(lang.L("Transactions"), b.transactions.object()),
	)
	b.tabs.OnSelected = func(t *container.TabItem) {
		if t.Content == b.transactions.object() {
			b.transactions.load()
		}
	}
	b.root = container.NewStack(b.tabs)
	b.invoices.load()
	return b
}

func (b *billingScreen) object() fyne.CanvasObject { return b.root }

// selectTab switches to a tab by index (0 invoices, 1 add funds, 2 transactions).
func (b *billingScreen) selectTab(i int) {
	b.closeInvoice()
	b.tabs.SelectIndex(i)
}

// openInvoice shows an invoice the app has in full (just created or
// fetched).
func (b *billingScreen) openInvoice(inv api.Invoice) {
	b.show(newInvoiceView(b.app, inv, true, b.closeInvoice))
}

// openPreview shows what the invoice list knows of an invoice at once and
// the rest when it has been fetched.
func (b *billingScreen) openPreview(inv api.Invoice) {
	b.show(newInvoiceView(b.app, inv, false, b.closeInvoice))
}

func (b *billingScreen) show(v *invoiceView) {
	b.closeInvoice()
	b.invoice = v
	b.root.Objects = []fyne.CanvasObject{b.invoice.object()}
	b.root.Refresh()
	b.app.deps.Hooks.updated("invoice-opened")
}

func (b *billingScreen) closeInvoice() {
	if b.invoice == nil {
		return
	}
	b.invoice.close()
	b.invoice = nil
	b.root.Objects = []fyne.CanvasObject{b.tabs}
	b.root.Refresh()
}

func (b *billingScreen) reload() {
	b.invoices.load()
	b.transactions.load()
	if b.invoice != nil {
		b.invoice.reload()
	}
}

func (b *billingScreen) configLoaded()             { b.addFunds.configLoaded() }
func (b *billingScreen) showConfigError(err error) { b.addFunds.showConfigError(err) }
func (b *billingScreen) summaryChanged()           { b.addFunds.summaryChanged() }

func (b *billingScreen) invoiceChanged(inv api.Invoice) {
	b.invoices.upsert(inv)
	if b.invoice != nil && b.invoice.inv.ID == inv.ID {
		b.invoice.reload()
	}
	b.transactions.stale()
}

func (b *billingScreen) paymentChanged(p api.Payment) {
	if b.invoice != nil && b.invoice.inv.ID == p.InvoiceID {
		b.invoice.reload()
	}
}

func (b *billingScreen) isAddFunds(invoiceID string) bool {
	return b.invoices.kindOf(invoiceID) == "add_funds" ||
		(b.invoice != nil && b.invoice.inv.ID == invoiceID && b.invoice.inv.Kind == "add_funds")
}
