package ui

import (
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// columnsLayout puts its objects side by side when the width gives each
// its share (by weight) and at least minWidth; otherwise it stacks them,
// in stackOrder. Its minimum width is that of the widest object alone, so
// a screen built from it fits a small window and uses a large one. Stacked
// in a space taller than they need (a screen that does not scroll as a
// whole, such as the staff's list beside a customer), the objects share
// the rest of the height by weight too.
//
// Its minimum height depends on the width it was last laid out at (side
// by side it is the tallest object, stacked the sum of them all), as a
// wrapping label's does: the canvas lays the parents out again when it
// changes.
type columnsLayout struct {
	minWidth   float32
	weights    []float32 // one per object; nil: equal shares
	stackOrder []int     // object indexes top to bottom when stacked; nil: as given
	// stackWeights share the height left over when stacked; nil: weights.
	stackWeights []float32
	height       float32 // what the last layout needed; 0 before the first
}

// newColumns lays objects out side by side, or stacked when narrower than
// minWidth each.
func newColumns(minWidth float32, objects ...fyne.CanvasObject) *fyne.Container {
	return container.New(&columnsLayout{minWidth: minWidth}, objects...)
}

func (l *columnsLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range visibleObjects(objects) {
		min.Width = max(min.Width, o.MinSize().Width)
	}
	if l.height > 0 {
		min.Height = l.height
	} else {
		min.Height = l.stackedHeight(objects)
	}
	return min
}

func (l *columnsLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	shown := visibleObjects(objects)
	if len(shown) == 0 {
		l.height = 0
		return
	}
	pad := theme.Padding()
	widths, ok := l.shares(objects, size.Width-pad*float32(len(shown)-1))
	if !ok {
		l.layoutStacked(objects, size)
		return
	}
	var x, height float32
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		height = max(height, o.MinSize().Height)
	}
	for i, o := range objects {
		if !o.Visible() {
			continue
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(widths[i], max(height, size.Height)))
		x += widths[i] + pad
	}
	l.height = height
}

// shares are the objects' widths side by side in the width; false when one
// would get less than it needs.
func (l *columnsLayout) shares(objects []fyne.CanvasObject, width float32) ([]float32, bool) {
	total := totalWeight(objects, l.weight)
	widths := make([]float32, len(objects))
	for i, o := range objects {
		if !o.Visible() {
			continue
		}
		widths[i] = width * l.weight(i) / total
		if widths[i] < max(l.minWidth, o.MinSize().Width) {
			return nil, false
		}
	}
	return widths, true
}

func (l *columnsLayout) layoutStacked(objects []fyne.CanvasObject, size fyne.Size) {
	need := l.stackedHeight(objects)
	total := totalWeight(objects, l.stackWeight)
	extra := max(0, size.Height-need)
	var y float32
	for _, i := range l.order(len(objects)) {
		o := objects[i]
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		if total > 0 {
			h += extra * l.stackWeight(i) / total
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + theme.Padding()
	}
	l.height = need
}

// totalWeight is the sum of the shown objects' weights, side by side
// (weight) or stacked (stackWeight).
func totalWeight(objects []fyne.CanvasObject, weight func(int) float32) (total float32) {
	for i, o := range objects {
		if o.Visible() {
			total += weight(i)
		}
	}
	return total
}

// stackWeight is object i's share of the height left over when stacked.
func (l *columnsLayout) stackWeight(i int) float32 {
	if l.stackWeights == nil {
		return l.weight(i)
	}
	if i < len(l.stackWeights) {
		return l.stackWeights[i]
	}
	return 1
}

// weight is object i's share.
func (l *columnsLayout) weight(i int) float32 {
	if i < len(l.weights) {
		return l.weights[i]
	}
	return 1
}

func (l *columnsLayout) stackedHeight(objects []fyne.CanvasObject) float32 {
	shown := visibleObjects(objects)
	var h float32
	for _, o := range shown {
		h += o.MinSize().Height
	}
	return h + theme.Padding()*float32(max(0, len(shown)-1))
}

func (l *columnsLayout) order(n int) []int {
	if len(l.stackOrder) == n {
		return l.stackOrder
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	return order
}

func visibleObjects(objects []fyne.CanvasObject) []fyne.CanvasObject {
	var shown []fyne.CanvasObject
	for _, o := range objects {
		if o.Visible() {
			shown = append(shown, o)
		}
	}
	return shown
}

// leadingLayout lays a truncating label and what follows it in a row,
// centred in its height: the label as wide as its text when there is
// room, narrower (with an ellipsis) when not, the rest right after it.
type leadingLayout struct{ label *widget.Label }

// newLeading is a row of label (truncated when the row is too narrow)
// followed by objects.
func newLeading(label *widget.Label, objects ...fyne.CanvasObject) *fyne.Container {
	label.Truncation = fyne.TextTruncateEllipsis
	return container.New(&leadingLayout{label: label}, append([]fyne.CanvasObject{label}, objects...)...)
}

// natural is the label's width with its whole text, and a pixel to
// spare: rounded at the screen's scale, the exact width can truncate.
func (l *leadingLayout) natural() float32 {
	whole := widget.NewLabelWithStyle(l.label.Text, l.label.Alignment, l.label.TextStyle)
	whole.SizeName = l.label.SizeName
	return float32(math.Ceil(float64(whole.MinSize().Width))) + 1
}

func (l *leadingLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	min := l.label.MinSize()
	for _, o := range visibleObjects(objects[1:]) {
		s := o.MinSize()
		min = fyne.NewSize(min.Width+theme.Padding()+s.Width, max(min.Height, s.Height))
	}
	return min
}

func (l *leadingLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	rest := float32(0)
	for _, o := range visibleObjects(objects[1:]) {
		rest += theme.Padding() + o.MinSize().Width
	}
	x := max(l.label.MinSize().Width, min(l.natural(), size.Width-rest))
	h := l.label.MinSize().Height
	l.label.Move(fyne.NewPos(0, (size.Height-h)/2))
	l.label.Resize(fyne.NewSize(x, h))
	for _, o := range visibleObjects(objects[1:]) {
		s := o.MinSize()
		x += theme.Padding()
		o.Move(fyne.NewPos(x, (size.Height-s.Height)/2))
		o.Resize(s)
		x += s.Width
	}
}

// gridLayout lays cells out in rows of cols: every column as wide as its
// widest cell, except column flex, which takes the width left over (its
// cells wrap). A row whose first cell is hidden is left out.
//
// When the width left for column flex is under stackBelow, each row puts
// its flex cell on a line of its own, full width, with the row's other
// cells under it against the right edge: in a narrow window an invoice
// line's description then reads as a sentence instead of a word a line.
// Like columnsLayout, its minimum height follows the width it last had.
type gridLayout struct {
	cols, flex int
	stackBelow float32
	stacked    bool // whether the last layout stacked
}

func (l *gridLayout) rows(objects []fyne.CanvasObject) [][]fyne.CanvasObject {
	var rows [][]fyne.CanvasObject
	for i := 0; i+l.cols <= len(objects); i += l.cols {
		if objects[i].Visible() {
			rows = append(rows, objects[i:i+l.cols])
		}
	}
	return rows
}

// widths are the columns' minimum widths.
func (l *gridLayout) widths(rows [][]fyne.CanvasObject) []float32 {
	w := make([]float32, l.cols)
	for _, r := range rows {
		for c, o := range r {
			w[c] = max(w[c], o.MinSize().Width)
		}
	}
	return w
}

// others is a row without its flex cell.
func (l *gridLayout) others(row []fyne.CanvasObject) []fyne.CanvasObject {
	return slices.Concat(row[:l.flex], row[l.flex+1:])
}

func (l *gridLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	rows := l.rows(objects)
	var min fyne.Size
	for _, w := range l.widths(rows) {
		min.Width += w
	}
	min.Width += theme.Padding() * float32(l.cols-1)
	for _, r := range rows {
		if l.stacked {
			min.Height += r[l.flex].MinSize().Height + rowHeight(l.others(r))
		} else {
			min.Height += rowHeight(r)
		}
	}
	return min
}

func (l *gridLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	rows := l.rows(objects)
	widths := l.widths(rows)
	rest := size.Width - theme.Padding()*float32(l.cols-1)
	for c, w := range widths {
		if c != l.flex {
			rest -= w
		}
	}
	l.stacked = rest < l.stackBelow
	if l.stacked {
		l.layoutStacked(rows, widths, size)
		return
	}
	widths[l.flex] = max(widths[l.flex], rest)
	var y float32
	for _, r := range rows {
		h := rowHeight(r)
		var x float32
		for c, o := range r {
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(widths[c], h))
			x += widths[c] + theme.Padding()
		}
		y += h
	}
}

func (l *gridLayout) layoutStacked(rows [][]fyne.CanvasObject, widths []float32, size fyne.Size) {
	var y float32
	for _, r := range rows {
		flex := r[l.flex]
		// A wrapping label's height follows its width: size it, then ask.
		flex.Resize(fyne.NewSize(size.Width, flex.Size().Height))
		flex.Move(fyne.NewPos(0, y))
		flex.Resize(fyne.NewSize(size.Width, flex.MinSize().Height))
		y += flex.Size().Height
		others := l.others(r)
		h := rowHeight(others)
		x := size.Width
		for c := l.cols - 1; c >= 0; c-- {
			if c == l.flex {
				continue
			}
			x -= widths[c]
			r[c].Move(fyne.NewPos(x, y))
			r[c].Resize(fyne.NewSize(widths[c], h))
			x -= theme.Padding()
		}
		y += h
	}
}

func rowHeight(row []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range row {
		h = max(h, o.MinSize().Height)
	}
	return h
}

// flowGridLayout lays its objects out in as many equal columns as the
// width holds at cellWidth each (at least one), row after row. Like
// columnsLayout, its minimum height follows the width it last had.
type flowGridLayout struct {
	cellWidth float32
	height    float32 // what the last layout needed; 0 before the first
}

func newFlowGrid(cellWidth float32, objects ...fyne.CanvasObject) *fyne.Container {
	return container.New(&flowGridLayout{cellWidth: cellWidth}, objects...)
}

// cols is how many columns fit in width.
func (l *flowGridLayout) cols(objects []fyne.CanvasObject, width float32) int {
	cell := l.cellWidth
	for _, o := range objects {
		cell = max(cell, o.MinSize().Width)
	}
	pad := theme.Padding()
	return max(1, min(len(objects), int((width+pad)/(cell+pad))))
}

func (l *flowGridLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	shown := visibleObjects(objects)
	var min fyne.Size
	for _, o := range shown {
		s := o.MinSize()
		min.Width = max(min.Width, s.Width)
		min.Height += s.Height
	}
	min.Height += theme.Padding() * float32(max(0, len(shown)-1))
	if l.height > 0 {
		min.Height = l.height
	}
	return min
}

func (l *flowGridLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	shown := visibleObjects(objects)
	if len(shown) == 0 {
		l.height = 0
		return
	}
	pad := theme.Padding()
	cols := l.cols(shown, size.Width)
	w := (size.Width - pad*float32(cols-1)) / float32(cols)
	var y float32
	for start := 0; start < len(shown); start += cols {
		row := shown[start:min(start+cols, len(shown))]
		h := rowHeight(row)
		for i, o := range row {
			o.Move(fyne.NewPos(float32(i)*(w+pad), y))
			o.Resize(fyne.NewSize(w, h))
		}
		y += h + pad
	}
	l.height = y - pad
}

// flowLayout lays its objects out at their minimum sizes in a row, and
// wraps onto further rows when the width runs out. Its minimum width is
// the widest object's (fyne's RowWrapLayout keeps the widest row it was
// ever laid out at, so a window could not be made narrower again); its
// minimum height follows the width it last had.
type flowLayout struct {
	height float32 // what the last layout needed; 0 before the first
}

// newFlow is a row of objects that wraps when narrow.
func newFlow(objects ...fyne.CanvasObject) *fyne.Container {
	return container.New(&flowLayout{}, objects...)
}

func (l *flowLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	shown := visibleObjects(objects)
	var min fyne.Size
	for _, o := range shown {
		s := o.MinSize()
		min.Width = max(min.Width, s.Width)
		min.Height = max(min.Height, s.Height)
	}
	if l.height > 0 {
		min.Height = l.height
	}
	return min
}

func (l *flowLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	var x, y, rowH float32
	l.height = 0
	for _, o := range visibleObjects(objects) {
		s := o.MinSize()
		if x > 0 && x+s.Width > size.Width {
			x, y, rowH = 0, y+rowH+pad, 0
		}
		o.Move(fyne.NewPos(x, y))
		o.Resize(s)
		x += s.Width + pad
		rowH = max(rowH, s.Height)
		l.height = y + rowH
	}
}

// readableWidth is as wide as a page of forms and text gets.
const readableWidth = 1200

// capLayout gives its object the width it is given up to a maximum, at
// the leading edge: a form or a page of text stretched across a 1920
// pixel window is hard to read.
type capLayout struct{ max float32 }

// capWidth lays o out no wider than maxWidth.
func capWidth(maxWidth float32, o fyne.CanvasObject) *fyne.Container {
	return container.New(&capLayout{max: maxWidth}, o)
}

func (l *capLayout) MinSize(objects []fyne.CanvasObject) fyne.Size { return objects[0].MinSize() }

func (l *capLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(fyne.NewSize(min(size.Width, max(l.max, objects[0].MinSize().Width)), size.Height))
}

// listRowsLayout asks for the height of the list's rows, up to most of
// them: a list stacked above other content takes the room its few rows
// need, not a share of the window (two customers left three empty rows
// above the customer's panel), and scrolls past most rows.
type listRowsLayout struct {
	rows func() int
	most int
}

func (l *listRowsLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	row := objects[0].MinSize() // a list's minimum is one row's
	n := float32(min(max(l.rows(), 1), l.most))
	return fyne.NewSize(row.Width, n*row.Height+(n-1)*theme.Padding())
}

func (l *listRowsLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(size)
}
