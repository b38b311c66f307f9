package auth

import (
	"fmt"
	"testing"
	"time"
)

// TestFailuresAgeOutAndStayBounded: a failure is remembered for its
// window and forgotten on success; a full memory forgets old failures to
// make room, and while it holds only recent ones no key is clean (full
// never lets a guesser through) and it grows no further.
func TestFailuresAgeOutAndStayBounded(t *testing.T) {
	now := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	f := NewFailures(time.Hour, func() time.Time { return now })
	f.max = 3
	if !f.Clean("a") {
		t.Fatal("a key that never failed is not clean")
	}
	f.Failed("a")
	if f.Clean("a") || !f.Clean("b") {
		t.Fatal("a failure is not remembered for its key alone")
	}
	f.Forget("a")
	if !f.Clean("a") {
		t.Fatal("a success does not clear the key")
	}
	f.Failed("a")
	now = now.Add(time.Hour)
	if !f.Clean("a") {
		t.Fatal("a failure outlives its window")
	}
	f.Failed("b")
	f.Failed("c")
	f.Failed("d") // full: "a" is old and makes room
	if len(f.failed) != 3 || f.Clean("b") || f.Clean("d") {
		t.Fatalf("after making room: %v", f.failed)
	}
	for i := range 10 {
		f.Failed(fmt.Sprint("e", i))
	}
	if len(f.failed) != 3 {
		t.Fatalf("a full memory grew to %d keys", len(f.failed))
	}
	if f.Clean("never-failed") {
		t.Fatal("a full memory of recent failures lets a key through unlimited")
	}
}
