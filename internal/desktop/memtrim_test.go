package desktop

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

var sink [][]byte

// Garbage and free pages count as reclaimable, and a trim gives them back.
func TestReclaimable(t *testing.T) {
	// No collection on its own while the garbage is made, so that it is
	// still garbage when measured.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64)) // GOMEMLIMIT would collect too
	debug.FreeOSMemory()
	before := reclaimable()
	for range 64 {
		sink = append(sink, make([]byte, 1<<20))
	}
	sink = nil // 64 MiB of garbage, not collected yet
	if got := reclaimable(); got < before+48<<20 {
		t.Fatalf("reclaimable %d MiB after dropping 64 MiB (was %d MiB)", got>>20, before>>20)
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	released := m.HeapReleased
	debug.FreeOSMemory()
	runtime.ReadMemStats(&m)
	if m.HeapReleased < released+48<<20 || reclaimable() >= trimAtLeast {
		t.Fatalf("after the trim: released %d → %d MiB, reclaimable %d MiB", released>>20, m.HeapReleased>>20, reclaimable()>>20)
	}
}

// holdGC holds collection off, within a bound, and its release restores
// the pacing it found, once however often it is called.
func TestHoldGCRestoresPacing(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 40))
	release := holdGC()
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GC percent %d while held, want -1 (off)", p)
	}
	if l := debug.SetMemoryLimit(-1); l != startupHeap {
		t.Errorf("memory limit %d while held, want %d", l, startupHeap)
	}
	release()
	if p := debug.SetGCPercent(42); p != 150 {
		t.Errorf("GC percent %d after release, want the 150 it found", p)
	}
	if l := debug.SetMemoryLimit(-1); l != 1<<40 {
		t.Errorf("memory limit %d after release, want the %d it found", l, int64(1<<40))
	}
	release() // a second release leaves a later change alone
	if p := debug.SetGCPercent(-1); p != 42 {
		t.Errorf("GC percent %d after a second release, want the 42 set after the first", p)
	}
}
