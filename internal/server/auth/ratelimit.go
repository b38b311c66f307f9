package auth

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a keyed token-bucket limiter (per IP and e-mail, per customer).
type Limiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	l    *rate.Limiter
	seen time.Time
}

// NewLimiter allows burst events at once and then one per interval, per key.
// A zero interval disables limiting.
func NewLimiter(interval time.Duration, burst int, now func() time.Time) *Limiter {
	l := &Limiter{burst: burst, buckets: map[string]*bucket{}, now: now, every: rate.Inf}
	if interval > 0 {
		l.every = rate.Every(interval)
	}
	return l
}

// Allow reports whether an event for key may happen now; if not, it says in
// how many whole seconds (at least 1) to try again.
func (l *Limiter) Allow(key string) (bool, int) {
	_, ok, wait := l.Take(key)
	return ok, wait
}

// Take is Allow for an event that other limiters must also allow: undo
// gives a granted event back when one of them refuses, so that a refused
// request costs no quota anywhere.
func (l *Limiter) Take(key string) (undo func(), ok bool, wait int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, found := l.buckets[key]
	if !found {
		if len(l.buckets) > maxRemembered {
			l.sweep(now)
		}
		b = &bucket{l: rate.NewLimiter(l.every, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.l.ReserveN(now, 1)
	if !r.OK() {
		return nil, false, 60
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return nil, false, int(math.Ceil(d.Seconds()))
	}
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		r.CancelAt(l.now())
	}, true, 0
}

// sweep forgets idle keys so an attacker cannot grow the map without bound.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.seen) > 10*time.Minute {
			delete(l.buckets, k)
		}
	}
}

// Failures remembers, per key (an address and an account), that a sign-in
// failed, for a while. An account-wide limit is only fair to addresses
// that failed on the account: counting everyone's attempts lets a flood of
// wrong passwords from other addresses lock the owner out.
type Failures struct {
	mu     sync.Mutex
	window time.Duration
	max    int
	failed map[string]time.Time
	now    func() time.Time
}

// maxRemembered bounds the keys a Limiter or Failures holds before it
// forgets idle ones, so that an attacker cannot grow it without bound.
const maxRemembered = 100_000

// NewFailures remembers each failure for window.
func NewFailures(window time.Duration, now func() time.Time) *Failures {
	return &Failures{window: window, max: maxRemembered, failed: map[string]time.Time{}, now: now}
}

// Clean reports whether key has not failed within the window. When as
// many keys failed recently as it can hold, none is clean: the memory of
// failures stays bounded, and its being full never lets a guesser
// through.
func (f *Failures) Clean(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	at, found := f.failed[key]
	return (!found || f.now().Sub(at) >= f.window) && len(f.failed) < f.max
}

// Failed records a failure of key now.
func (f *Failures) Failed(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if _, found := f.failed[key]; !found && len(f.failed) >= f.max {
		for k, at := range f.failed {
			if now.Sub(at) >= f.window {
				delete(f.failed, k)
			}
		}
		if len(f.failed) >= f.max {
			return // full: Clean says no to every key until failures age out
		}
	}
	f.failed[key] = now
}

// Forget clears key's failures: its sign-in succeeded.
func (f *Failures) Forget(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.failed, key)
}
