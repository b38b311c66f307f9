package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"billfold/billing"
)

// A spinner sweeps while it is shown and drawn, and not once hidden, also
// when it was hidden before it was first drawn. Fyne's infinite progress
// bar kept sweeping after Hide and restarted whenever its renderer was made.
func TestASpinnerAnimatesOnlyWhileShown(t *testing.T) {
	test.NewTempApp(t)
	shown, hidden := newSpinner(), newSpinner()
	hidden.Hide()
	w := test.NewWindow(container.NewVBox(shown, hidden))
	defer w.Close()
	w.Resize(fyne.NewSize(300, 200))
	if !shown.animating() || hidden.animating() {
		t.Fatalf("drawn: shown sweeps %v, hidden sweeps %v", shown.animating(), hidden.animating())
	}
	shown.Hide()
	hidden.Show()
	if shown.animating() || !hidden.animating() {
		t.Fatalf("swapped: the one hidden sweeps %v, the one shown %v", shown.animating(), hidden.animating())
	}
	hidden.Refresh() // a theme change refreshes hidden widgets too
	shown.Refresh()
	if shown.animating() {
		t.Fatal("a hidden spinner started sweeping when refreshed")
	}
}

// The "Starting the demo…" screen's spinner stops when the screen is done
// with, although nothing hides it: the main window's content replaces it.
func TestStartingScreenStopsItsSpinner(t *testing.T) {
	test.NewTempApp(t)
	screen, done := Starting()
	w := test.NewWindow(screen)
	defer w.Close()
	var spin *spinner
	var find func(o fyne.CanvasObject)
	find = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *spinner:
			spin = o
		case *fyne.Container:
			for _, c := range o.Objects {
				find(c)
			}
		}
	}
	find(screen)
	if spin == nil || !spin.animating() {
		t.Fatalf("the starting screen's spinner: %v", spin)
	}
	done()
	w.SetContent(widget.NewLabel("main window"))
	if spin.animating() {
		t.Fatal("the spinner sweeps on after the starting screen was replaced")
	}
}

// The spinner of an invoice waiting for its payment stops while another
// section is shown (the screen is kept, not closed, so nothing hid it)
// and sweeps again when Billing is shown again.
func TestAWaitingInvoicesSpinnerStopsInAnotherSection(t *testing.T) {
	f := start(t, billing.USD, "en")
	f.payFromInvoiceScreen(t, billing.New(50_00, billing.USD), "card")
	f.rec.onUI(func() {
		if v := f.invoice(); v.waiting == nil || !v.waitSpin.animating() {
			t.Fatalf("waiting %v, spinner sweeping %v", v.waiting != nil, v.waitSpin.animating())
		}
		f.shell.showSection(len(f.shell.sections) - 1) // About
		f.invoice().update()                           // as a live update does meanwhile
		if f.invoice().waitSpin.animating() {
			t.Fatal("the waiting spinner sweeps on behind About")
		}
	})
	f.rec.onUI(func() { f.shell.showSection(0) })
	// Until, not the next fetch's end: a status check started behind About
	// may end first, and the screen's own fetch shows the spinner again.
	f.rec.until(t, "the waiting spinner sweeping again on Billing", func() bool {
		v := f.invoice()
		return v.waiting != nil && v.waitSpin.animating()
	})
}
