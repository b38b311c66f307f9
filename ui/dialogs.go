package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne's text dialogs (dialog.NewConfirm, dialog.ShowError) wrap their
// message with Fyne's word wrapping, which breaks Japanese between any two
// characters. These show the message in a wrapLabel, as every other text
// of the app, at the width Fyne gives a text dialog.

// dialogMaxWidth is as wide as a message dialog gets, as Fyne's: wider
// looks unnaturally large on a desktop.
const dialogMaxWidth = 600

// newConfirmDialog asks a question: message, then dismiss and confirm
// buttons. callback hears the answer.
func newConfirmDialog(title, message, confirm, dismiss string, callback func(bool), win fyne.Window) *dialog.ConfirmDialog {
	d := dialog.NewCustomConfirm(title, confirm, dismiss, dialogMessage(message), callback, win)
	d.Resize(messageDialogSize(message, win))
	return d
}

// showMessageDialog tells the user what happened (an error, usually),
// with an OK button.
func showMessageDialog(title, message string, win fyne.Window) {
	d := dialog.NewCustom(title, lang.L("OK"), dialogMessage(message), win)
	d.Resize(messageDialogSize(message, win))
	d.Show()
}

func dialogMessage(message string) *wrapLabel {
	l := newWrapped(message)
	l.Alignment = fyne.TextAlignCenter
	return l
}

// messageDialogSize fits the message on one line when it can, within
// dialogMaxWidth and nine tenths of the window. The height follows the
// lines: a dialog is never shorter than its content.
func messageDialogSize(message string, win fyne.Window) fyne.Size {
	oneLine := widget.NewLabel(message).MinSize().Width + 2*theme.Padding() + 4*theme.InnerPadding()
	return fyne.NewSize(min(oneLine, dialogMaxWidth, win.Canvas().Size().Width*9/10), 1)
}
