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

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's minimum recommendation (19 MiB, t=2, p=1),
// about 20 ms per hash on the 2-core reference machine.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// hashing bounds the argon2 computations running at once. Each holds
// argonMemory (19 MiB) while it runs, so a flood of sign-ins queues here
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

// HashPassword returns an encoded argon2id hash with a random salt.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key, err := idKey(context.Background(), []byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
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

// dummyHash is checked against when the e-mail is unknown, so that response
// time does not reveal which accounts exist.
var dummyHash, _ = HashPassword("billfold-timing-equaliser")

// CheckUnknownUser spends the same time as a real check and returns false.
func CheckUnknownUser(ctx context.Context, password string) {
	_, _ = CheckPassword(ctx, dummyHash, password)
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
