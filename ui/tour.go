//go:build ci || screentour

package ui

import (
	"slices"

	"billfold/api"
	"billfold/billing"
)

// TourStep is one state of a screen that the screenshot tour
// (scripts/screens.sh) photographs and the layout tests measure. Do brings
// it about and Ready says it is on screen; both run on the UI goroutine.
// A step without a Name is a way to the next one, not a picture.
//
// The tour exists in test builds (tag ci) and in the tour binary (tag
// screentour) only: a production build has none of it.
type TourStep struct {
	Name string
	// Skip, when set, says whether the account has this screen at all
	// (bank transfer, where it is not offered); it runs as the step comes,
	// on the UI goroutine, for what the account offers arrives after the
	// tour is made.
	Skip  func() bool
	Do    func()
	Ready func() bool
}

// Skipped says whether the tour passes this step over (Skip); like Do, it
// runs on the UI goroutine.
func (s TourStep) Skipped() bool { return s.Skip != nil && s.Skip() }

// Tour is the way through every screen of a signed-in account's window,
// with the account's own data: its invoices, its ledger, its archive.
// It adds funds and starts payments as a user would.
func Tour(s Shell) []TourStep {
	switch s := s.(type) {
	case *customerShell:
		return s.tour()
	case *staffShell:
		return s.tour()
	}
	return nil
}

// step is a named picture: do, then ready when cond holds and every
// background task has been applied.
func (f *frame) step(name string, do func(), cond func() bool) TourStep {
	return TourStep{Name: name, Do: do, Ready: func() bool { return f.run.idle() && (cond == nil || cond()) }}
}

// sectionIndex is the sidebar position of a screen, -1 when absent.
func (f *frame) sectionIndex(s screen) int {
	return slices.IndexFunc(f.sections, func(sec section) bool { return sec.screen == s })
}

// showScreen shows s as a click in the sidebar does.
func (f *frame) showScreen(s screen) func() {
	return func() {
		if i := f.sectionIndex(s); i >= 0 {
			f.nav.Select(i)
		}
	}
}

func (s *customerShell) tour() []TourStep {
	// The steps run on the UI goroutine; Tour does not (it builds nothing).
	b, af := s.billing, s.billing.addFunds.get
	tab := func(i int) func() { return func() { s.showScreen(b)(); b.selectTab(i) } }
	open := func(state billing.InvoiceStatus, kind billing.InvoiceKind) func() {
		return func() {
			tab(0)() // from the list, as the user would
			for _, r := range s.acct.invoices {
				if r.status() == state && r.kind.Value() == kind {
					b.openInvoice(r.preview(), false)
					return
				}
			}
		}
	}
	whole := func() bool { return b.invoice != nil && b.invoice.whole }
	pay := func(gateway string) func() {
		return func() {
			v := b.invoice
			v.onStopWaiting()
			v.gateway.SetSelected(v.details.gatewayName(gateway))
			v.onPay()
		}
	}
	fill := func(amount string) func() {
		return func() {
			tab(1)()
			af().amount.SetText(amount)
			if g := af().gateway; len(g.Options) > 0 {
				g.SetSelected(g.Options[0])
			}
			af().accept.SetChecked(amount != "")
		}
	}
	steps := []TourStep{
		s.step("invoices", tab(0), func() bool { return s.acct.invoicesLoaded }),
		s.step("add-funds-error", func() {
			fill("-500")()
			af().voucher.SetText("SUMMER2025") // expired
			af().onRedeem()
		}, func() bool { return af().amountError.Text != "" && af().voucherResult.Visible() }),
		s.step("add-funds-valid", fill("10000"), func() bool { return !af().submit.Disabled() }),
		s.step("", func() { af().onSubmit() }, func() bool { return whole() && b.invoice.inv.Kind == billing.KindAddFunds }),
		s.step("pay-waiting", pay("card"), func() bool { return b.invoice.waiting != nil }),
	}
	bank := s.step("bank-transfer", pay("bank_transfer"), func() bool { return b.invoice.bankCard.Visible() })
	bank.Skip = func() bool {
		return !slices.ContainsFunc(s.acct.gateways(), func(g api.Gateway) bool { return g.ID == "bank_transfer" })
	}
	steps = append(steps, bank,
		s.step("invoice-unpaid", open(billing.InvoiceUnpaid, billing.KindService), whole),
		s.step("invoice-paid", open(billing.InvoicePaid, billing.KindService), whole),
		s.step("transactions", tab(2), func() bool { return b.transactions.get().loaded }),
	)
	if s.archive != nil {
		a := s.archive
		steps = append(steps,
			s.step("archive", s.showScreen(a), func() bool { return a.get().store != nil }),
			s.step("archive-synced", func() { a.get().onSync() }, func() bool { return a.get().cancel == nil && len(a.get().entries) > 0 }))
	}
	return append(steps, s.step("settings", s.showScreen(s.settings), nil), s.aboutStep())
}

// aboutStep shows About, last in every sidebar.
func (f *frame) aboutStep() TourStep {
	about := f.sections[len(f.sections)-1].screen
	return f.step("about", f.showScreen(about), nil)
}

func (s *staffShell) tour() []TourStep {
	c := s.customers
	steps := []TourStep{
		s.step("customers", s.showScreen(c), func() bool { return c.searched && len(c.pages.items) > 0 }),
		// A yen customer: only they can have bank transfers to confirm.
		s.step("customer-open", func() {
			c.results.Select(max(0, slices.IndexFunc(c.pages.items, func(cu api.Customer) bool { return cu.Currency == billing.JPY })))
		}, func() bool { return c.panel.loaded }),
		// One of their unpaid invoices, as staff open it from the panel.
		s.step("customer-invoice", func() {
			if len(c.panel.detail.invoices) > 0 {
				c.panel.openInvoice(c.panel.detail.invoices[0])
			}
		}, func() bool { return c.panel.invoice.inv != nil || len(c.panel.detail.invoices) == 0 }),
		s.step("statements", s.showScreen(s.statements), nil),
	}
	if s.archive != nil {
		steps = append(steps, s.step("staff-archive", s.showScreen(s.archive), func() bool { return s.archive.get().store != nil }))
	}
	return append(steps, s.step("staff-settings", s.showScreen(s.settings), nil))
}
