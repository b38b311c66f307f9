package invoicepdf

import "testing"

// BenchmarkRenderJapanese renders the one-page Japanese sample invoice from
// GOMAXPROCS workers (2 on the 2-core reference machine), with Billfold's
// writer and with plain gopdf (Options.PlainGopdf), and reports:
//
//   - renders/s: invoices rendered per second of wall time, the number the
//     target (≥ 1,000/s with 2 workers on the 2-core machine) is about;
//
//   - cpu-ms/render: process CPU time (user+system, GC included) per
//     render, which does not depend on what else the machine is running;
//
//   - renders/s/2cpu: 2000 / cpu-ms, the rate two otherwise idle cores
//     would sustain. On a shared, busy machine renders/s drops while this
//     stays put;
//
//   - KB/pdf: the size of the file.
//
//     go test -run '^$' -bench RenderJapanese -benchtime 3s ./internal/invoicepdf/
func BenchmarkRenderJapanese(b *testing.B) {
	inv, opts := sampleJA()
	for _, bc := range []struct {
		name  string
		plain bool
	}{{"billfold", false}, {"gopdf", true}} {
		b.Run(bc.name, func(b *testing.B) {
			opts.PlainGopdf = bc.plain
			pdf, err := Render(inv, opts) // parse the font outside the timing
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu0 := cpuTime()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := Render(inv, opts); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "renders/s")
			b.ReportMetric(float64(len(pdf))/1000, "KB/pdf")
			if cpu0 >= 0 { // the CPU time is known on Unix only
				cpuMS := float64((cpuTime() - cpu0).Microseconds()) / 1000 / float64(b.N)
				b.ReportMetric(cpuMS, "cpu-ms/render")
				b.ReportMetric(2000/cpuMS, "renders/s/2cpu")
			}
		})
	}
}
