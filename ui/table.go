package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// titledColumns gives a table a row of bold column titles, no row-number
// column, and fixed column widths.
func titledColumns(t *widget.Table, titles []string, widths []float32) {
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(titles[id.Col]) }
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
}
