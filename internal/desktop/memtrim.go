package desktop

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// The runtime's own pacing suits a server, not an app that stays open all
// day: after a burst (start-up, scrolling through 10,000 invoices, an
// archive sync) the heap keeps its garbage until the next collection, which
// an idle app may not reach for minutes, and hands freed pages back to the
// system only slowly. Measured under Xvfb: 199 MB resident after loading
// 10,000 invoices, 240 MB after scrolling through them and still 240 MB a
// minute later.

// trimEvery and trimAtLeast: check every 2 s; collect and give memory back
// when at least 4 MiB would be returned (at most one extra collection per
// check, a few milliseconds of work on the app's 20-odd MB live heap).
const (
	trimEvery   = 2 * time.Second
	trimAtLeast = 4 << 20
)

// trimMemory returns memory to the operating system whenever enough has
// been left behind, until ctx ends.
func trimMemory(ctx context.Context) {
	t := time.NewTicker(trimEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if reclaimable() >= trimAtLeast {
				debug.FreeOSMemory()
			}
		}
	}
}

var trimMetrics = []string{
	"/memory/classes/heap/objects:bytes", // live objects and garbage not yet collected
	"/gc/heap/live:bytes",                // live objects, as of the last collection
	"/memory/classes/heap/free:bytes",    // free pages not yet returned to the system
}

// reclaimable estimates how many bytes a collection followed by a return
// of free pages would give back: the garbage since the last collection and
// the free pages the runtime still holds.
func reclaimable() uint64 {
	s := make([]metrics.Sample, len(trimMetrics))
	for i, name := range trimMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	for _, v := range s {
		if v.Value.Kind() != metrics.KindUint64 {
			return 0 // a runtime without these metrics: never trim
		}
	}
	objects, live, free := s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()
	var garbage uint64
	if objects > live {
		garbage = objects - live
	}
	return garbage + free
}

// startupHeap bounds the heap while collection is held off at start-up.
const startupHeap = 64 << 20

// holdGC holds the garbage collector off until release is called (or the
// heap reaches startupHeap), then restores the pacing it found. Start-up
// allocates the first ~30 MB of the heap in a tenth of a second, and the
// runtime, pacing from a 4 MB goal, collected five times meanwhile, with
// pauses of up to 4 ms and ~20 ms of CPU, on the two cores that create the
// window, start the demo server and load the fonts. What is left behind is
// collected when release runs and given back by trimMemory.
func holdGC() (release func()) {
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(startupHeap)
	var once sync.Once
	return func() {
		once.Do(func() {
			debug.SetMemoryLimit(limit)
			debug.SetGCPercent(percent)
		})
	}
}
