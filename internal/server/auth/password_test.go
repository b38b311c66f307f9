package auth

import (
	"context"
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
				CheckUnknownUser(context.Background(), "guess")
			} else if ok, err := CheckPassword(context.Background(), hash, "correct horse"); !ok || err != nil {
				t.Errorf("the right password: %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p < 2 || p > int32(cap(hashing)) {
		t.Fatalf("%d computations at once, want 2 to %d", p, cap(hashing))
	}
}

// TestGivingUpWhileWaitingComputesNothing: a sign-in whose client went
// away while every hashing slot was busy returns at once.
func TestGivingUpWhileWaitingComputesNothing(t *testing.T) {
	for range cap(hashing) {
		hashing <- struct{}{}
	}
	defer func() {
		for range cap(hashing) {
			<-hashing
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ok, err := CheckPassword(ctx, dummyHash, "x"); ok || err != context.Canceled {
		t.Fatalf("with every slot busy and the caller gone: %v, %v", ok, err)
	}
}
