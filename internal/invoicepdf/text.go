package invoicepdf

import "billfold/internal/textwrap"

// runeWidth is the advance of r in 1/1000 em, truncated: the PDF's /W
// array gives these widths, and gopdf truncates the same way
// (GlyphIndexToPdfWidth), so that plain gopdf output agrees too.
// Runes without a glyph measure 0; text is checked for them before layout.
func (f *sfnt) runeWidth(r rune) int {
	g, ok := f.cmap[r]
	if !ok {
		return 0
	}
	adv, _ := f.metric(int(g))
	return int(adv) * 1000 / f.unitsPerEm
}

// width is the width of s in points at size pt.
func (f *sfnt) width(s string, size float64) float64 {
	w := 0
	for _, r := range s {
		w += f.runeWidth(r)
	}
	return float64(w) * size / 1000
}

// wrap breaks s into lines no wider than maxW points at size pt, with
// Japanese line breaking (kinsoku) as textwrap does it. Unlike gopdf's
// SplitText, it always makes progress: a width narrower than one glyph
// gives one glyph per line instead of an endless loop.
func (f *sfnt) wrap(s string, maxW, size float64) []string {
	return textwrap.Lines(s, maxW, func(t string) float64 { return f.width(t, size) })
}
