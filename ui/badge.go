package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// badge is a short bold text on a rounded primary-coloured background
// (the "Demo" marker). Unlike a canvas.Text and a canvas.Rectangle, it
// takes its colours from the theme whenever it refreshes, so a theme
// switch repaints it.
type badge struct {
	widget.BaseWidget
	text string
}

func newBadge(text string) *badge {
	b := &badge{text: text}
	b.ExtendBaseWidget(b)
	return b
}

func (b *badge) CreateRenderer() fyne.WidgetRenderer {
	txt := canvas.NewText(b.text, nil)
	txt.TextStyle.Bold = true
	r := &badgeRenderer{b: b, bg: canvas.NewRectangle(nil), txt: txt}
	r.Refresh()
	return r
}

type badgeRenderer struct {
	b   *badge
	bg  *canvas.Rectangle
	txt *canvas.Text
}

func (r *badgeRenderer) padding() fyne.Size {
	p := r.b.Theme().Size(theme.SizeNameInnerPadding)
	return fyne.NewSize(p, p/2)
}

func (r *badgeRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	p := r.padding()
	r.txt.Move(fyne.NewPos(p.Width, p.Height))
	r.txt.Resize(s.Subtract(p).Subtract(p))
}

func (r *badgeRenderer) MinSize() fyne.Size {
	p := r.padding()
	return r.txt.MinSize().Add(p).Add(p)
}

func (r *badgeRenderer) Refresh() {
	th, v := r.b.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	r.bg.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.txt.Text = r.b.text
	r.txt.Color = th.Color(theme.ColorNameForegroundOnPrimary, v)
	r.txt.TextSize = th.Size(theme.SizeNameText)
	r.bg.Refresh()
	r.txt.Refresh()
}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.txt} }

func (r *badgeRenderer) Destroy() {}
