// Command fynefloor opens a bare Fyne window (one label, the default theme)
// so that scripts/smoke.sh can measure the resident memory of Fyne and the
// machine's OpenGL stack alone, next to Billfold's. Under Xvfb the OpenGL
// is Mesa's llvmpipe, whose LLVM code and buffers are most of the number.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.billfold.fynefloor")
	w := a.NewWindow("Fyne floor")
	w.SetContent(widget.NewLabel("A bare Fyne window"))
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
}
