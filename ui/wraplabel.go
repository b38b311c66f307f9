package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"billfold/internal/textwrap"
)

// textLabel is a label of either kind, wrapping or not, as a screen
// updates it.
type textLabel interface {
	fyne.CanvasObject
	SetText(string)
}

// wrapLabel is a label whose text breaks into lines at the width it is
// given, with the Japanese line-breaking rules of internal/textwrap (the
// PDFs use them too): no line begins with 。、）」？ or a small kana, none
// ends with （「, a number keeps its counter, Latin text breaks at spaces.
// Fyne's own word wrapping breaks Japanese between any two characters.
//
// Its minimum width is small, so that a sentence never sets the width of
// a screen; its minimum height is that of its lines at the width it was
// last laid out at, as a wrapping fyne label's is.
type wrapLabel struct {
	widget.BaseWidget
	Text       string
	Alignment  fyne.TextAlign
	TextStyle  fyne.TextStyle
	Importance widget.Importance

	lines *widget.Label // Text broken into lines, not wrapping itself
	width float32       // the width the lines were broken for
	broke string        // the text they were broken from
	style fyne.TextStyle
}

// newWrapped is a label whose text wraps to the width it is given.
func newWrapped(text string) *wrapLabel {
	w := &wrapLabel{Text: text, lines: widget.NewLabel(text)}
	w.ExtendBaseWidget(w)
	return w
}

// SetText shows text instead.
func (w *wrapLabel) SetText(text string) {
	w.Text = text
	w.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (w *wrapLabel) CreateRenderer() fyne.WidgetRenderer { return &wrapLabelRenderer{w: w} }

// breakLines breaks the text for a width; a width of zero (not laid out
// yet) leaves each paragraph on one line.
func (w *wrapLabel) breakLines(width float32) {
	w.lines.Alignment, w.lines.TextStyle, w.lines.Importance = w.Alignment, w.TextStyle, w.Importance
	if width == w.width && w.Text == w.broke && w.TextStyle == w.style {
		return
	}
	w.width, w.broke, w.style = width, w.Text, w.TextStyle
	text := w.Text
	if avail := width - 2*w.Theme().Size(theme.SizeNameInnerPadding); avail > 0 && text != "" {
		size, style := w.Theme().Size(theme.SizeNameText), w.TextStyle
		text = strings.Join(textwrap.Lines(text, float64(avail), func(s string) float64 {
			return float64(fyne.MeasureText(s, size, style).Width)
		}), "\n")
	}
	w.lines.Text = text
}

type wrapLabelRenderer struct{ w *wrapLabel }

func (r *wrapLabelRenderer) Layout(size fyne.Size) {
	r.w.breakLines(size.Width)
	r.w.lines.Refresh()
	r.w.lines.Resize(size)
}

// MinSize is a few characters wide and as tall as the lines.
func (r *wrapLabelRenderer) MinSize() fyne.Size {
	th := r.w.Theme()
	return fyne.NewSize(2*th.Size(theme.SizeNameInnerPadding)+2*th.Size(theme.SizeNameText), r.w.lines.MinSize().Height)
}

func (r *wrapLabelRenderer) Refresh() {
	r.w.breakLines(r.w.Size().Width)
	r.w.lines.Refresh()
}

func (r *wrapLabelRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.w.lines} }

func (r *wrapLabelRenderer) Destroy() {}
