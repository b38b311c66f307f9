package ui

import (
	"image/color"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The keyboard: every control the mouse reaches, Tab reaches too, and a
// focused control answers the keys a desktop user expects. Fyne's button
// takes only Space, its list and table take Space to select, and its
// focus blends into a primary button's colour; the types here add Enter,
// draw a ring around a focused control that shows on any importance and
// in either theme, and name a button's shortcut in its tooltip.

// ctrl is a shortcut with the platform's command key (Ctrl; ⌘ on macOS).
func ctrl(k fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

// withShift adds Shift to a shortcut.
func withShift(s *desktop.CustomShortcut) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: s.KeyName, Modifier: s.Modifier | fyne.KeyModifierShift}
}

// The shortcuts of the main actions: the main menu shows them, and the
// tooltips of the buttons that do the same.
var (
	keyAddFunds = ctrl(fyne.KeyN)
	keyRefresh  = ctrl(fyne.KeyR)
	keyPay      = ctrl(fyne.KeyReturn)
	keyPDF      = ctrl(fyne.KeyS)
	keyFind     = ctrl(fyne.KeyF)
	keyBack     = &desktop.CustomShortcut{KeyName: fyne.KeyLeft, Modifier: fyne.KeyModifierAlt}
	keyNextTab  = ctrl(fyne.KeyPageDown)
	keyPrevTab  = ctrl(fyne.KeyPageUp)
)

// keyTexts name keys as Fyne's menus do, so that a tooltip and the menu
// write a shortcut the same way.
var keyTexts = map[fyne.KeyName]string{
	fyne.KeyReturn: "Return", fyne.KeyEnter: "Enter", fyne.KeyPageDown: "PgDn", fyne.KeyPageUp: "PgUp",
	fyne.KeyLeft: "←", fyne.KeyRight: "→", fyne.KeyUp: "↑", fyne.KeyDown: "↓", fyne.KeyTab: "Tab",
	fyne.KeyEscape: "Esc", fyne.KeyComma: ",",
}

// shortcutText writes a shortcut as the main menu shows it ("Ctrl+N").
func shortcutText(s *desktop.CustomShortcut) string {
	var b strings.Builder
	mac := runtime.GOOS == "darwin"
	for _, m := range []struct {
		mod        fyne.KeyModifier
		text, darw string
	}{
		{fyne.KeyModifierControl, "Ctrl+", "⌃"}, {fyne.KeyModifierAlt, "Alt+", "⌥"},
		{fyne.KeyModifierShift, "Shift+", "⇧"}, {fyne.KeyModifierSuper, "Super+", "⌘"},
	} {
		if s.Modifier&m.mod == 0 {
			continue
		}
		if mac {
			b.WriteString(m.darw)
		} else {
			b.WriteString(m.text)
		}
	}
	if t, ok := keyTexts[s.KeyName]; ok {
		b.WriteString(t)
	} else {
		b.WriteString(string(s.KeyName))
	}
	return b.String()
}

// isActivate reports whether a key activates the focused control.
func isActivate(k fyne.KeyName) bool {
	return k == fyne.KeySpace || k == fyne.KeyReturn || k == fyne.KeyEnter
}

// button is widget.Button as the keyboard expects it: Enter activates it
// as Space does and keeps the focus where it was, focus draws a ring (and
// only a ring), and hovering or focusing it shows its tooltip.
type button struct {
	widget.Button
	tip     string // what the tooltip says; the text with its shortcut
	focused bool
}

func newButton(label string, icon fyne.Resource, tapped func()) *button {
	b := &button{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// withTip sets what the tooltip says: the button's text (or name, for an
// icon-only button) and its shortcut, as the main menu writes it.
func (b *button) withTip(name string, s *desktop.CustomShortcut) *button {
	b.tip = name
	if s != nil {
		b.tip += " (" + shortcutText(s) + ")"
	}
	return b
}

// TypedKey activates the button on Space, Return and keypad Enter.
// widget.Button.Tapped would drop the focus (a click does not focus), so a
// key press runs the action itself: the next Tab goes on from here.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	if !isActivate(ev.Name) || b.Disabled() || b.OnTapped == nil {
		return
	}
	b.OnTapped()
}

// FocusGained draws the ring, and not Fyne's focused fill as well: the
// ring shows the focus on its own, and the fill, a wash darker than the
// button, made a focused button look pressed or disabled (text on it
// fell to about 4.6:1 in light).
func (b *button) FocusGained() {
	b.focused = true
	b.Refresh()
	showTip(b, b.tip)
}

func (b *button) FocusLost() {
	b.focused = false
	b.Refresh()
	hideTip(b)
}

func (b *button) MouseIn(ev *desktop.MouseEvent) {
	b.Button.MouseIn(ev)
	hoverTip(b, b.tip)
}

func (b *button) MouseOut() {
	b.Button.MouseOut()
	hideTip(b)
}

func (b *button) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(b.Button.CreateRenderer(), b, func() bool { return b.focused && !b.Disabled() })
}

// ringRenderer draws a focus ring around a widget that Fyne's own
// renderer draws: in the theme's focus colour, a gap away from the
// widget, so that it shows on a button of any colour (a primary button's
// is the focus colour's own hue) against the window's background.
type ringRenderer struct {
	fyne.WidgetRenderer
	owner   fyne.Widget
	ring    *canvas.Rectangle
	focused func() bool
}

func newRingRenderer(inner fyne.WidgetRenderer, owner fyne.Widget, focused func() bool) *ringRenderer {
	r := &ringRenderer{WidgetRenderer: inner, owner: owner, ring: canvas.NewRectangle(color.Transparent), focused: focused}
	r.style()
	return r
}

// ringWidth is the ring's stroke, ringGap the space between the ring and
// the widget; ringOut is how far the ring reaches outside the widget.
const (
	ringWidth = 2
	ringGap   = 2
	ringOut   = ringWidth + ringGap
)

func (r *ringRenderer) style() {
	th := fyne.CurrentApp().Settings().Theme()
	if w, ok := r.owner.(interface{ Theme() fyne.Theme }); ok {
		th = w.Theme()
	}
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.ring.StrokeColor = opaque(th.Color(theme.ColorNameFocus, v))
	r.ring.StrokeWidth = ringWidth
	r.ring.CornerRadius = th.Size(theme.SizeNameInputRadius) + ringOut
	r.ring.Hidden = !r.focused()
}

// opaque drops a colour's transparency: Fyne's focus colour is a wash
// meant to tint a background, a ring must stand on its own.
func opaque(c color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = 0xff
	return n
}

func (r *ringRenderer) Layout(s fyne.Size) {
	r.WidgetRenderer.Layout(s)
	r.ring.Move(fyne.NewPos(-ringOut, -ringOut))
	r.ring.Resize(s.AddWidthHeight(2*ringOut, 2*ringOut))
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	inner := r.WidgetRenderer.Objects()
	return append(inner[:len(inner):len(inner)], r.ring)
}

func (r *ringRenderer) Refresh() {
	r.style()
	r.WidgetRenderer.Refresh()
	r.ring.Refresh()
}

// navList is a list whose focused row Enter selects, as Space does.
type navList struct{ widget.List }

func newNavList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *navList {
	l := &navList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *navList) TypedKey(ev *fyne.KeyEvent) { l.List.TypedKey(asSpace(ev)) }

// asSpace turns Enter into Space, for the widgets that select on Space.
func asSpace(ev *fyne.KeyEvent) *fyne.KeyEvent {
	if isActivate(ev.Name) {
		return &fyne.KeyEvent{Name: fyne.KeySpace, Physical: ev.Physical}
	}
	return ev
}
