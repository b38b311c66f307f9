package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Starting is the window shown while the app connects (demo server start
// and sign-in), so something appears the moment the app is launched.
func Starting(fa fyne.App) fyne.Window {
	w := fa.NewWindow("Billfold")
	title := widget.NewLabelWithStyle("Billfold", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	w.SetContent(container.NewCenter(container.NewVBox(title, widget.NewLabel(lang.L("Starting the demo…")), widget.NewProgressBarInfinite())))
	w.Resize(fyne.NewSize(1024, 640))
	return w
}

// StartFailed turns the starting window into an error the user can read.
func StartFailed(w fyne.Window, err error) {
	msg := widget.NewLabel(lang.L("Billfold could not start: {{.Error}}", map[string]any{"Error": err.Error()}))
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	w.SetContent(container.NewPadded(msg))
}
