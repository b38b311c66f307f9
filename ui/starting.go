package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Starting is what the main window shows while the demo is still starting
// when that takes long enough to notice (the first start seeds the demo
// database).
func Starting() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Billfold", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	return container.NewCenter(container.NewVBox(title, widget.NewLabel(lang.L("Starting the demo…")), widget.NewProgressBarInfinite()))
}

// StartFailed turns the window into an error the user can read.
func StartFailed(w fyne.Window, err error) {
	msg := newWrapped(lang.L("Billfold could not start: {{.Error}}", map[string]any{"Error": err.Error()}))
	msg.Importance = widget.DangerImportance
	w.SetContent(container.NewPadded(msg))
}
