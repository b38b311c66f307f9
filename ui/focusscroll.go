package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// focusLook is how often the window looks where the keyboard focus is.
const focusLook = 100 * time.Millisecond

// focusSeen is the focused control followFocus last brought into view and
// the window's size then.
type focusSeen struct {
	control fyne.Focusable
	size    fyne.Size
}

// followFocus scrolls the focused control into view whenever the focus
// moves or the window changes size (a smaller window can leave it below
// the fold), and takes a tooltip away from a control that moved. Fyne's scroll containers do not follow the keyboard, so Tab
// would go on to controls below the fold unseen; and Fyne tells no one
// when the focus moves, so the window looks a few times a second (two
// comparisons). A scroll by the mouse is left alone until one of them
// changes.
func (f *frame) followFocus() {
	ctx := f.ctx
	f.run.spawn(func() {
		t := time.NewTicker(focusLook)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			f.run.do(func() {
				if ctx.Err() != nil {
					return
				}
				if f.tips != nil {
					f.tips.keepWithOwner()
				}
				now := focusSeen{f.win.Canvas().Focused(), f.win.Canvas().Size()}
				if now != f.seen {
					f.seen = now
					if o, ok := now.control.(fyne.CanvasObject); ok {
						reveal(f.win.Canvas().Content(), o)
					}
				}
			})
		}
	})
}

// reveal scrolls every scroll container between root and o so that o
// shows, with room for its focus ring.
func reveal(root, o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	for _, s := range scrollsAbove(root, o, d) {
		margin := float32(ringOut) + 4
		at := d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(s.Content))
		off, view, content := s.Offset, s.Size(), s.Content.Size()
		fit := func(pos, size, offset, viewSize, contentSize float32) float32 {
			switch {
			case pos-margin < offset:
				offset = pos - margin
			case pos+size+margin > offset+viewSize:
				offset = pos + size + margin - viewSize
			}
			return max(0, min(offset, contentSize-viewSize))
		}
		if s.Direction != container.ScrollHorizontalOnly && s.Direction != container.ScrollNone {
			off.Y = fit(at.Y, o.Size().Height, off.Y, view.Height, content.Height)
		}
		if s.Direction != container.ScrollVerticalOnly && s.Direction != container.ScrollNone {
			off.X = fit(at.X, o.Size().Width, off.X, view.Width, content.Width)
		}
		if off != s.Offset {
			s.Offset = off
			s.Refresh()
		}
	}
}

// scrollsAbove lists the scroll containers on the way from root down to
// o, innermost first. The way goes through shown containers and the
// widgets that hold others (scrolls, splits, cards, forms); a control
// inside another widget (a radio button in its group) is found where that
// widget covers it.
func scrollsAbove(root, o fyne.CanvasObject, d fyne.Driver) []*container.Scroll {
	var path []*container.Scroll
	var find func(c fyne.CanvasObject) bool
	find = func(c fyne.CanvasObject) bool {
		if c == nil || !c.Visible() {
			return false
		}
		if c == o {
			return true
		}
		var children []fyne.CanvasObject
		switch x := c.(type) {
		case *fyne.Container:
			children = x.Objects
		case *container.Scroll:
			if find(x.Content) {
				path = append(path, x)
				return true
			}
			return false
		case *container.Split:
			children = []fyne.CanvasObject{x.Leading, x.Trailing}
		case *widget.Card:
			children = []fyne.CanvasObject{x.Content}
		case *widget.Form:
			for _, it := range x.Items {
				children = append(children, it.Widget)
			}
		case *tipLayer:
			children = []fyne.CanvasObject{x.content}
		default:
			return covers(c, o, d)
		}
		for _, ch := range children {
			if find(ch) {
				return true
			}
		}
		return false
	}
	find(root)
	return path
}

// covers reports whether o lies within c on the window.
func covers(c, o fyne.CanvasObject, d fyne.Driver) bool {
	cp, op := d.AbsolutePositionForObject(c), d.AbsolutePositionForObject(o)
	return op.X >= cp.X && op.Y >= cp.Y &&
		op.X+o.Size().Width <= cp.X+c.Size().Width && op.Y+o.Size().Height <= cp.Y+c.Size().Height
}
