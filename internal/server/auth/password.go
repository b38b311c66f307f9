// Package auth holds the server's credential primitives: memory-hard
// password hashes, opaque random tokens stored only as hashes, and the
// per-key rate limiter used for sign-in and voucher guessing.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Cost is how much work one argon2id hash takes.
type Cost struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// ProductionCost is OWASP's minimum recommendation (19 MiB, t=2, p=1),
// about 20 ms per hash on the 2-core reference machine.
var ProductionCost = Cost{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}

// TestCost is argon2id's smallest work: for throwaway test passwords only,
// so that a test suite's hundreds of sign-ins do not depend on an idle
// machine, and for the demo accounts' published password. A hash records
// its cost, so a server checks either kind.
var TestCost = Cost{Time: 1, MemoryKiB: 8, Threads: 1}

const (
	argonKeyLen = 32
	saltLen     = 16
)

// gate bounds the argon2 computations of a hasher: running ones, each
// holding its memory (19 MiB at ProductionCost), and sign-ins waiting for
// a turn. A flood of sign-ins is refused past the bound, at once and
// without hashing, instead of queueing without end: a queue that grows
// with the flood grows the server's memory and every real user's wait.
type gate struct {
	slots      chan struct{}
	waiting    atomic.Int32
	maxWaiting int32
}

// enter takes a computing slot. A caller that gives up (the client went
// away) while it waits computes nothing. bounded callers (sign-ins) get
// ErrBusy when every slot is taken and maxWaiting callers already wait;
// others (creating an account) wait for their turn.
func (g *gate) enter(ctx context.Context, bounded bool) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if bounded {
		if g.waiting.Add(1) > g.maxWaiting {
			g.waiting.Add(-1)
			return ErrBusy
		}
		defer g.waiting.Add(-1)
	}
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gate) leave() { <-g.slots }

// ErrBusy is a password check refused because as many are waiting to be
// computed as may; the caller should try again in BusyRetryAfter.
var ErrBusy = errors.New("too many password checks waiting")

// BusyRetryAfter is when to try a check refused with ErrBusy again: a
// full queue of production-cost hashes drains in well under it.
const BusyRetryAfter = time.Second

// argonIDKey is argon2.IDKey; tests count the calls running at once.
var argonIDKey = argon2.IDKey

// idKey derives an argon2id key within the hasher's bound.
func (h *Hasher) idKey(ctx context.Context, bounded bool, password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) ([]byte, error) {
	if err := h.gate.enter(ctx, bounded); err != nil {
		return nil, err
	}
	defer h.gate.leave()
	return argonIDKey(password, salt, time, memory, threads, keyLen), nil
}

// ErrMalformedHash is returned for a stored hash this package did not write.
var ErrMalformedHash = errors.New("malformed password hash")

// Hasher hashes passwords at one cost. Checking reads the cost from the
// hash, so a hasher checks every hash this package wrote.
type Hasher struct {
	cost Cost
	gate *gate
	// dummy is checked against when the e-mail is unknown, so that
	// response time does not reveal which accounts exist: a hash at the
	// hasher's cost of random bytes, which checking costs as much as a
	// real one and no password matches. Making it hashes nothing.
	dummy string
}

// NewHasher returns a hasher at cost that computes twice as many hashes at
// once as there are CPUs (every core busy) and lets eight times as many
// sign-ins wait for a turn.
func NewHasher(cost Cost) *Hasher {
	n := runtime.GOMAXPROCS(0)
	return NewBoundedHasher(cost, 2*n, 8*2*n)
}

// NewBoundedHasher returns a hasher at cost that computes at most running
// hashes at once, and refuses a password check with ErrBusy when maxWaiting
// checks already wait for a turn.
func NewBoundedHasher(cost Cost, running, maxWaiting int) *Hasher {
	return &Hasher{cost: cost, gate: &gate{slots: make(chan struct{}, running), maxWaiting: int32(maxWaiting)},
		dummy: encodeHash(cost, randomBytes(saltLen), randomBytes(argonKeyLen))}
}

// Hash returns an encoded argon2id hash of password with a random salt.
func (h *Hasher) Hash(password string) (string, error) {
	salt, c := randomBytes(saltLen), h.cost
	key, err := h.idKey(context.Background(), false, []byte(password), salt, c.Time, c.MemoryKiB, c.Threads, argonKeyLen)
	if err != nil {
		return "", err
	}
	return encodeHash(c, salt, key), nil
}

func encodeHash(c Cost, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.MemoryKiB, c.Time, c.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the OS RNG never fails on supported systems
	}
	return b
}

// CheckUnknownUser spends the time of a real check, and is refused as one
// would be (ErrBusy, the context's end), so that neither time nor answer
// tells which accounts exist.
func (h *Hasher) CheckUnknownUser(ctx context.Context, password string) error {
	_, err := h.Check(ctx, h.dummy, password)
	return err
}

// Check reports whether password matches encoded, in constant time. It is
// refused with ErrBusy when too many checks wait for a turn.
func (h *Hasher) Check(ctx context.Context, encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, ErrMalformedHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformedHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformedHash
	}
	got, err := h.idKey(ctx, true, []byte(password), salt, t, m, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NewToken returns a random opaque token with a readable prefix ("bfa_" for
// access, "bfr_" for refresh) so leaked tokens are recognisable by scanners.
func NewToken(prefix string) string {
	return prefix + base64.RawURLEncoding.EncodeToString(randomBytes(32))
}

// NewID returns a random identifier with a prefix, e.g. "inv_3fa1…".
func NewID(prefix string) string {
	return prefix + hex.EncodeToString(randomBytes(12))
}

// HashToken is how tokens are stored: a database leak yields no usable token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
