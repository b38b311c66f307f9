package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Starting is what the main window shows while the demo is still starting
// when that takes long enough to notice (the first start seeds the demo
// database). Call done when it is replaced: it stops the screen's spinner.
func Starting() (screen fyne.CanvasObject, done func()) {
	title := widget.NewLabelWithStyle("Billfold", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	spin := newSpinner()
	return container.NewCenter(container.NewVBox(title, widget.NewLabel(lang.L("Starting the demo…")), spin)), spin.Hide
}

// StartFailed turns the window into an error the user can read.
func StartFailed(w fyne.Window, err error) {
	msg := newWrapped(lang.L("Billfold could not start: {{.Error}}", map[string]any{"Error": err.Error()}))
	msg.Importance = widget.DangerImportance
	w.SetContent(container.NewPadded(msg))
}

// showDemoEnded turns the demo's window, after signing out of the demo,
// into a page that says the demo ended and offers to start it again (its
// data kept) or to quit, instead of the app vanishing without a word.
func showDemoEnded(w fyne.Window, quit, restart func()) {
	title := widget.NewLabelWithStyle(lang.L("The demo has ended"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	note := newWrapped(lang.L("You signed out of the demo account. Its data is kept: start the demo again to continue where you left off."))
	note.Alignment = fyne.TextAlignCenter
	again := newButton(lang.L("Start the demo again"), theme.MediaReplayIcon(), restart)
	again.Importance = widget.HighImportance
	if restart == nil {
		again.Hide()
	}
	buttons := container.NewCenter(container.NewHBox(newButton(lang.L("Quit Billfold"), nil, quit), again))
	w.SetContent(container.NewPadded(container.NewVBox(spacer(), title, note, buttons, spacer())))
	if restart != nil {
		w.Canvas().Focus(again)
	}
}
