package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tipDelay is how long the pointer rests on a button before its tooltip
// shows; keyboard focus shows it at once.
const tipDelay = 600 * time.Millisecond

// tipLayer is a window's content with room for one tooltip above it. The
// tooltip is plain canvas objects, not a widget or a pop-up, so clicks and
// the pointer pass through to what is under it.
type tipLayer struct {
	widget.BaseWidget
	content fyne.CanvasObject
	bg      *canvas.Rectangle
	text    *canvas.Text
	owner   fyne.CanvasObject // whose tooltip shows or is due
	// after runs f on the UI goroutine after d; tests replace it.
	after func(d time.Duration, f func())
}

func newTipLayer(content fyne.CanvasObject) *tipLayer {
	l := &tipLayer{content: content, bg: canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground)),
		text: canvas.NewText("", theme.Color(theme.ColorNameForeground))}
	l.after = func(d time.Duration, f func()) { time.AfterFunc(d, func() { fyne.Do(f) }) }
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

// showTip shows o's tooltip now (o has the keyboard focus).
func showTip(o fyne.CanvasObject, text string) {
	if l := tipsFor(o); l != nil && text != "" {
		l.owner = o
		l.show(o, text)
	}
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
		l.owner = nil
		l.bg.Hide()
		l.text.Hide()
		l.Refresh()
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
	if d.CanvasForObject(o) == nil || !o.Visible() {
		return // gone meanwhile
	}
	pad := theme.InnerPadding() / 2
	l.text.Text = text
	l.text.TextSize = theme.CaptionTextSize()
	l.text.Color = theme.Color(theme.ColorNameForeground)
	l.bg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	l.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	size := l.text.MinSize().AddWidthHeight(2*pad, 2*pad)
	at := d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(l))
	pos := fyne.NewPos(at.X, at.Y+o.Size().Height+ringWidth+2)
	if pos.Y+size.Height > l.Size().Height {
		pos.Y = at.Y - size.Height - ringWidth - 2
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

func (r *tipRenderer) Refresh() {
	r.l.bg.Refresh()
	r.l.text.Refresh()
}

func (r *tipRenderer) Destroy() {}
