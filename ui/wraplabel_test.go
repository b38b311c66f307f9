package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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
