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
	"sync"

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

// hashing bounds the argon2 computations running at once. Each holds
// its memory (19 MiB at ProductionCost) while it runs, so a flood of sign-ins queues here
// instead of taking the server's memory; twice the CPUs keeps every core
// busy.
var hashing = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

// argonIDKey is argon2.IDKey; tests count the calls running at once.
var argonIDKey = argon2.IDKey

// idKey derives an argon2id key within the hashing bound; a caller that
// gives up (the client went away) while it waits for a turn computes
// nothing.
func idKey(ctx context.Context, password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) ([]byte, error) {
	select {
	case hashing <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-hashing }()
	return argonIDKey(password, salt, time, memory, threads, keyLen), nil
}

// ErrMalformedHash is returned for a stored hash this package did not write.
var ErrMalformedHash = errors.New("malformed password hash")

// Hasher hashes passwords at one cost. Checking reads the cost from the
// hash, so a hasher checks every hash this package wrote.
type Hasher struct {
	cost Cost
	// dummy is checked against when the e-mail is unknown, so that
	// response time does not reveal which accounts exist. It is computed
	// on the first such sign-in, not when the program starts: a hash takes
	// 19 MiB and tens of milliseconds, which every binary linking this
	// package would otherwise pay before main, signed in or not.
	dummy func() string
}

// NewHasher returns a hasher at cost.
func NewHasher(cost Cost) *Hasher {
	h := &Hasher{cost: cost}
	h.dummy = sync.OnceValue(func() string {
		// Hash fails only when its context ends, and its own never does.
		hash, _ := h.Hash("billfold-timing-equaliser")
		return hash
	})
	return h
}

// Hash returns an encoded argon2id hash of password with a random salt.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	c := h.cost
	key, err := idKey(context.Background(), []byte(password), salt, c.Time, c.MemoryKiB, c.Threads, argonKeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.MemoryKiB, c.Time, c.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckUnknownUser spends the time of a real check and returns nothing.
func (h *Hasher) CheckUnknownUser(ctx context.Context, password string) {
	_, _ = CheckPassword(ctx, h.dummy(), password)
}

// CheckPassword reports whether password matches encoded, in constant time.
func CheckPassword(ctx context.Context, encoded, password string) (bool, error) {
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
	got, err := idKey(ctx, []byte(password), salt, t, m, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NewToken returns a random opaque token with a readable prefix ("bfa_" for
// access, "bfr_" for refresh) so leaked tokens are recognisable by scanners.
func NewToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the OS RNG never fails on supported systems
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// NewID returns a random identifier with a prefix, e.g. "inv_3fa1…".
func NewID(prefix string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return prefix + hex.EncodeToString(b)
}

// HashToken is how tokens are stored: a database leak yields no usable token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
