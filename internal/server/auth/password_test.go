package auth

import (
	"context"
	"errors"
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
		if ok, err := h.Check(context.Background(), hash, pw); ok != want || err != nil {
			t.Errorf("%q: %v, %v; want %v", pw, ok, err, want)
		}
	}
}

// TestHashingIsBounded: however many sign-ins arrive at once, at most
// cap(slots) argon2 computations (19 MiB each at the production cost) run
// together, and that many do. The first cap(slots) computations wait for
// each other, so that reaching the bound does not depend on how busy the
// machine is (a smaller bound would keep them waiting until the guard);
// then each lingers, giving computations past the bound time to show up.
// A busy machine can only hide an excess, never invent one.
func TestHashingIsBounded(t *testing.T) {
	h := NewHasher(TestCost)
	slots := cap(h.gate.slots)
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
		if n == int32(slots) {
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
	for i := range 4 * slots {
		wg.Go(func() {
			if i%2 == 0 {
				if err := h.CheckUnknownUser(context.Background(), "guess"); err != nil {
					t.Errorf("an unknown user: %v", err)
				}
			} else if ok, err := h.Check(context.Background(), hash, "correct horse"); !ok || err != nil {
				t.Errorf("the right password: %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != int32(slots) {
		t.Fatalf("%d computations at once, want %d", p, slots)
	}
}

// TestGivingUpWhileWaitingComputesNothing: a sign-in whose client went
// away while every hashing slot was busy returns at once.
func TestGivingUpWhileWaitingComputesNothing(t *testing.T) {
	h := NewHasher(TestCost)
	for range cap(h.gate.slots) {
		h.gate.slots <- struct{}{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hash := "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	if ok, err := h.Check(ctx, hash, "x"); ok || err != context.Canceled {
		t.Fatalf("with every slot busy and the caller gone: %v, %v", ok, err)
	}
}

// TestWaitingChecksAreBounded: with every hashing slot busy, only
// maxWaiting password checks wait for a turn; the next one is refused at
// once with ErrBusy, for an unknown account as for a known one, so that a
// flood of sign-ins cannot grow the server's memory or the real users'
// wait without bound. Creating an account is not refused: it waits. Once
// the slots free up, every waiting check gets its answer.
func TestWaitingChecksAreBounded(t *testing.T) {
	const running, maxWaiting = 2, 3
	h := NewBoundedHasher(TestCost, running, maxWaiting)
	hash, err := h.Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}, 2*running), make(chan struct{})
	argonIDKey = func(password, salt []byte, time_, memory uint32, threads uint8, keyLen uint32) []byte {
		started <- struct{}{}
		<-release
		return argon2.IDKey(password, salt, time_, memory, threads, keyLen)
	}
	t.Cleanup(func() { argonIDKey = argon2.IDKey })
	guard := time.After(time.Minute) // guards a hang only
	await := func(what string, done func() bool) {
		for !done() {
			select {
			case <-guard:
				t.Fatalf("timed out waiting for %s", what)
			case <-time.After(time.Millisecond):
			}
		}
	}

	var wg sync.WaitGroup
	check := func(password string, want bool) {
		wg.Go(func() {
			if ok, err := h.Check(context.Background(), hash, password); ok != want || err != nil {
				t.Errorf("%q: %v, %v; want %v", password, ok, err, want)
			}
		})
	}
	for range running {
		check("correct horse", true)
	}
	for range running {
		select {
		case <-started:
		case <-guard:
			t.Fatal("the running checks never started")
		}
	}
	for i := range maxWaiting {
		check("guess", false)
		await("the waiting checks", func() bool { return h.gate.waiting.Load() == int32(i+1) })
	}
	created := make(chan error, 1)
	go func() { _, err := h.Hash("a new account's"); created <- err }()

	refused := make(chan [2]error, 1)
	go func() {
		_, known := h.Check(context.Background(), hash, "correct horse")
		refused <- [2]error{known, h.CheckUnknownUser(context.Background(), "correct horse")}
	}()
	select {
	case errs := <-refused:
		for i, err := range errs {
			if !errors.Is(err, ErrBusy) {
				t.Errorf("check %d past the bound: %v, want ErrBusy", i, err)
			}
		}
	case <-guard:
		t.Fatal("a check past the bound waited instead of being refused")
	}
	close(release)
	wg.Wait()
	if err := <-created; err != nil {
		t.Fatalf("creating an account: %v", err)
	}
}
