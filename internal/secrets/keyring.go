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
	// busy admits one backend call at a time; hung is set while the
	// keyring is held by work nobody waits for (a call that timed out,
	// queued deletes). Later calls then fail at once instead of each
	// leaving another goroutine blocked on the same prompt.
	busy chan struct{}
	hung atomic.Bool
	// queued are the profiles whose Delete found the keyring held by an
	// earlier call. The holder deletes them before it lets go (release),
	// so a stalled Set that lands late cannot bring a secret back after
	// sign-out. qmu guards queued together with letting go of busy, so
	// that no delete is queued just after the holder looked.
	qmu    sync.Mutex
	queued map[string]struct{}
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
// (ErrUnavailable) means the keyring still holds the secret, or may.
//
// When an earlier call still holds the keyring (a Set stalled at an
// unlock prompt), the delete is queued and runs as soon as that call
// returns, so that the stalled Set cannot bring the secret back; until
// then the keyring keeps it, and the error says so.
func (k *Keyring) Delete(ctx context.Context, profileID string) error {
	_ = k.mem.Delete(ctx, profileID)
	_, err := call(ctx, k, "delete", func() (struct{}, error) { return struct{}{}, k.backend.Delete(k.service, profileID) })
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case errors.Is(err, errBusy):
		k.deleteLater(profileID)
		return unavailable("delete", errors.New("an earlier keyring call is still waiting; the secret is deleted once it returns"))
	}
	return err
}

// errBusy: an earlier call holds the keyring and has not returned.
var errBusy = errors.New("an earlier keyring call is still waiting")

// call runs f against the backend within the timeout and ctx. A call that
// does not return in time is left to finish in the background (go-keyring
// cannot be interrupted). When f did not get the keyring because an
// earlier call holds it, the error wraps errBusy.
func call[T any](ctx context.Context, k *Keyring, op string, f func() (T, error)) (T, error) {
	var zero T
	if k.down != nil {
		return zero, unavailable(op, k.down)
	}
	if k.hung.Load() {
		return zero, unavailable(op, errBusy)
	}
	timer := time.NewTimer(k.timeout)
	defer timer.Stop()
	select {
	case k.busy <- struct{}{}:
	case <-timer.C:
		return zero, unavailable(op, fmt.Errorf("%w (no turn within %s)", errBusy, k.timeout))
	case <-ctx.Done():
		return zero, fmt.Errorf("secrets: %s: %w (%w)", op, ctx.Err(), errBusy)
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // buffered: the goroutine may finish after we gave up
	var mu sync.Mutex
	running := true
	go func() {
		v, err := f()
		mu.Lock()
		running = false
		mu.Unlock()
		done <- result{v, err}
		k.release()
	}()
	giveUp := func() {
		mu.Lock()
		if running {
			k.hung.Store(true) // until release
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

// deleteLater queues a delete for the keyring's holder to run before it
// lets go. Should the holder have let go meanwhile, nobody would run it:
// then it takes the keyring itself and runs the queue in the background.
func (k *Keyring) deleteLater(profileID string) {
	k.qmu.Lock()
	defer k.qmu.Unlock()
	if k.queued == nil {
		k.queued = map[string]struct{}{}
	}
	k.queued[profileID] = struct{}{}
	select {
	case k.busy <- struct{}{}:
		go k.release()
	default:
	}
}

// release runs the queued deletes, then lets go of the keyring. Nobody
// waits for those deletes, so later calls fail at once (hung) while they
// run, as behind a call that timed out.
func (k *Keyring) release() {
	for {
		k.qmu.Lock()
		queued := k.queued
		k.queued = nil
		if len(queued) == 0 {
			k.hung.Store(false)
			<-k.busy
			k.qmu.Unlock()
			return
		}
		k.hung.Store(true)
		k.qmu.Unlock()
		for id := range queued {
			// Whoever asked was told the delete is pending; there is
			// nobody left to tell how it went.
			_ = k.backend.Delete(k.service, id)
		}
	}
}

func unavailable(op string, cause error) error {
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, cause)
}
