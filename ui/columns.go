package ui

import (
	"cmp"
	"math"
	"slices"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// columnTable is a table with a row of column titles whose columns are as
// wide as what they hold (up to maxColumnWidth), with one (flex) taking
// the width left over. When the window is too narrow for them all, the
// flexible column and those in shrink give up width (each down to
// minShrunkWidth), so that the table fits without scrolling sideways as
// long as it can. A column the user drags to another width keeps it, also
// the next time the app starts (in the preferences, under key).
type columnTable struct {
	widget.Table
	prefs   fyne.Preferences
	key     string
	flex    int
	shrink  []int                     // besides flex, the columns that may be cut on a narrow window
	content []float32                 // what each column's texts need
	extra   float32                   // what a title cell needs beside its text (a sort icon)
	set     []float32                 // widths the user dragged columns to; 0: none
	shown   []float32                 // the widths the columns were last given
	headers map[fyne.CanvasObject]int // title cell → its column, to read widths after a drag
}

// Widths of columns, in the units of fyne.Size.
const (
	maxColumnWidth = 480
	minShrunkWidth = 96
)

// newColumnTable makes a table of the titled columns whose widths the
// user sets are kept under key ("" keeps none).
func newColumnTable(prefs fyne.Preferences, key string, titles []string, flex int,
	rows func() int, create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *columnTable {
	t := &columnTable{prefs: prefs, key: key, flex: flex, headers: map[fyne.CanvasObject]int{}}
	t.Length = func() (int, int) { return rows(), len(titles) }
	t.CreateCell = create
	t.UpdateCell = update
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		t.trackHeader(id, o)
		o.(*widget.Label).SetText(titles[id.Col])
	}
	t.ExtendBaseWidget(t)
	t.set = make([]float32, len(titles))
	if key != "" {
		for i, w := range prefs.FloatList(key) {
			if i < len(t.set) {
				t.set[i] = float32(w)
			}
		}
	}
	t.content = measureColumns(titles, 0, nil, 0)
	t.fit(0)
	return t
}

// TypedKey selects the focused cell on Enter, as on Space.
func (t *columnTable) TypedKey(ev *fyne.KeyEvent) { t.Table.TypedKey(asSpace(ev)) }

// trackHeader makes a title cell known to the table; an UpdateHeader of
// one's own calls it.
func (t *columnTable) trackHeader(id widget.TableCellID, o fyne.CanvasObject) { t.headers[o] = id.Col }

// setContent sizes the columns for the texts they now hold: the titles
// and the cells of rows rows.
func (t *columnTable) setContent(titles []string, rows int, cell func(row, col int) string) {
	t.content = measureColumns(titles, rows, cell, t.extra)
	t.fit(t.Size().Width)
}

// Resize gives the flexible column what is left of the new width.
func (t *columnTable) Resize(s fyne.Size) {
	t.Table.Resize(s)
	t.fit(s.Width)
}

// fit sets every column's width for a table width wide (0: not known yet).
func (t *columnTable) fit(width float32) {
	widths := make([]float32, len(t.content))
	total := theme.Padding() // the separators, one after each column
	for i := range widths {
		widths[i] = t.content[i]
		if t.set[i] > 0 {
			widths[i] = t.set[i]
		}
		total += widths[i] + theme.Padding()
	}
	switch extra := width - total; {
	case width <= 0:
	case extra > 0 && t.set[t.flex] == 0:
		widths[t.flex] += extra
	case extra < 0:
		t.shrinkTo(widths, -extra)
	}
	t.shown = widths
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
}

// columnsWidth is what the columns take side by side, separators included.
func (t *columnTable) columnsWidth() float32 {
	w := theme.Padding()
	for _, c := range t.shown {
		w += c + theme.Padding()
	}
	return w
}

// shrinkTo takes up to cut off the widths of the columns that may be cut
// (and that the user has not set), the widest first: they are cut down to
// one level, no lower than minShrunkWidth, and a column narrower than that
// level keeps all its text. Cutting each in proportion cut a short
// reference ("INV-2026-000…") while a long details column kept room its
// other rows did not use.
func (t *columnTable) shrinkTo(widths []float32, cut float32) {
	var cuttable []int
	for _, i := range append([]int{t.flex}, t.shrink...) {
		if t.set[i] == 0 && widths[i] > minShrunkWidth {
			cuttable = append(cuttable, i)
		}
	}
	// The level: lowered from the widest column's width until it frees
	// cut, or reaches minShrunkWidth.
	slices.SortFunc(cuttable, func(a, b int) int { return cmp.Compare(widths[b], widths[a]) })
	level, freed := float32(0), float32(0)
	for k, i := range cuttable {
		next := float32(minShrunkWidth)
		if k+1 < len(cuttable) {
			next = max(next, widths[cuttable[k+1]])
		}
		// The k+1 widest columns come down together from widths[i] to next.
		step := (widths[i] - next) * float32(k+1)
		if freed+step >= cut {
			level = widths[i] - (cut-freed)/float32(k+1)
			break
		}
		freed += step
		level = next
	}
	for _, i := range cuttable {
		widths[i] = min(widths[i], level)
	}
}

// DragEnd keeps the widths the user dragged columns to: the title cells
// have their columns' widths once the table has laid them out.
func (t *columnTable) DragEnd() {
	t.Table.DragEnd()
	changed := false
	for o, col := range t.headers {
		if w := o.Size().Width; o.Visible() && col >= 0 && col < len(t.set) && w > 0 && w != t.shown[col] {
			t.set[col], t.shown[col], changed = w, w, true
		}
	}
	if changed && t.key != "" {
		list := make([]float64, len(t.set))
		for i, w := range t.set {
			list[i] = float64(w)
		}
		t.prefs.SetFloatList(t.key, list)
	}
}

// measuredRows is how many rows measureColumns measures in full; of the
// others it measures each column's longest text.
const measuredRows = 500

// measureColumns is the width each column needs for its title (bold, and
// extra beside it) and its cells, with a label's padding, at most
// maxColumnWidth. Of a long table it measures the first measuredRows rows
// and each column's longest text (in runes) after them: 10,000 invoices
// must not cost 60,000 measurements.
func measureColumns(titles []string, rows int, cell func(row, col int) string, extra float32) []float32 {
	size, pad := theme.TextSize(), 2*theme.InnerPadding()
	widths := make([]float32, len(titles))
	seen := make([]map[string]bool, len(titles)) // a column repeats its texts (kinds, dates): measure each once
	measure := func(col int, text string, style fyne.TextStyle, extra float32) {
		if widths[col] >= maxColumnWidth || text == "" || seen[col][text] {
			return
		}
		if seen[col] == nil {
			seen[col] = map[string]bool{}
		}
		seen[col][text] = true
		w := float32(math.Ceil(float64(fyne.MeasureText(text, size, style).Width+pad+extra))) + 1
		widths[col] = min(maxColumnWidth, max(widths[col], w))
	}
	for col, title := range titles {
		measure(col, title, fyne.TextStyle{Bold: true}, extra)
	}
	longest := make([]string, len(titles))
	longestRunes := make([]int, len(titles))
	for i := range rows {
		for col := range titles {
			text := cell(i, col)
			if i < measuredRows {
				measure(col, text, fyne.TextStyle{}, 0)
			} else if n := utf8.RuneCountInString(text); n > longestRunes[col] {
				longest[col], longestRunes[col] = text, n
			}
		}
	}
	for col, text := range longest {
		measure(col, text, fyne.TextStyle{}, 0)
	}
	return widths
}
