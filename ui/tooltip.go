package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tipDelay is how long the pointer rests on a button before its tooltip
// shows; keyboard focus shows it after focusTipDelay, once a control just
// put on screen has been laid out and drawn (where it is is known then).
const (
	tipDelay      = 600 * time.Millisecond
	focusTipDelay = 50 * time.Millisecond
)

// tipLayer is a window's content with room for one tooltip above it. The
// tooltip is plain canvas objects, not a widget or a pop-up, so clicks and
// the pointer pass through to what is under it.
type tipLayer struct {
	widget.BaseWidget
	content fyne.CanvasObject
	bg      *canvas.Rectangle
	text    *canvas.Text
	owner   fyne.CanvasObject // whose tooltip shows or is due
	quiet   bool              // the app, not the user, is moving the focus
	ownerAt fyne.Position     // where owner was when its tooltip showed
	after   func(d time.Duration, f func())
}

// newTipLayer puts content under a tooltip layer; after runs f on the UI
// goroutine once d has passed (the window's runner does, so that a closed
// window's tooltips never fire).
func newTipLayer(content fyne.CanvasObject, after func(d time.Duration, f func())) *tipLayer {
	l := &tipLayer{content: content, bg: canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground)),
		text: canvas.NewText("", theme.Color(theme.ColorNameForeground)), after: after}
	l.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	l.bg.StrokeWidth = 1
	l.bg.CornerRadius = theme.InputRadiusSize()
	l.bg.Hide()
	l.text.Hide()
	l.ExtendBaseWidget(l)
	return l
}

func (l *tipLayer) CreateRenderer() fyne.WidgetRenderer {
	return &tipRenderer{l: l}
}

// tipsFor is the tooltip layer of the window o is in, if it has one.
func tipsFor(o fyne.CanvasObject) *tipLayer {
	c := fyne.CurrentApp().Driver().CanvasForObject(o)
	if c == nil {
		return nil
	}
	l, _ := c.Content().(*tipLayer)
	return l
}

// focusedTips is the tooltip layer of the window whose focus o has. A
// control focused as soon as it was put on screen is not yet known to
// Driver.CanvasForObject (which learns objects as they are drawn).
func focusedTips(o fyne.Focusable) *tipLayer {
	for _, w := range fyne.CurrentApp().Driver().AllWindows() {
		if w.Canvas().Focused() == o {
			l, _ := w.Canvas().Content().(*tipLayer)
			return l
		}
	}
	return nil
}

// showTip shows o's tooltip (o got the keyboard focus).
func showTip(o fyne.Focusable, text string) {
	l := focusedTips(o)
	if l == nil || text == "" || l.quiet {
		return
	}
	owner := o.(fyne.CanvasObject)
	l.owner = owner
	l.after(focusTipDelay, func() {
		if l.owner == owner {
			l.show(owner, text)
		}
	})
}

// hoverTip shows o's tooltip once the pointer has rested on it.
func hoverTip(o fyne.CanvasObject, text string) {
	l := tipsFor(o)
	if l == nil || text == "" {
		return
	}
	l.owner = o
	l.after(tipDelay, func() {
		if l.owner == o {
			l.show(o, text)
		}
	})
}

// hideTip hides o's tooltip, if it is the one showing or due.
func hideTip(o fyne.CanvasObject) {
	if l := tipsFor(o); l != nil && l.owner == o {
		l.hide()
	}
}

// hide hides the tooltip showing or due, whoever's it is.
func (l *tipLayer) hide() {
	l.owner = nil
	l.bg.Hide()
	l.text.Hide()
	l.Refresh()
}

// keepWithOwner hides a showing tooltip whose control moved or went away
// (a screen that grew above Pay Now once the bank details showed left its
// tooltip over them). The window calls it a few times a second.
func (l *tipLayer) keepWithOwner() {
	if l.owner == nil || !l.text.Visible() {
		return
	}
	if !l.owner.Visible() || fyne.CurrentApp().Driver().AbsolutePositionForObject(l.owner) != l.ownerAt {
		l.hide()
	}
}

// shownTip is the tooltip's text, "" when none shows.
func (l *tipLayer) shownTip() string {
	if !l.text.Visible() {
		return ""
	}
	return l.text.Text
}

// show puts the tooltip under o, or above it near the window's bottom,
// inside the window.
func (l *tipLayer) show(o fyne.CanvasObject, text string) {
	d := fyne.CurrentApp().Driver()
	if !o.Visible() {
		return // gone meanwhile
	}
	pad := theme.InnerPadding() / 2
	l.text.Text = text
	l.text.TextSize = theme.CaptionTextSize()
	l.paint()
	size := l.text.MinSize().AddWidthHeight(2*pad, 2*pad)
	l.ownerAt = d.AbsolutePositionForObject(o)
	at := l.ownerAt.Subtract(d.AbsolutePositionForObject(l))
	pos := fyne.NewPos(at.X, at.Y+o.Size().Height+ringOut+2)
	if pos.Y+size.Height > l.Size().Height {
		pos.Y = at.Y - size.Height - ringOut - 2
	}
	pos.X = max(0, min(pos.X, l.Size().Width-size.Width))
	pos.Y = max(0, pos.Y)
	l.bg.Move(pos)
	l.bg.Resize(size)
	l.text.Move(pos.AddXY(pad, pad))
	l.text.Resize(l.text.MinSize())
	l.bg.Show()
	l.text.Show()
	l.Refresh()
}

type tipRenderer struct{ l *tipLayer }

func (r *tipRenderer) Layout(s fyne.Size) { r.l.content.Resize(s) }

func (r *tipRenderer) MinSize() fyne.Size { return r.l.content.MinSize() }

func (r *tipRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.l.content, r.l.bg, r.l.text}
}

// paint takes the theme's colours, also while hidden, so that a theme
// switch leaves nothing of the other variant behind.
func (l *tipLayer) paint() {
	l.text.Color = theme.Color(theme.ColorNameForeground)
	l.bg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	l.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
}

func (r *tipRenderer) Refresh() {
	r.l.paint()
	r.l.bg.Refresh()
	r.l.text.Refresh()
}

func (r *tipRenderer) Destroy() {}
