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
		if len(l.buckets) > 100_000 {
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
