package desktop

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// fitScreen shrinks a shown window that is larger than the screen's work
// area to fit it: a 1024×640 window on a 800×600 screen would otherwise
// hang off its edges, since Fyne opens windows at the size asked for. On
// the UI goroutine, after Show (the window's scale is known only then).
func fitScreen(w fyne.Window) {
	screen, ok := workArea(w)
	if size := w.Canvas().Size(); ok && (size.Width > screen.Width || size.Height > screen.Height) {
		w.Resize(size.Min(screen))
	}
}

// workArea is the primary screen's area for windows (without panels), in
// w's units. Fyne has no screen size of its own; GLFW, which it runs on,
// has.
func workArea(w fyne.Window) (fyne.Size, bool) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return fyne.Size{}, false
	}
	_, _, width, height := m.GetWorkarea()
	scale := w.Canvas().Scale()
	if width <= 0 || height <= 0 || scale <= 0 {
		return fyne.Size{}, false
	}
	return fyne.NewSize(float32(width)/scale, float32(height)/scale), true
}
