package ui

import "testing"

// A narrow window cuts the widest of the columns that may be cut first,
// down to one level: a short column keeps its text while a long one has
// room to give, and no column goes below minShrunkWidth.
func TestColumnsShrinkWidestFirst(t *testing.T) {
	for _, c := range []struct {
		name   string
		widths []float32 // flex first, then shrink, then a fixed column
		cut    float32
		want   []float32
	}{
		{"the long column gives it all", []float32{480, 135, 100}, 97, []float32{383, 135, 100}},
		{"both come down to one level", []float32{480, 135, 100}, 400, []float32{107.5, 107.5, 100}},
		{"never below the floor", []float32{480, 135, 100}, 1000, []float32{minShrunkWidth, minShrunkWidth, 100}},
		{"nothing to cut", []float32{480, 135, 100}, 0, []float32{480, 135, 100}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab := &columnTable{flex: 0, shrink: []int{1}, set: make([]float32, 3)}
			widths := append([]float32(nil), c.widths...)
			tab.shrinkTo(widths, c.cut)
			for i := range widths {
				if d := widths[i] - c.want[i]; d > 0.01 || d < -0.01 {
					t.Fatalf("widths %v, want %v", widths, c.want)
				}
			}
		})
	}
	t.Run("a width the user set stays", func(t *testing.T) {
		tab := &columnTable{flex: 0, shrink: []int{1}, set: []float32{0, 135, 0}}
		widths := []float32{480, 135, 100}
		tab.shrinkTo(widths, 200)
		if widths[1] != 135 || widths[0] != 280 {
			t.Fatalf("widths %v", widths)
		}
	})
}
