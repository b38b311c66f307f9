package invoicepdf

import (
	"encoding/binary"
	"testing"

	"billfold/assets"
)

func TestZZFontStats(t *testing.T) {
	f, err := parseSFNT(assets.JapaneseFont)
	if err != nil {
		t.Fatal(err)
	}
	nonBMP, comp := 0, 0
	for r := range f.cmap {
		if r > 0xFFFF {
			nonBMP++
		}
	}
	for g := 0; g < f.numGlyphs; g++ {
		if components(f.glyph(g)) != nil {
			comp++
		}
	}
	t.Logf("glyphs=%d upem=%d hmetrics=%d cmap=%d nonBMP=%d composite=%d", f.numGlyphs, f.unitsPerEm, f.numHMetric, len(f.cmap), nonBMP, comp)
	for tag, tb := range f.tables {
		t.Logf("table %q %d", tag, len(tb))
	}
	for _, r := range "¥€￥〜～①㈱髙﨑𠮷🙂※" {
		t.Logf("%c %U %v", r, r, f.has(r))
	}
	name := f.tables["name"]
	cnt := int(binary.BigEndian.Uint16(name[2:]))
	so := int(binary.BigEndian.Uint16(name[4:]))
	for i := 0; i < cnt; i++ {
		rec := name[6+12*i:]
		pid, id, l, o := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[6:]), int(binary.BigEndian.Uint16(rec[8:])), int(binary.BigEndian.Uint16(rec[10:]))
		if pid == 1 {
			t.Logf("name %d: %q", id, name[so+o:so+o+l])
		}
	}
}
