package ui

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server"
)

// The back button says where it goes, and goes there: to Add Funds when
// the invoice was opened from there, to the list when from the list.
func TestBackReturnsWhereTheInvoiceWasOpened(t *testing.T) {
	f := start(t, billing.JPY, "en")
	b, af := f.shell.billing, f.addFundsTab()
	added := f.rec.mark(TaskAddFunds)
	f.rec.onUI(func() {
		b.selectTab(1)
		af.amount.SetText("5000")
		af.gateway.SetSelected(af.gateway.Options[0])
		af.accept.SetChecked(true)
		af.onSubmit()
	})
	f.rec.wait(t, TaskAddFunds, added)
	f.rec.onUI(func() {
		back := findButton(f.invoice().object(), "Back to Add Funds")
		if back == nil {
			t.Fatalf("no \"Back to Add Funds\" on an invoice opened from Add Funds:\n%s", dump(f.invoice().object()))
		}
		test.Tap(back)
		if b.invoice != nil || !b.tabsView.Visible() || b.tabs.Selected() != 1 {
			t.Fatalf("after going back: invoice open %v, tab %d", b.invoice != nil, b.tabs.Selected())
		}
		b.selectTab(0)
	})
	fetched := f.rec.mark(TaskInvoice)
	f.rec.onUI(func() { b.invoices.table.Select(widget.TableCellID{Row: 0, Col: colNumber}) })
	f.rec.wait(t, TaskInvoice, fetched)
	f.rec.onUI(func() {
		if findButton(f.invoice().object(), "Back to invoices") == nil {
			t.Fatalf("no \"Back to invoices\" on an invoice opened from the list:\n%s", dump(f.invoice().object()))
		}
	})
}

// A tap on a row of the invoice list opens the invoice, and Fyne then
// focuses the table: it must still be in the window (hidden), or Fyne logs
// "Failed to focus object which is not part of the canvas".
func TestOpeningAnInvoiceKeepsTheListInTheWindow(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.serviceInvoice(t, 3_000)
	loaded := f.rec.mark(TaskInvoices)
	f.rec.onUI(f.shell.acct.loadInvoices)
	f.rec.wait(t, TaskInvoices, loaded)
	fetched := f.rec.mark(TaskInvoice)
	table := f.shell.billing.invoices.table
	f.rec.onUI(func() {
		f.shell.win.Resize(fyne.NewSize(1024, 640))
		shown(f.shell.win.Content())
		table.Tapped(&fyne.PointEvent{Position: fyne.NewPos(20, 50)}) // the first row, under the titles
	})
	f.rec.wait(t, TaskInvoice, fetched)
	f.rec.onUI(func() {
		if f.invoice() == nil {
			t.Fatal("the tap opened no invoice")
		}
		if !inTree(f.shell.win.Content(), table) {
			t.Fatal("the invoice list left the window when an invoice opened: the tap's focus finds no table")
		}
	})
}

// inTree says whether o is in root's tree, hidden or not.
func inTree(root, o fyne.CanvasObject) bool {
	if root == o {
		return true
	}
	var children []fyne.CanvasObject
	switch c := root.(type) {
	case *fyne.Container:
		children = c.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(c).Objects()
	}
	return slices.ContainsFunc(children, func(c fyne.CanvasObject) bool { return inTree(c, o) })
}

// Apply Credit moves money: it asks first, as Cancel does, and a "no"
// moves nothing.
func TestApplyCreditAsksFirst(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.voucherCredit(t, "WELCOME1000", 1_000)
	inv := f.serviceInvoice(t, 3_000)
	f.rec.until(t, "the voucher's credit", func() bool { return f.shell.credit.credit.Text == "¥1,000" })
	f.openInvoice(t, inv)
	applied := f.rec.mark(TaskApplyCredit)
	f.rec.onUI(func() {
		f.invoice().onApplyCredit()
		top := f.shell.win.Canvas().Overlays().Top()
		if top == nil || !strings.Contains(dump(top), "¥1,000 of your Available Credit will pay invoice "+inv.Number) {
			t.Fatal("Apply Credit did not ask first")
		}
		confirm(t, f.shell.win, "Cancel")
	})
	if n := f.rec.mark(TaskApplyCredit); n != applied {
		t.Fatal("credit was applied although the user said no")
	}
	f.rec.onUI(func() {
		f.invoice().onApplyCredit()
		confirm(t, f.shell.win, "Apply Credit")
	})
	f.rec.wait(t, TaskApplyCredit, applied)
	f.rec.onUI(func() {
		if got := f.invoice().inv.BalanceDue.Amount; got != 2_300 {
			t.Fatalf("balance due after applying ¥1,000: %d", got)
		}
	})
}

// The Archive starts with what to do (Sync), not an empty table; its empty
// search fields do not look like filters; a count of one is singular.
func TestArchiveStartsWithAHintToSync(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.addFunds(t, billing.New(7_000, billing.JPY), "card")
	s := f.openArchive(t)
	f.rec.onUI(func() {
		text := dump(s.object())
		if !strings.Contains(text, "Press Sync") || slices.Contains(shown(s.object()), fyne.CanvasObject(s.table)) {
			t.Fatalf("a new archive shows no hint to Sync, or an empty table:\n%s", text)
		}
		if regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).MatchString(text) {
			t.Fatalf("an empty date field shows a date:\n%s", text)
		}
	})
	synced, searched := f.rec.mark(TaskArchiveSync), f.rec.mark(TaskArchiveSearch)
	f.rec.onUI(s.onSync)
	f.rec.wait(t, TaskArchiveSync, synced)
	f.rec.wait(t, TaskArchiveSearch, searched)
	var pdf string
	f.rec.onUI(func() {
		if len(s.entries) != 1 || strings.Contains(dump(s.object()), "Press Sync") {
			t.Fatalf("after a sync: %d entries, hint still shown", len(s.entries))
		}
		pdf = s.entries[0].PDFPath
	})
	if err := os.Chmod(pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, []byte("%PDF-1.7 altered"), 0o600); err != nil {
		t.Fatal(err)
	}
	verified := f.rec.mark(TaskArchiveVerify)
	f.rec.onUI(s.onVerify)
	f.rec.wait(t, TaskArchiveVerify, verified)
	f.rec.onUI(func() {
		if s.status.Text != "Verification found 1 problem." {
			t.Fatalf("verify with one altered file: %q", s.status.Text)
		}
	})
}

// A cancelled invoice owes nothing, and says so instead of "Balance due".
func TestCancelledInvoiceOwesNothing(t *testing.T) {
	f := start(t, billing.JPY, "en")
	inv, err := f.client.CancelInvoice(context.Background(), apiclient.NewIdempotencyKey(), f.addFunds(t, billing.New(5_000, billing.JPY), "card").ID)
	if err != nil {
		t.Fatal(err)
	}
	f.openInvoice(t, inv)
	f.rec.onUI(func() {
		text := dump(f.invoice().object())
		if strings.Contains(text, "Balance due") || !strings.Contains(text, "nothing is due") {
			t.Fatalf("a cancelled invoice:\n%s", text)
		}
	})
}

// The amount's error row is always there: an error appearing as the user
// types does not move the form, and a negative amount is told to be above
// zero, not below the minimum.
func TestAmountErrorsKeepTheFormStill(t *testing.T) {
	f := start(t, billing.JPY, "en")
	af := f.addFundsTab()
	f.rec.onUI(func() {
		f.shell.win.Resize(fyne.NewSize(1024, 640))
		f.shell.billing.selectTab(1)
		before, _ := placeOf(f.shell.win, af.limits)
		for _, typed := range []string{"-500", "0"} {
			af.amount.SetText(typed)
			if af.amountError.Text != "Enter an amount above zero." {
				t.Errorf("%q: %q", typed, af.amountError.Text)
			}
		}
		if after, _ := placeOf(f.shell.win, af.limits); after != before {
			t.Errorf("an amount error moved the form: the limits went from %v to %v", before, after)
		}
	})
}

// Dates read alike everywhere, in the UI's language: the list, the
// invoice screen and the archive give an invoice's date as printed on it
// (a Japanese invoice issued at 20:00 UTC is dated the next day, in
// Tokyo), and payment attempts are written the same way, not 2026-12-05.
func TestDatesReadTheSameEverywhere(t *testing.T) {
	f := start(t, billing.JPY, "en")
	ctx := context.Background()
	issued := time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC)
	id, err := f.env.Server.IssueServiceInvoice(ctx, f.user.ID, issued, issued.AddDate(0, 0, 14),
		[]server.ServiceLine{{Description: "VPS", Quantity: 1, UnitPrice: 3_000, TaxRate: 10}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := f.client.Invoice(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Pay(ctx, apiclient.NewIdempotencyKey(), id, api.PayRequest{Gateway: "card"}); err != nil {
		t.Fatal(err)
	}
	loaded := f.rec.mark(TaskInvoices)
	f.rec.onUI(f.shell.acct.loadInvoices)
	f.rec.wait(t, TaskInvoices, loaded)
	f.rec.onUI(func() {
		tab := f.shell.billing.invoices
		if r := tab.rows[0]; tab.words.cell(r, colIssued) != "6 Dec 2026" || tab.words.cell(r, colDue) != "20 Dec 2026" {
			t.Errorf("list: issued %q, due %q", tab.words.cell(r, colIssued), tab.words.cell(r, colDue))
		}
	})
	f.openInvoice(t, inv)
	f.rec.onUI(func() {
		v := f.invoice()
		if !strings.Contains(v.details.header.dates.Text, "Issued 6 Dec 2026") {
			t.Errorf("invoice screen: %q", v.details.header.dates.Text)
		}
		attempt := v.details.payments.Objects[0].(*wrapLabel).Text
		if !regexp.MustCompile(`^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} `).MatchString(attempt) {
			t.Errorf("payment attempt: %q", attempt)
		}
	})
	s := f.openArchive(t)
	synced, searched := f.rec.mark(TaskArchiveSync), f.rec.mark(TaskArchiveSearch)
	f.rec.onUI(s.onSync)
	f.rec.wait(t, TaskArchiveSync, synced)
	f.rec.wait(t, TaskArchiveSearch, searched)
	f.rec.onUI(func() {
		if got := archiveCell(&s.entries[0], 1); got != "6 Dec 2026" {
			t.Errorf("archive: %q", got)
		}
	})
}

// The "Show" label is level with the filter it names.
func TestShowLabelLinesUpWithItsSelector(t *testing.T) {
	f := start(t, billing.JPY, "ja")
	f.rec.onUI(func() {
		f.shell.win.Resize(fyne.NewSize(1024, 640))
		var label *widget.Label
		var sel *widget.Select
		for _, o := range shown(f.shell.billing.invoices.object()) {
			switch o := o.(type) {
			case *widget.Label:
				if o.Text == "表示" {
					label = o
				}
			case *widget.Select:
				sel = o
			}
		}
		// The texts' middles, not the widgets': a label draws its text at
		// the top of the height it is given.
		l, _ := placeOf(f.shell.win, textIn(label))
		s, _ := placeOf(f.shell.win, textIn(sel))
		if middle := func(r rect) float32 { return r.pos.Height + r.size.Height/2 }; middle(l) != middle(s) {
			t.Fatalf("the label's text is centred at %v, the selector's at %v", middle(l), middle(s))
		}
	})
}

// textIn is the first text drawn in o.
func textIn(o fyne.CanvasObject) *canvas.Text {
	for _, c := range shown(o) {
		if t, ok := c.(*canvas.Text); ok {
			return t
		}
	}
	return nil
}

// Redeeming a voucher tells the desktop, as a payment does.
func TestVoucherSendsANotification(t *testing.T) {
	f := start(t, billing.JPY, "en")
	if err := f.env.Server.CreateVoucher(context.Background(), "WELCOME1000", billing.New(1_000, billing.JPY), time.Time{}); err != nil {
		t.Fatal(err)
	}
	af := f.addFundsTab()
	test.AssertNotificationSent(t, fyne.NewNotification("Credit added: ¥1,000", "Voucher WELCOME1000 was redeemed."), func() {
		redeemed := f.rec.mark(TaskVoucher)
		f.rec.onUI(func() {
			af.voucher.SetText("WELCOME1000")
			af.onRedeem()
		})
		f.rec.wait(t, TaskVoucher, redeemed)
	})
}

// Bank transfer details: the amount formatted as money, codes on one line,
// the reference and the amount in view without scrolling on the default
// window, and a copy says it copied, and what.
func TestBankDetailsCopyWhole(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.payFromInvoiceScreen(t, billing.New(30_000, billing.JPY), "bank_transfer")
	f.rec.onUI(func() {
		f.shell.win.Resize(fyne.NewSize(1024, 640))
		v := f.invoice()
		ref := v.openBankTransfer().NextAction.Instructions.Reference
		reference, amount := v.bankValues[0].(*widget.Label), v.bankValues[1].(*widget.Label)
		if amount.Text != "¥30,000" || reference.Text != ref {
			t.Fatalf("amount %q, reference %q (want ¥30,000, %s)", amount.Text, reference.Text, ref)
		}
		for _, l := range []*widget.Label{reference, amount} {
			if r, clip := placeOf(f.shell.win, l); !clip.contains(r) {
				t.Errorf("%q is at %v, outside what the window shows (%v)", l.Text, r, clip)
			}
		}
		shown(f.shell.win.Content())
		line := widget.NewLabelWithStyle(ref, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}).MinSize().Height
		if reference.Wrapping != fyne.TextWrapOff || reference.MinSize().Height > line {
			t.Fatalf("the reference wraps: %v tall, a line is %v", reference.MinSize().Height, line)
		}
		copyButton := findCopyButton(t, v.bankCard, reference)
		test.Tap(copyButton)
		if got := f.browser.Clipboard().Content(); got != ref {
			t.Fatalf("clipboard %q, want %q", got, ref)
		}
		if !strings.Contains(v.bankCopied.Text, "Copied Reference: "+ref) || copyButton.Icon != theme.ConfirmIcon() {
			t.Fatalf("no word of the copy: %q, icon %v", v.bankCopied.Text, copyButton.Icon)
		}
	})
}

// findCopyButton is the copy button beside value in card.
func findCopyButton(t *testing.T, card fyne.CanvasObject, value *widget.Label) *button {
	t.Helper()
	for _, o := range shown(card) {
		if c, ok := o.(*fyne.Container); ok && slices.Contains(c.Objects, fyne.CanvasObject(value)) {
			for _, x := range c.Objects {
				if b, ok := x.(*button); ok {
					return b
				}
			}
		}
	}
	t.Fatal("no copy button beside the value")
	return nil
}

// Transactions: where there is room, no cell is cut, a staff member's long
// reason included; a selected entry reads in full under the table; a
// column the user widens stays so, in the next window too.
func TestLedgerShowsEntriesInFull(t *testing.T) {
	f := start(t, billing.JPY, "ja")
	reason := "障害のお詫び（2026年5月12日 東京リージョンのネットワーク障害による約3時間の停止）"
	adjust(t, f, billing.New(2_000, billing.JPY), reason)
	loaded := f.rec.mark(TaskLedger)
	f.rec.onUI(func() {
		f.shell.win.Resize(fyne.NewSize(1600, 900))
		f.shell.billing.selectTab(2)
	})
	f.rec.wait(t, TaskLedger, loaded)
	tab := f.shell.billing.transactions.get()
	f.rec.onUI(func() {
		shown(f.shell.win.Content())
		for _, o := range shown(tab.table) {
			l, ok := o.(*widget.Label)
			if !ok || l.Text == "" {
				continue
			}
			whole := widget.NewLabelWithStyle(l.Text, l.Alignment, l.TextStyle).MinSize().Width
			if l.Size().Width+0.5 < whole {
				t.Errorf("%q is cut: %v wide, needs %v", l.Text, l.Size().Width, whole)
			}
		}
		tab.table.Select(widget.TableCellID{Row: 0, Col: 0})
		if !strings.Contains(tab.entry.Text, reason) {
			t.Errorf("the selected entry in full: %q", tab.entry.Text)
		}

		// The user drags the Kind column wider.
		tab.table.SetColumnWidth(1, 222) // what Table.Dragged does
		tab.table.DragEnd()
		if got := f.browser.Preferences().FloatList(PrefLedgerColumns); len(got) < 2 || got[1] != 222 {
			t.Fatalf("widths kept: %v", got)
		}
		next := newTransactionsTab(f.shell.env, f.backend, f.shell.acct)
		if next.table.shown[1] != 222 {
			t.Fatalf("a new ledger's Kind column: %v wide, the user made it 222", next.table.shown[1])
		}
	})
}

// adjust records a staff adjustment of amount for f's customer.
func adjust(t *testing.T, f *fixture, amount billing.Money, reason string) {
	t.Helper()
	ctx := context.Background()
	staff := f.env.NewStaff()
	sc, err := apiclient.New(f.env.URL, apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.SignIn(ctx, staff.Email, staff.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.StaffAdjust(ctx, apiclient.NewIdempotencyKey(), f.user.ID,
		api.AdjustmentRequest{Amount: amount, Reason: reason}); err != nil {
		t.Fatal(err)
	}
}

// On a narrow window the invoice screen stacks its two columns: an unpaid
// invoice shows first how to pay it, a paid one first what it says.
func TestNarrowInvoiceShowsPayingFirstOnlyWhenUnpaid(t *testing.T) {
	f := start(t, billing.JPY, "en")
	inv := f.serviceInvoice(t, 3_000)
	above := func(a, b fyne.CanvasObject) bool {
		ra, _ := placeOf(f.shell.win, a)
		rb, _ := placeOf(f.shell.win, b)
		return ra.pos.Height < rb.pos.Height
	}
	f.openInvoice(t, inv)
	f.rec.onUI(func() {
		f.shell.win.Resize(smallScreen)
		if v := f.invoice(); !above(v.payCard, v.details.lines) {
			t.Error("an unpaid invoice on a narrow window: Pay Now! is not first")
		}
	})
	paid := f.paidInvoice(t)
	f.openInvoice(t, paid)
	f.rec.onUI(func() {
		v := f.invoice()
		if save := findButton(v.object(), "Download PDF"); !above(v.details.lines, save) {
			t.Error("a paid invoice on a narrow window: its lines are not first")
		}
	})
}

// On a large screen forms and the invoice keep a readable width instead
// of stretching across it: each of their two columns less than two thirds
// of readableWidth (across 1920 pixels they would be some 900 wide).
func TestFormsStayReadableOnWideWindows(t *testing.T) {
	f := start(t, billing.JPY, "en")
	inv := f.serviceInvoice(t, 3_000)
	f.rec.onUI(func() {
		f.shell.win.Resize(fyne.NewSize(1920, 1080))
		f.shell.billing.selectTab(1)
		if r, _ := placeOf(f.shell.win, f.shell.billing.addFunds.get().amount); r.size.Width > readableWidth*2/3 {
			t.Errorf("the amount field is %v wide", r.size.Width)
		}
	})
	f.openInvoice(t, inv)
	f.rec.onUI(func() {
		if r, _ := placeOf(f.shell.win, f.invoice().details.lines); r.size.Width > readableWidth*2/3 {
			t.Errorf("the invoice's lines are %v wide", r.size.Width)
		}
		about := f.shell.sections[len(f.shell.sections)-1].screen.(*later[*aboutScreen])
		f.shell.showScreen(about)()
		screen, _ := placeOf(f.shell.win, about.object())
		if r, _ := placeOf(f.shell.win, about.get().archive); r.pos.Width+r.size.Width > screen.pos.Width+readableWidth {
			t.Errorf("About's values reach %v from its left edge", r.pos.Width+r.size.Width-screen.pos.Width)
		}
	})
}

// A tooltip goes with its screen: the back button's, shown while it had
// the focus, is not left over the tab the user goes to, nor over another
// section.
// A tooltip leaves when its control moves: Pay Now's stayed over the bank
// details that appeared above the button's new place.
func TestTooltipLeavesAControlThatMoved(t *testing.T) {
	f := start(t, billing.JPY, "en")
	f.openInvoice(t, f.serviceInvoice(t, 3_000))
	tips := func() *tipLayer { return f.shell.win.Canvas().Content().(*tipLayer) }
	var pay *button
	f.rec.onUI(func() {
		pay = f.invoice().pay
		f.shell.win.Canvas().Unfocus() // the invoice opened with Pay Now focused, quietly
		f.shell.win.Canvas().Focus(pay)
	})
	eventually(t, f, "Pay Now's tooltip", func() bool { return tips().shownTip() != "" })
	f.rec.onUI(func() { pay.Move(pay.Position().AddXY(0, 120)) }) // as a layout change moves it
	eventually(t, f, "the tooltip to leave the moved button", func() bool { return tips().shownTip() == "" })
}

func TestTooltipsLeaveWithTheirScreen(t *testing.T) {
	f := start(t, billing.JPY, "en")
	inv := f.serviceInvoice(t, 3_000)
	tips := func() *tipLayer { return f.shell.win.Canvas().Content().(*tipLayer) }
	for _, leave := range []func(){
		func() { f.shell.billing.selectTab(2) },
		f.shell.showScreen(f.shell.settings),
	} {
		f.openInvoice(t, inv)
		f.rec.onUI(func() { f.shell.win.Canvas().Focus(f.invoice().back) })
		eventually(t, f, "the back button's tooltip", func() bool { return tips().shownTip() != "" })
		f.rec.onUI(func() {
			leave()
			if got := tips().shownTip(); got != "" {
				t.Errorf("the tooltip %q stayed", got)
			}
		})
		f.rec.onUI(f.shell.showScreen(f.shell.billing))
	}
}

// A screen that opens focuses its main control without that control's
// tooltip, which lay over the invoice's title (Back to invoices) or the
// Apply Credit heading (Pay Now!); Tab still shows the tooltip of the
// control it reaches.
func TestOpeningAScreenShowsNoTooltip(t *testing.T) {
	f := start(t, billing.JPY, "en")
	tips := func() *tipLayer { return f.shell.win.Canvas().Content().(*tipLayer) }
	for _, inv := range []api.Invoice{f.serviceInvoice(t, 3_000), f.paidInvoice(t)} {
		f.openInvoice(t, inv)
		f.rec.onUI(func() {
			if f.shell.win.Canvas().Focused() == nil {
				t.Fatalf("invoice %s opened with nothing focused", inv.Number)
			}
			if tips().owner != nil {
				t.Errorf("invoice %s opened with a tooltip due for the focused control", inv.Number)
			}
			for range 20 { // Tab to the next control that has a tooltip
				f.shell.win.Canvas().FocusNext()
				if b, ok := f.shell.win.Canvas().Focused().(*button); ok && b.tip != "" {
					return
				}
			}
			t.Fatal("Tab reached no control with a tooltip")
		})
		eventually(t, f, "the tooltip of the control Tab reached", func() bool { return tips().shownTip() != "" })
		f.rec.onUI(f.shell.showScreen(f.shell.billing))
	}
}

// The credit policy's version, a day, is written as every other date is
// (it showed as "version 2026-06-01" among "1 Jun 2026"s).
func TestPolicyVersionIsADate(t *testing.T) {
	for language, want := range map[string][2]string{
		"en": {"Account Credit Handling Policy of 1 Jun 2026", "Account Credit Handling Policy (version v3)"},
		"ja": {"アカウントクレジット取扱ポリシー（2026年6月1日版）", "アカウントクレジット取扱ポリシー（第v3版）"},
	} {
		t.Run(language, func(t *testing.T) {
			f := start(t, billing.JPY, language)
			f.rec.onUI(func() {
				if got := f.shell.billing.addFunds.get().policyLink.Text; got != want[0] {
					t.Fatalf("policy link %q, want %q", got, want[0])
				}
			})
			if got := policyTitle("v3"); got != want[1] {
				t.Fatalf("a version that is no day: %q, want %q", got, want[1])
			}
		})
	}
}

// A wait for the rate limit that ends on another day says which: a bare
// time of day read as later today.
func TestWaitUntilTomorrowSaysTheDay(t *testing.T) {
	if err := LoadTranslations("en"); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 23, 0, 0, 0, time.Local)
	if got := fmtUntil(now, now.Add(30*time.Second)); got != "23:00:30" {
		t.Errorf("30 s: %q", got)
	}
	if got := fmtUntil(now, now.Add(2*time.Hour)); got != "7 Dec 2026 01:00" {
		t.Errorf("2 h: %q", got)
	}
}
