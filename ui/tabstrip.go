package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tabStrip is a row of tabs that the keyboard reaches, where
// container.AppTabs' tabs take only clicks: Tab focuses the strip, Left
// and Right (Home, End) choose a tab, as in a desktop tab control; a
// click chooses one too. It draws what AppTabs does (the chosen tab in the
// primary colour over an underline, hover) and a focus ring.
type tabStrip struct {
	widget.BaseWidget
	names      []string
	selected   int
	hovered    int // -1: none
	focused    bool
	onSelected func(int)
}

var _ fyne.Focusable = (*tabStrip)(nil)

func newTabStrip(names []string, onSelected func(int)) *tabStrip {
	s := &tabStrip{names: names, hovered: -1, onSelected: onSelected}
	s.ExtendBaseWidget(s)
	return s
}

// Select chooses tab i and tells onSelected, even when it was chosen.
func (s *tabStrip) Select(i int) {
	if i < 0 || i >= len(s.names) {
		return
	}
	s.selected = i
	s.Refresh()
	if s.onSelected != nil {
		s.onSelected(i)
	}
}

// Selected is the chosen tab's index.
func (s *tabStrip) Selected() int { return s.selected }

// step chooses the tab d places on, wrapping around.
func (s *tabStrip) step(d int) {
	n := len(s.names)
	s.Select(((s.selected+d)%n + n) % n)
}

func (s *tabStrip) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyLeft:
		s.step(-1)
	case fyne.KeyRight:
		s.step(1)
	case fyne.KeyHome:
		s.Select(0)
	case fyne.KeyEnd:
		s.Select(len(s.names) - 1)
	}
}

func (s *tabStrip) TypedRune(rune) {}

func (s *tabStrip) FocusGained() {
	s.focused = true
	s.Refresh()
}

func (s *tabStrip) FocusLost() {
	s.focused = false
	s.Refresh()
}

func (s *tabStrip) Tapped(ev *fyne.PointEvent) {
	if i := s.tabAt(ev.Position); i >= 0 {
		s.Select(i)
	}
}

func (s *tabStrip) MouseIn(ev *desktop.MouseEvent) { s.MouseMoved(ev) }

func (s *tabStrip) MouseMoved(ev *desktop.MouseEvent) {
	if i := s.tabAt(ev.Position); i != s.hovered {
		s.hovered = i
		s.Refresh()
	}
}

func (s *tabStrip) MouseOut() {
	s.hovered = -1
	s.Refresh()
}

// tabAt is the tab under p, or -1.
func (s *tabStrip) tabAt(p fyne.Position) int {
	x := float32(0)
	for i := range s.names {
		w := s.tabWidth(i)
		if p.X >= x && p.X < x+w {
			return i
		}
		x += w
	}
	return -1
}

func (s *tabStrip) tabWidth(i int) float32 {
	th := s.Theme()
	return fyne.MeasureText(s.names[i], th.Size(theme.SizeNameText), fyne.TextStyle{Bold: true}).Width +
		4*th.Size(theme.SizeNameInnerPadding)
}

func (s *tabStrip) CreateRenderer() fyne.WidgetRenderer {
	r := &tabStripRenderer{s: s, divider: canvas.NewRectangle(color.Transparent), hover: canvas.NewRectangle(color.Transparent),
		underline: canvas.NewRectangle(color.Transparent), ring: canvas.NewRectangle(color.Transparent)}
	for _, n := range s.names {
		t := canvas.NewText(n, color.Black)
		t.TextStyle.Bold = true
		t.Alignment = fyne.TextAlignCenter
		r.texts = append(r.texts, t)
	}
	r.Refresh()
	return r
}

type tabStripRenderer struct {
	s                               *tabStrip
	texts                           []*canvas.Text
	divider, hover, underline, ring *canvas.Rectangle
}

func (r *tabStripRenderer) height() float32 {
	th := r.s.Theme()
	return fyne.MeasureText("Ag", th.Size(theme.SizeNameText), fyne.TextStyle{Bold: true}).Height + 2*th.Size(theme.SizeNameInnerPadding)
}

func (r *tabStripRenderer) MinSize() fyne.Size {
	w := float32(0)
	for i := range r.s.names {
		w += r.s.tabWidth(i)
	}
	return fyne.NewSize(w, r.height()+r.bar())
}

// bar is the underline's thickness.
func (r *tabStripRenderer) bar() float32 {
	return 3 * r.s.Theme().Size(theme.SizeNameSeparatorThickness)
}

func (r *tabStripRenderer) Layout(size fyne.Size) {
	th := r.s.Theme()
	h := r.height()
	bar := r.bar()
	x := float32(0)
	for i, t := range r.texts {
		w := r.s.tabWidth(i)
		t.Move(fyne.NewPos(x, 0))
		t.Resize(fyne.NewSize(w, h))
		cell := func(o *canvas.Rectangle, pos fyne.Position, sz fyne.Size) {
			o.Move(pos)
			o.Resize(sz)
		}
		if i == r.s.hovered {
			cell(r.hover, fyne.NewPos(x, 0), fyne.NewSize(w, h))
		}
		if i == r.s.selected {
			cell(r.underline, fyne.NewPos(x, h), fyne.NewSize(w, bar))
			cell(r.ring, fyne.NewPos(x+ringWidth, ringWidth), fyne.NewSize(w-2*ringWidth, h-ringWidth))
		}
		x += w
	}
	thin := th.Size(theme.SizeNameSeparatorThickness)
	r.divider.Move(fyne.NewPos(0, h+bar-thin))
	r.divider.Resize(fyne.NewSize(size.Width, thin))
}

func (r *tabStripRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.hover, r.divider, r.underline}
	for _, t := range r.texts {
		objs = append(objs, t)
	}
	return append(objs, r.ring)
}

func (r *tabStripRenderer) Refresh() {
	th := r.s.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	for i, t := range r.texts {
		t.Text = r.s.names[i]
		t.TextSize = th.Size(theme.SizeNameText)
		t.Color = th.Color(theme.ColorNameForeground, v)
		if i == r.s.selected {
			t.Color = th.Color(theme.ColorNamePrimary, v)
		}
		t.Refresh()
	}
	r.hover.FillColor = th.Color(theme.ColorNameHover, v)
	r.hover.CornerRadius = th.Size(theme.SizeNameSelectionRadius)
	r.hover.Hidden = r.s.hovered < 0
	r.underline.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.divider.FillColor = th.Color(theme.ColorNameSeparator, v)
	r.ring.StrokeColor = opaque(th.Color(theme.ColorNameFocus, v))
	r.ring.StrokeWidth = ringWidth
	r.ring.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.ring.Hidden = !r.s.focused
	r.Layout(r.s.Size())
	for _, o := range []*canvas.Rectangle{r.hover, r.divider, r.underline, r.ring} {
		o.Refresh()
	}
}

func (r *tabStripRenderer) Destroy() {}
