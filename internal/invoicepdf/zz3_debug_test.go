package invoicepdf

import (
	"compress/flate"
	"fmt"
	"io"
	"testing"
)

func BenchmarkZZFlate(b *testing.B) {
	f, _ := font()
	inv, opts := sampleJA()
	d, _ := newDoc(f, inv, opts)
	d.layout()
	s, _ := f.subset(d.runes())
	sub := s.program
	for _, lvl := range []int{1, 2, 3, 4, 5, 6} {
		b.Run(fmt.Sprint(lvl), func(b *testing.B) {
			w, _ := flate.NewWriter(io.Discard, lvl)
			cw := &countW{}
			for i := 0; i < b.N; i++ {
				cw.n = 0
				w.Reset(cw)
				w.Write(sub)
				w.Close()
			}
			b.ReportMetric(float64(cw.n), "bytes")
		})
	}
}

type countW struct{ n int }

func (c *countW) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }
