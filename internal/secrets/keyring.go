package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zalando/go-keyring"
)

// Backend is an OS keyring as github.com/zalando/go-keyring exposes it:
// no context, and a call may block for as long as an unlock prompt waits.
// A nil error from Get means found; keyring.ErrNotFound means not.
type Backend interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// osBackend is the real keyring: Secret Service on Linux, Keychain on
// macOS, Credential Manager on Windows.
type osBackend struct{}

func (osBackend) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (osBackend) Set(service, user, secret string) error   { return keyring.Set(service, user, secret) }
func (osBackend) Delete(service, user string) error        { return keyring.Delete(service, user) }

// KeyringOptions configure NewKeyring. Zero values take the defaults.
type KeyringOptions struct {
	// Service names the app's entries in the keyring ("billfold").
	Service string
	// Timeout bounds every keyring call (3 s); past it the call reports
	// ErrUnavailable and the in-memory copy carries the session.
	Timeout time.Duration
	// Backend replaces the OS keyring (tests).
	Backend Backend
}

// Keyring is a Store on the OS keyring with a timeout on every call and an
// in-memory copy of what this run saved or read. When the keyring is
// unavailable, Set still keeps the secret for the running session and
// reports ErrUnavailable, so the app can say "you will have to sign in
// again next time" and carry on.
type Keyring struct {
	service string
	timeout time.Duration
	backend Backend
	down    error // set when the keyring cannot work here at all
	mem     *Memory
	// busy admits one backend call at a time; hung is set while a call
	// that timed out has not returned. Later calls then fail at once
	// instead of each leaving another goroutine blocked on the same prompt.
	busy chan struct{}
	hung atomic.Bool
}

// NewKeyring returns a keyring Store.
func NewKeyring(o KeyringOptions) *Keyring {
	k := &Keyring{service: o.Service, timeout: o.Timeout, backend: o.Backend, mem: NewMemory(), busy: make(chan struct{}, 1)}
	if k.service == "" {
		k.service = "billfold"
	}
	if k.timeout <= 0 {
		k.timeout = 3 * time.Second
	}
	if k.backend == nil {
		k.backend, k.down = osBackend{}, noSessionBus()
	}
	return k
}

// noSessionBus reports, on systems whose keyring is the Secret Service,
// that there is no D-Bus session bus to reach it through. godbus would
// "autolaunch" a private bus (and a keyring daemon) that outlive the app
// and hold a keyring nobody can unlock; better to know it is unavailable.
func noSessionBus() error {
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "android":
		return nil
	}
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "bus")); err == nil {
			return nil
		}
	}
	return errors.New("no D-Bus session bus")
}

// Get implements Store.
func (k *Keyring) Get(ctx context.Context, profileID string) (string, error) {
	if v, err := k.mem.Get(ctx, profileID); err == nil {
		return v, nil
	}
	v, err := call(ctx, k, "read", func() (string, error) { return k.backend.Get(k.service, profileID) })
	if err != nil {
		return "", err
	}
	_ = k.mem.Set(ctx, profileID, v)
	return v, nil
}

// Set implements Store. The secret is kept in memory for this run even
// when the keyring fails.
func (k *Keyring) Set(ctx context.Context, profileID, secret string) error {
	if profileID == "" {
		return errors.New("secrets: save: empty profile id")
	}
	_ = k.mem.Set(ctx, profileID, secret)
	_, err := call(ctx, k, "save", func() (struct{}, error) { return struct{}{}, k.backend.Set(k.service, profileID, secret) })
	return err
}

// Delete implements Store. The in-memory copy goes at once; an error
// (ErrUnavailable) means the keyring may still hold the secret.
func (k *Keyring) Delete(ctx context.Context, profileID string) error {
	_ = k.mem.Delete(ctx, profileID)
	_, err := call(ctx, k, "delete", func() (struct{}, error) { return struct{}{}, k.backend.Delete(k.service, profileID) })
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// call runs f against the backend within the timeout and ctx. A call that
// does not return in time is left to finish in the background (go-keyring
// cannot be interrupted).
func call[T any](ctx context.Context, k *Keyring, op string, f func() (T, error)) (T, error) {
	var zero T
	if k.down != nil {
		return zero, unavailable(op, k.down)
	}
	if k.hung.Load() {
		return zero, unavailable(op, errors.New("an earlier keyring call is still waiting"))
	}
	timer := time.NewTimer(k.timeout)
	defer timer.Stop()
	select {
	case k.busy <- struct{}{}:
	case <-timer.C:
		return zero, unavailable(op, fmt.Errorf("no answer within %s", k.timeout))
	case <-ctx.Done():
		return zero, fmt.Errorf("secrets: %s: %w", op, ctx.Err())
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // buffered: the goroutine may finish after we gave up
	var mu sync.Mutex
	running, abandoned := true, false
	go func() {
		v, err := f()
		mu.Lock()
		running = false
		if abandoned {
			k.hung.Store(false)
		}
		mu.Unlock()
		<-k.busy
		done <- result{v, err}
	}()
	giveUp := func() {
		mu.Lock()
		if running {
			abandoned = true
			k.hung.Store(true)
		}
		mu.Unlock()
	}
	select {
	case r := <-done:
		switch {
		case errors.Is(r.err, keyring.ErrNotFound):
			return zero, ErrNotFound
		case r.err != nil:
			return zero, unavailable(op, r.err)
		}
		return r.v, nil
	case <-timer.C:
		giveUp()
		return zero, unavailable(op, fmt.Errorf("no answer within %s (an unlock prompt nobody answers?)", k.timeout))
	case <-ctx.Done():
		giveUp()
		return zero, fmt.Errorf("secrets: %s: %w", op, ctx.Err())
	}
}

func unavailable(op string, cause error) error {
	return fmt.Errorf("%w: %s: %v", ErrUnavailable, op, cause)
}
