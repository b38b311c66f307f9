package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"billfold/billing"
	"billfold/internal/server/servertest"
)

// The Billing section holds only the tab it shows: a tab behind is neither
// laid out nor refreshed with it. All three in one stack cost the main
// window's first layout 7 of its 8 ms at start-up, for two tabs nobody saw
// yet, and made every refresh of the section refresh them too.
func TestBillingLaysOutOnlyTheShownTab(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.rec.onUI(func() {
		b := f.shell.billing
		f.shell.win.Resize(fyne.NewSize(1024, 640))
		if b.invoices.object().Size().IsZero() {
			t.Fatal("the Invoices tab was not laid out")
		}
		for name, tab := range map[string]screen{"Add Funds": b.addFunds, "Transactions": b.transactions} {
			if !tab.object().Size().IsZero() {
				t.Errorf("the %s tab was laid out while Invoices showed", name)
			}
		}
		b.selectTab(1)
		if b.addFunds.object().Size().IsZero() {
			t.Error("the Add Funds tab was not laid out once chosen")
		}
	})
}

// The sections and tabs a window does not open on are built when first
// shown: built at once, they were a third of the main goroutine's work
// before the demo's first screen had content. Add Funds, built after the
// account's rules and figures came, still shows them.
func TestHiddenScreensAreBuiltWhenFirstShown(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.rec.onUI(func() {
		s, b := f.shell, f.shell.billing
		for name, built := range map[string]bool{"Add Funds": isBuilt(b.addFunds), "Transactions": isBuilt(b.transactions),
			"Settings": isBuilt(s.settings), "About": isBuilt(s.sections[len(s.sections)-1].screen.(*later[*aboutScreen]))} {
			if built {
				t.Errorf("%s was built before it was shown", name)
			}
		}
		b.selectTab(1)
		af, ok := b.addFunds.ifBuilt()
		if !ok {
			t.Fatal("Add Funds was not built when shown")
		}
		if len(af.gateway.Options) == 0 || af.limits.Text == lang.L("Loading limits…") || len(af.quick.Objects) == 0 {
			t.Errorf("Add Funds built after the rules came shows gateways %q, limits %q, %d quick amounts",
				af.gateway.Options, af.limits.Text, len(af.quick.Objects))
		}
		if isBuilt(b.transactions) || isBuilt(s.settings) {
			t.Error("showing Add Funds built other screens")
		}
	})
}

// So do the staff window's.
func TestStaffHiddenSectionsAreBuiltWhenFirstShown(t *testing.T) {
	staff, rec := startStaff(t, servertest.New(t, servertest.Backends(t)[0]), nil)
	rec.onUI(func() {
		if isBuilt(staff.statements) || isBuilt(staff.settings) {
			t.Error("the staff window built its hidden sections at once")
		}
		staff.showSection(1)
		if !isBuilt(staff.statements) {
			t.Error("Bank statements was not built when shown")
		}
	})
}

func isBuilt[S screen](l *later[S]) bool {
	_, ok := l.ifBuilt()
	return ok
}
