package auth

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// TestHashingIsBounded: however many sign-ins arrive at once, at most
// cap(hashing) argon2 computations (19 MiB each) run together.
func TestHashingIsBounded(t *testing.T) {
	hash, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	var running, peak atomic.Int32
	argonIDKey = func(password, salt []byte, time_, memory uint32, threads uint8, keyLen uint32) []byte {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(2 * time.Millisecond) // long enough for the others to pile up
		defer running.Add(-1)
		return argon2.IDKey(password, salt, time_, memory, threads, keyLen)
	}
	t.Cleanup(func() { argonIDKey = argon2.IDKey })
	var wg sync.WaitGroup
	for i := range 4 * cap(hashing) {
		wg.Go(func() {
			if i%2 == 0 {
				CheckUnknownUser("guess")
			} else if ok, err := CheckPassword(hash, "correct horse"); !ok || err != nil {
				t.Errorf("the right password: %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p < 2 || p > int32(cap(hashing)) {
		t.Fatalf("%d computations at once, want 2 to %d", p, cap(hashing))
	}
}
