package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/billing"
	"billfold/internal/server/servertest"
)

// press sends one key press to w the way Fyne's desktop driver does
// (fyne v2.7.2, internal/driver/glfw/window.go, processKeyPressed), which
// the test driver has no equivalent of: Tab and Shift+Tab move the focus
// unless the focused widget takes Tab; a key with Ctrl, Alt or Super is a
// shortcut, offered to the main menu first, then to the focused widget if
// it takes shortcuts, else to the canvas; any other key goes to the
// focused widget, or to the canvas when nothing has the focus.
func press(w fyne.Window, key fyne.KeyName, mods fyne.KeyModifier) {
	c := w.Canvas()
	ev := &fyne.KeyEvent{Name: key}
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyDown(ev)
		defer k.KeyUp(ev)
	}
	takesTab := false
	if t, ok := c.Focused().(fyne.Tabbable); ok {
		takesTab = t.AcceptsTab()
	}
	switch {
	case key == fyne.KeyTab && mods&^fyne.KeyModifierShift == 0 && !takesTab:
		if mods == 0 {
			c.FocusNext()
		} else {
			c.FocusPrevious()
		}
	case mods != 0 && mods != fyne.KeyModifierShift:
		shortcut(w, &desktop.CustomShortcut{KeyName: key, Modifier: mods})
	case c.Focused() != nil:
		c.Focused().TypedKey(ev)
	case c.OnTypedKey() != nil:
		c.OnTypedKey()(ev)
	}
	if key == fyne.KeySpace && mods&^fyne.KeyModifierShift == 0 {
		typeText(w, " ") // the driver sends the character too (a check takes it)
	}
}

// typeText types s as the desktop driver delivers characters: to the
// focused widget, or to the canvas when nothing has the focus.
func typeText(w fyne.Window, s string) {
	for _, r := range s {
		if f := w.Canvas().Focused(); f != nil {
			f.TypedRune(r)
		} else if h := w.Canvas().OnTypedRune(); h != nil {
			h(r)
		}
	}
}

// shortcut delivers a shortcut as the desktop driver does.
func shortcut(w fyne.Window, s fyne.Shortcut) {
	if m := w.MainMenu(); m != nil {
		for _, menu := range m.Items {
			for _, it := range menu.Items {
				if it.Shortcut != nil && it.Shortcut.ShortcutName() == s.ShortcutName() && it.Action != nil {
					it.Action()
					return
				}
			}
		}
	}
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

const ctrlKey = fyne.KeyModifierShortcutDefault

// The guide's whole flow with the keyboard alone: Ctrl+N to Add Funds, type
// the amount, Tab to the card and Space, Ctrl+N back to the amount, Enter
// (which says to tick the acknowledgement and goes there), Space, Tab to
// the button, Enter; the invoice opens on Pay Now!, and Enter opens the
// payment page.
func TestAddFundsAndPayWithTheKeyboardOnly(t *testing.T) {
	f := start(t, billing.JPY, "en")
	w := f.shell.win
	af := f.addFundsTab()
	focused := func() fyne.Focusable { return w.Canvas().Focused() }
	f.rec.onUI(func() {
		press(w, fyne.KeyN, ctrlKey)
		if focused() != fyne.Focusable(af.amount) || !af.amount.Visible() {
			t.Fatalf("Ctrl+N: focus on %T, want the amount", focused())
		}
		typeText(w, "10000")
		// Tab to the gateways, down to the card, and Space to choose it.
		for range 10 {
			if fmt.Sprintf("%T", focused()) == "*widget.radioItem" {
				break
			}
			press(w, fyne.KeyTab, 0)
		}
		for _, g := range f.shell.acct.gateways() {
			if g.ID == "card" {
				break
			}
			press(w, fyne.KeyTab, 0)
		}
		press(w, fyne.KeySpace, 0)
		if af.gateway.Selected != f.gatewayName("card") {
			t.Fatalf("gateway %q chosen by the keyboard, want the card", af.gateway.Selected)
		}
		press(w, fyne.KeyN, ctrlKey) // back to the amount
		press(w, fyne.KeyReturn, 0)
		if focused() != fyne.Focusable(af.accept) || !af.result.Visible() || !strings.Contains(af.result.Text, "Tick the box") {
			t.Fatalf("Enter before the acknowledgement: focus on %T, says %q", focused(), af.result.Text)
		}
	})
	// On a 800×600 window the form stacks and the acknowledgement is below
	// the fold (on a 1024×640 one it is in view from the start): the
	// window scrolls it into view, also when it was focused before the
	// window shrank.
	eventually(t, f, "the focus on the acknowledgement seen", func() bool {
		return f.shell.seen.control == fyne.Focusable(af.accept)
	})
	var scroll *container.Scroll
	f.rec.onUI(func() {
		w.Resize(fyne.NewSize(800, 600))
		scroll = af.root.(*container.Scroll)
	})
	eventually(t, f, "the acknowledgement scrolled into view", func() bool {
		return scroll.Offset.Y > 0 && covers(scroll, af.accept, fyne.CurrentApp().Driver())
	})
	f.rec.onUI(func() {
		press(w, fyne.KeySpace, 0)
		press(w, fyne.KeyTab, 0)
		if !af.accept.Checked || focused() != fyne.Focusable(af.submit) || af.result.Visible() {
			t.Fatalf("after Space, Tab: checked %v, focus on %T", af.accept.Checked, focused())
		}
	})
	added := f.rec.mark(TaskAddFunds)
	f.rec.onUI(func() { press(w, fyne.KeyReturn, 0) })
	f.rec.wait(t, TaskAddFunds, added)
	paid := f.rec.mark(TaskPay)
	f.rec.onUI(func() {
		v := f.invoice()
		if v == nil || v.inv.Total != billing.New(10_000, billing.JPY) {
			t.Fatalf("no add-funds invoice open: %+v", v)
		}
		if focused() != fyne.Focusable(v.pay) {
			t.Fatalf("invoice screen: focus on %T, want Pay Now!", focused())
		}
		press(w, fyne.KeyReturn, 0)
	})
	f.rec.wait(t, TaskPay, paid)
	if u := f.browser.next(t); !strings.Contains(u.Path, "checkout") {
		t.Fatalf("opened %s, want the checkout page", u)
	}
	f.rec.onUI(func() {
		if v := f.invoice(); v.waiting == nil || focused() == nil {
			t.Fatalf("not waiting for the browser, or the focus is lost (%T)", focused())
		}
	})
}

// name says what a focused control is, for the walk's messages.
func name(o fyne.Focusable) string {
	switch x := o.(type) {
	case *button:
		if x.Text == "" {
			return "button " + x.tip
		}
		return "button " + x.Text
	case *widget.Entry:
		return "entry " + x.PlaceHolder
	case *widget.Check:
		return "check " + x.Text
	case *tabStrip:
		return "tabs"
	}
	return fmt.Sprintf("%T", o)
}

// walk presses Tab until the focus comes round again and lists where it
// went.
func walk(t *testing.T, w fyne.Window) []string {
	t.Helper()
	w.Canvas().Unfocus()
	var seen []fyne.Focusable
	for range 200 {
		press(w, fyne.KeyTab, 0)
		f := w.Canvas().Focused()
		if f == nil || slices.Contains(seen, f) {
			break
		}
		seen = append(seen, f)
	}
	var names []string
	for _, f := range seen {
		names = append(names, name(f))
	}
	return names
}

// hasInOrder reports whether want appear in got in this order.
func hasInOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

// Tab reaches every main control in reading order — the header, the
// sidebar, the tabs, the tab's controls — and the arrow keys on the tabs
// show each tab; Shift+Tab walks back.
func TestKeyboardWalkReachesEveryMainControl(t *testing.T) {
	f := start(t, billing.JPY, "en")
	w := f.shell.win
	f.rec.onUI(func() {
		got := walk(t, w)
		want := []string{"button Refresh (Ctrl+R)", "*ui.navList", "button Sign out", "tabs", "*widget.Select", "button Refresh", "*ui.columnTable"}
		if !hasInOrder(got, want) {
			t.Fatalf("Tab on Invoices went %q, want %q in this order", got, want)
		}
		w.Canvas().Focus(f.shell.billing.tabs)
		press(w, fyne.KeyRight, 0)
		if f.shell.billing.tabs.Selected() != 1 || !f.shell.billing.addFunds.object().Visible() {
			t.Fatal("Right on the tabs did not show Add Funds")
		}
		got = walk(t, w)
		want = []string{"tabs", "entry Amount", "button ¥5,000", "*widget.radioItem", "*widget.Hyperlink",
			"check I understand that added credit is non-refundable", "entry Voucher code"}
		if !hasInOrder(got, want) {
			t.Fatalf("Tab on Add Funds went %q, want %q in this order", got, want)
		}
		w.Canvas().Focus(f.shell.billing.addFunds.get().voucher)
		press(w, fyne.KeyTab, fyne.KeyModifierShift)
		if w.Canvas().Focused() != fyne.Focusable(f.shell.billing.addFunds.get().accept) {
			t.Fatalf("Shift+Tab from the voucher went to %s", name(w.Canvas().Focused()))
		}
		w.Canvas().Focus(f.shell.billing.tabs)
		for _, k := range []fyne.KeyName{fyne.KeyRight, fyne.KeyRight, fyne.KeyEnd, fyne.KeyHome, fyne.KeyLeft} {
			press(w, k, 0)
		}
		if got := f.shell.billing.tabs.Selected(); got != 2 {
			t.Fatalf("Right, Right (wraps), End, Home, Left (wraps) chose tab %d, want 2", got)
		}
	})
}

// Every screen and main action has a shortcut in the main menu, none
// twice; each shows its screen and puts the keyboard there; what applies
// only to an open invoice is greyed out without one. Ctrl+Tab and
// Ctrl+Shift+Tab switch tabs too, but not from a text field, which keeps
// them (only the menu's shortcuts come before the focused widget).
func TestMainMenuShortcutsShowEachScreen(t *testing.T) {
	f := start(t, billing.JPY, "en")
	w := f.shell.win
	f.rec.onUI(func() {
		names := map[string]string{}
		for _, m := range w.MainMenu().Items {
			for _, it := range m.Items {
				if it.IsSeparator || it.Label == "Sign out" {
					continue
				}
				if it.Shortcut == nil {
					t.Errorf("%s › %s has no shortcut", m.Label, it.Label)
					continue
				}
				if other, ok := names[it.Shortcut.ShortcutName()]; ok {
					t.Errorf("%s and %s share a shortcut", other, it.Label)
				}
				names[it.Shortcut.ShortcutName()] = it.Label
			}
		}
		byLabel := func(label string) *fyne.MenuItem {
			for _, m := range w.MainMenu().Items {
				for _, it := range m.Items {
					if it.Label == label {
						return it
					}
				}
			}
			t.Fatalf("no menu item %q", label)
			return nil
		}
		for _, label := range []string{"Pay Now!", "Download PDF…", "Back to invoices"} {
			if !byLabel(label).Disabled {
				t.Errorf("%s enabled without an open invoice", label)
			}
		}
		b := f.shell.billing
		for _, c := range []struct {
			key   fyne.KeyName
			mods  fyne.KeyModifier
			shown fyne.CanvasObject
			focus fyne.Focusable
		}{
			{fyne.Key3, ctrlKey, b.transactions.object(), b.transactions.get().table},
			{fyne.Key2, ctrlKey, b.addFunds.object(), b.addFunds.get().amount},
			{fyne.Key4, ctrlKey, f.shell.settings.object(), f.shell.settings.get().language}, // no Archive here
			{fyne.Key1, ctrlKey, b.invoices.object(), b.invoices.table},
			{fyne.KeyTab, ctrlKey, b.addFunds.object(), b.addFunds.get().amount},
			{fyne.KeyPageDown, ctrlKey, b.transactions.object(), b.transactions.get().table},
			{fyne.KeyTab, ctrlKey | fyne.KeyModifierShift, b.addFunds.object(), b.addFunds.get().amount},
			{fyne.KeyPageUp, ctrlKey, b.invoices.object(), b.invoices.table},
		} {
			press(w, c.key, c.mods)
			if !visibleOn(w, c.shown) || w.Canvas().Focused() != c.focus {
				t.Errorf("%s: screen shown %v, focus on %s", shortcutText(&desktop.CustomShortcut{KeyName: c.key, Modifier: c.mods}),
					visibleOn(w, c.shown), name(w.Canvas().Focused()))
			}
		}
	})
}

// visibleOn reports whether o is on w's canvas and neither it nor any
// container above it is hidden.
func visibleOn(w fyne.Window, o fyne.CanvasObject) bool {
	found := false
	var look func(c fyne.CanvasObject) bool
	look = func(c fyne.CanvasObject) bool {
		if !c.Visible() {
			return false
		}
		if c == o {
			found = true
			return true
		}
		var children []fyne.CanvasObject
		switch x := c.(type) {
		case fyne.Widget:
			children = test.WidgetRenderer(x).Objects()
		case *fyne.Container:
			children = x.Objects
		}
		return slices.ContainsFunc(children, look)
	}
	look(w.Content())
	return found
}

// Enter and keypad Enter activate a focused button as Space does, and the
// focus stays on it for the next Tab; a disabled button does nothing.
func TestEnterAndSpaceActivateAFocusedButton(t *testing.T) {
	test.NewTempApp(t)
	taps := 0
	b := newButton("Go", nil, func() { taps++ })
	w := test.NewWindow(container.NewVBox(b, widget.NewEntry()))
	defer w.Close()
	w.Canvas().Focus(b)
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace, fyne.KeyA} {
		press(w, k, 0)
	}
	if taps != 3 || w.Canvas().Focused() != fyne.Focusable(b) {
		t.Fatalf("%d taps, focus on %T; want 3 on the button", taps, w.Canvas().Focused())
	}
	b.Disable()
	press(w, fyne.KeyReturn, 0)
	if taps != 3 {
		t.Fatal("a disabled button acted")
	}
}

// Enter selects the focused row of a list or table, as Space does: the
// sidebar and the invoice list answer the key a user tries first.
func TestEnterSelectsInListsAndTables(t *testing.T) {
	test.NewTempApp(t)
	var chosen []string
	l := newNavList(func() int { return 2 }, func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(fmt.Sprint(i)) })
	l.OnSelected = func(i widget.ListItemID) { chosen = append(chosen, fmt.Sprint("list ", i)) }
	tb := newColumnTable(nil, "", []string{"Number"}, 0, func() int { return 2 }, func() fyne.CanvasObject { return widget.NewLabel("") },
		func(widget.TableCellID, fyne.CanvasObject) {})
	tb.OnSelected = func(id widget.TableCellID) { chosen = append(chosen, fmt.Sprint("table ", id.Row)) }
	w := test.NewWindow(container.NewGridWithRows(2, l, tb))
	defer w.Close()
	w.Resize(fyne.NewSize(300, 400))
	w.Canvas().Focus(l)
	press(w, fyne.KeyDown, 0)
	press(w, fyne.KeyReturn, 0)
	w.Canvas().Focus(tb)
	press(w, fyne.KeyDown, 0)
	press(w, fyne.KeyEnter, 0)
	if want := []string{"list 1", "table 1"}; !slices.Equal(chosen, want) {
		t.Fatalf("chose %q, want %q", chosen, want)
	}
}

// A button's tooltip names its shortcut as the menu writes it; it shows
// when the button gets the keyboard focus or the pointer rests on it, and
// goes when either leaves.
func TestTooltipsNameTheShortcut(t *testing.T) {
	test.NewTempApp(t)
	b := newButton("", nil, func() {}).withTip("Refresh", keyRefresh)
	other := newButton("Other", nil, func() {})
	var due func()
	tips := newTipLayer(container.NewVBox(b, other), func(_ time.Duration, f func()) { due = f })
	w := test.NewWindow(tips)
	defer w.Close()
	w.Resize(fyne.NewSize(300, 200))

	w.Canvas().Focus(b)
	due()
	if got := tips.shownTip(); got != "Refresh (Ctrl+R)" {
		t.Fatalf("focused: tooltip %q", got)
	}
	w.Canvas().Focus(other)
	if got := tips.shownTip(); got != "" {
		t.Fatalf("focus gone: tooltip %q", got)
	}
	due = nil
	test.MoveMouse(w.Canvas(), b.Position().AddXY(5, 5))
	if tips.shownTip() != "" || due == nil {
		t.Fatal("the tooltip showed before the pointer rested")
	}
	due()
	if got := tips.shownTip(); got != "Refresh (Ctrl+R)" {
		t.Fatalf("hovered: tooltip %q", got)
	}
	test.MoveMouse(w.Canvas(), other.Position().AddXY(5, 5))
	if got := tips.shownTip(); got != "" {
		t.Fatalf("pointer gone: tooltip %q", got)
	}
}

// Staff have their own menu: Customers, Bank statements, Archive and
// Settings on Ctrl+1…, Find a customer on Ctrl+F (to the search field),
// and Enter opens the customer the list's focus is on.
func TestStaffShortcuts(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	env.NewCustomer(billing.JPY)
	s, rec := startStaff(t, env, nil)
	rec.wait(t, TaskCustomers, 0)
	w := s.win
	rec.onUI(func() {
		press(w, fyne.Key2, ctrlKey)
		if s.shown != screen(s.statements) || w.Canvas().Focused() != fyne.Focusable(s.statements.get().upload) {
			t.Fatalf("Ctrl+2: shown %T, focus %s", s.shown, name(w.Canvas().Focused()))
		}
		press(w, fyne.Key3, ctrlKey)
		if s.shown != screen(s.settings) || w.Canvas().Focused() != fyne.Focusable(s.settings.get().language) {
			t.Fatalf("Ctrl+3: shown %T, focus %s", s.shown, name(w.Canvas().Focused()))
		}
		press(w, fyne.KeyF, ctrlKey)
		if s.shown != screen(s.customers) || w.Canvas().Focused() != fyne.Focusable(s.customers.search) {
			t.Fatalf("Ctrl+F: shown %T, focus %s", s.shown, name(w.Canvas().Focused()))
		}
		w.Canvas().Focus(s.customers.results)
		press(w, fyne.KeyReturn, 0)
	})
	rec.wait(t, TaskCustomer, 0)
}

// A control that gets the focus below the fold of a scroll container is
// scrolled into view, with its ring; one in view leaves the scroll alone.
func TestFocusScrollsIntoView(t *testing.T) {
	test.NewTempApp(t)
	top, bottom := widget.NewEntry(), widget.NewCheck("Last", nil)
	spacer := canvasSpacer(1000)
	scroll := container.NewVScroll(container.NewVBox(top, spacer, widget.NewCard("", "", bottom)))
	w := test.NewWindow(newTipLayer(scroll, nil))
	defer w.Close()
	w.Resize(fyne.NewSize(300, 300))
	reveal(w.Content(), top)
	if scroll.Offset.Y != 0 {
		t.Fatalf("scrolled to %v for a control in view", scroll.Offset)
	}
	reveal(w.Content(), bottom)
	below := scroll.Offset.Y + scroll.Size().Height
	if at := bottom.Position().Y; scroll.Offset.Y == 0 || below < 1000 {
		t.Fatalf("offset %v (view ends at %v) for a control at %v", scroll.Offset, below, at)
	}
	reveal(w.Content(), top)
	if scroll.Offset.Y != 0 {
		t.Fatalf("back to the top: offset %v", scroll.Offset)
	}
}

// canvasSpacer is a blank of height h.
func canvasSpacer(h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(10, h))
	return r
}

// eventually checks cond on the UI until it holds; the deadline only
// guards against a hang.
func eventually(t *testing.T, f *fixture, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok bool
		f.rec.onUI(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A focused button shows a ring and keeps its own colour: Fyne's focused
// fill on top of the ring made it look pressed or disabled.
func TestFocusedButtonShowsARingOnly(t *testing.T) {
	for _, mode := range []string{"light", "dark"} {
		t.Run(mode, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(NewTheme(mode))
			for _, imp := range []widget.Importance{widget.LowImportance, widget.MediumImportance, widget.HighImportance} {
				b := newButton("Back to invoices", theme.NavigateBackIcon(), func() {})
				b.Importance = imp
				w := test.NewWindow(b)
				r := test.WidgetRenderer(b).(*ringRenderer)
				fill := func() color.Color {
					for _, o := range r.Objects() {
						if rect, ok := o.(*canvas.Rectangle); ok && rect != r.ring {
							return rect.FillColor
						}
					}
					t.Fatal("no background")
					return nil
				}
				before := fill()
				w.Canvas().Focus(b)
				if r.ring.Hidden {
					t.Errorf("importance %d: no ring on the focused button", imp)
				}
				if after := fill(); after != before {
					t.Errorf("importance %d: focus changed the fill from %v to %v", imp, before, after)
				}
				w.Canvas().Unfocus()
				if !r.ring.Hidden {
					t.Errorf("importance %d: the ring stayed after the focus left", imp)
				}
				w.Close()
			}
		})
	}
}
