package auth

import (
	"context"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// allocatedAtLoad is what the test binary had allocated when its tests
// began: package initialisation, this package's included, was done.
var allocatedAtLoad uint64

func TestMain(m *testing.M) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	allocatedAtLoad = ms.TotalAlloc
	os.Exit(m.Run())
}

// TestNothingIsHashedAtLoad: linking this package costs no argon2 hash
// before main. One production hash allocates its 19 MiB; everything else
// the test binary sets up before its tests takes a few hundred KiB.
func TestNothingIsHashedAtLoad(t *testing.T) {
	if allocatedAtLoad >= uint64(ProductionCost.MemoryKiB)<<10 {
		t.Fatalf("%d KiB allocated before the tests began: a password hash was computed at package load", allocatedAtLoad>>10)
	}
}

// TestProductionCost: a hasher at the production cost writes it into the
// hash and checks passwords against it.
func TestProductionCost(t *testing.T) {
	h := NewHasher(ProductionCost)
	hash, err := h.Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not record the production cost", hash)
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horse ": false, "": false} {
		if ok, err := CheckPassword(context.Background(), hash, pw); ok != want || err != nil {
			t.Errorf("%q: %v, %v; want %v", pw, ok, err, want)
		}
	}
}

// TestHashingIsBounded: however many sign-ins arrive at once, at most
// cap(hashing) argon2 computations (19 MiB each at the production cost) run
// together, and that many do. The first cap(hashing) computations wait for
// each other, so that reaching the bound does not depend on how busy the
// machine is (a smaller bound would keep them waiting until the guard);
// then each lingers, giving computations past the bound time to show up.
// A busy machine can only hide an excess, never invent one.
func TestHashingIsBounded(t *testing.T) {
	h := NewHasher(TestCost)
	hash, err := h.Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	var running, peak atomic.Int32
	full := make(chan struct{})
	var fill sync.Once
	argonIDKey = func(password, salt []byte, time_, memory uint32, threads uint8, keyLen uint32) []byte {
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		if n == int32(cap(hashing)) {
			fill.Do(func() { close(full) })
		}
		select {
		case <-full:
		case <-time.After(time.Minute): // guards a hang only
		}
		time.Sleep(5 * time.Millisecond)
		return argon2.IDKey(password, salt, time_, memory, threads, keyLen)
	}
	t.Cleanup(func() { argonIDKey = argon2.IDKey })
	var wg sync.WaitGroup
	for i := range 4 * cap(hashing) {
		wg.Go(func() {
			if i%2 == 0 {
				h.CheckUnknownUser(context.Background(), "guess")
			} else if ok, err := CheckPassword(context.Background(), hash, "correct horse"); !ok || err != nil {
				t.Errorf("the right password: %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != int32(cap(hashing)) {
		t.Fatalf("%d computations at once, want %d", p, cap(hashing))
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
	hash := "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	if ok, err := CheckPassword(ctx, hash, "x"); ok || err != context.Canceled {
		t.Fatalf("with every slot busy and the caller gone: %v, %v", ok, err)
	}
}
