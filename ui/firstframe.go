package ui

import (
	"context"
	"image"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// firstFrameWait is how long a window holds its loads' results at most
// when nothing draws it (a window that opens minimised).
var firstFrameWait = time.Second

// holdUntilDrawn holds the runner's results until the window has drawn
// the object it returns (its first frame), until firstFrameWait has
// passed, or until the window closes, whichever comes first.
//
// Under llvmpipe a window's first frame with content takes 30–50 ms to
// draw, and the demo server answers the window's first loads (its rules,
// the balance, the invoices) 15–30 ms after they were asked for. When the
// answers came before that frame, putting them in (15–20 ms, most of it
// sizing the invoice list's columns) and drawing them made it late: the
// content showed 60–150 ms after it was set instead of 30–55, in about
// half of the starts. Held, it shows 32–57 ms after, and the invoices one
// frame later than at best before: later starts, interleaved, 15 each,
// medians of 38 against 45 ms for the content, 105 against 90 ms for
// the invoices (scripts/framewatch timing the frames).
func (f *frame) holdUntilDrawn() fyne.CanvasObject {
	release := f.run.holdResults()
	time.AfterFunc(firstFrameWait, release)
	context.AfterFunc(f.ctx, release)
	return newDrawnHook(release)
}

// newDrawnHook returns an object that calls drawn the first time it is
// drawn: a transparent pixel in the top left-hand corner, whose pixels
// the painter asks for as it draws it.
func newDrawnHook(drawn func()) fyne.CanvasObject {
	once := sync.OnceFunc(drawn)
	pixel := canvas.NewRaster(func(int, int) image.Image {
		once()
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	pixel.Resize(fyne.NewSize(1, 1))
	return container.NewWithoutLayout(pixel)
}
