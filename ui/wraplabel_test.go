package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// A wrapped Japanese text follows the line-breaking rules: at widths where
// Fyne's own word wrapping puts 。 or ） at the start of a line, wrapLabel
// breaks before the character in front of it instead, and loses nothing.
func TestWrapLabelKeepsJapanesePunctuationOffLineStarts(t *testing.T) {
	fa := test.NewTempApp(t)
	fa.Settings().SetTheme(NewTheme("light"))
	text := "お支払いを確認しました。ありがとうございます（領収書はPDFでお送りします）。"
	fyneLabel := widget.NewLabel(text)
	fyneLabel.Wrapping = fyne.TextWrapWord
	ours := newWrapped(text)
	badStart := func(lines []string) string {
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "。") || strings.HasPrefix(l, "）") {
				return l
			}
		}
		return ""
	}
	tried := 0
	for width := float32(80); width <= 400; width += 2 {
		size := fyne.NewSize(width, 400)
		fyneLabel.Resize(size)
		if badStart(renderedLines(fyneLabel)) == "" {
			continue // Fyne got this width right by chance
		}
		tried++
		ours.Resize(size)
		lines := renderedLines(ours)
		if l := badStart(lines); l != "" {
			t.Errorf("at %v: a line starts with %q", width, l)
		}
		if strings.Join(lines, "") != text {
			t.Errorf("at %v: the lines %q are not the text", width, lines)
		}
	}
	t.Logf("%d widths where fyne puts punctuation first", tried)
	if tried == 0 {
		t.Fatal("no width made Fyne's wrapping start a line with 。 or ）: the test proves nothing")
	}
}

// renderedLines are the lines o draws, laid out at its size.
func renderedLines(o fyne.CanvasObject) []string {
	var lines []string
	for _, c := range shown(o) {
		if text, ok := c.(*canvas.Text); ok && text.Text != "" {
			lines = append(lines, text.Text)
		}
	}
	return lines
}

// A dialog's message breaks as every other text does: at window widths
// where Fyne's own dialog starts a line with 。 or ）, ours does not, the
// message is whole, and the dialog is as wide as Fyne's and as tall as
// its lines.
func TestDialogMessagesKeepJapanesePunctuationOffLineStarts(t *testing.T) {
	fa := test.NewTempApp(t)
	fa.Settings().SetTheme(NewTheme("light"))
	message := "サーバーに接続できません。接続を確認してから、もう一度お試しください（しばらく待つと直ることがあります）。"
	w := fa.NewWindow("")
	w.SetPadded(false)
	tried := 0
	for width := float32(200); width <= 700; width += 4 {
		w.Resize(fyne.NewSize(width, 600))
		fyneDialog := dialog.NewConfirm("", message, func(bool) {}, w)
		fyneDialog.Show()
		fyneLines := renderedLines(w.Canvas().Overlays().Top())
		fyneDialog.Hide()
		if !startsWithClosing(fyneLines) {
			continue // Fyne got this width right by chance
		}
		tried++
		ours := newConfirmDialog("", message, "OK", "Cancel", func(bool) {}, w)
		ours.Show()
		lines := renderedLines(w.Canvas().Overlays().Top())
		lines = lines[:len(lines)-2] // the buttons
		if startsWithClosing(lines) {
			t.Errorf("at %v: %q", width, lines)
		}
		if strings.Join(lines, "") != message {
			t.Errorf("at %v: the lines %q are not the message", width, lines)
		}
		for _, o := range shown(w.Canvas().Overlays().Top()) {
			l, ok := o.(*wrapLabel)
			if !ok {
				continue
			}
			if l.Size().Height < l.MinSize().Height {
				t.Errorf("at %v: the message is cut: %v tall, its lines need %v", width, l.Size().Height, l.MinSize().Height)
			}
			if want := min(dialogMaxWidth, width*9/10) - 64; l.Size().Width < want {
				t.Errorf("at %v: the message is %v wide, a text dialog's is some %v", width, l.Size().Width, want)
			}
		}
		ours.Hide()
	}
	t.Logf("%d widths where fyne's dialog puts punctuation first", tried)
	if tried == 0 {
		t.Fatal("no width made Fyne's dialog start a line with 。 or ）: the test proves nothing")
	}
}

// startsWithClosing says whether a line after the first starts with 。、 or ）.
func startsWithClosing(lines []string) bool {
	for i, l := range lines {
		if i > 0 && strings.ContainsAny(l[:min(len(l), len("。"))], "。、）") {
			return true
		}
	}
	return false
}
