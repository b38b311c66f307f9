package invoicepdf

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"testing"
	"time"
)

func TestZZSubsetStats(t *testing.T) {
	f, _ := font()
	inv, opts := sampleJA()
	d, _ := newDoc(f, inv, opts)
	d.layout()
	rs := d.runes()
	sub, _ := f.subset(rs)
	total, instr := 0, 0
	for _, r := range rs {
		g := f.glyph(int(f.cmap[r]))
		total += len(g)
		if len(g) >= 10 {
			nc := int(int16(binary.BigEndian.Uint16(g)))
			if nc > 0 {
				p := 10 + 2*nc
				il := int(binary.BigEndian.Uint16(g[p:]))
				instr += il
			}
		}
	}
	t.Logf("runes=%d subset=%d glyphbytes=%d instr=%d", len(rs), len(sub), total, instr)
	for _, lvl := range []int{1, 2, 4, 6, 9} {
		start := time.Now()
		var buf bytes.Buffer
		for i := 0; i < 20; i++ {
			buf.Reset()
			w, _ := flate.NewWriter(&buf, lvl)
			w.Write(sub)
			w.Close()
		}
		t.Logf("level %d: %d bytes, %v per", lvl, buf.Len(), time.Since(start)/20)
	}
}
