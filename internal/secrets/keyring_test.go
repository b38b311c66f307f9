package secrets

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// The go-keyring mock is a global without locking: these tests do not run
// in parallel.

func TestKeyringWithMock(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	open := func() *Keyring { return NewKeyring(KeyringOptions{Service: "billfold-test", Backend: osBackend{}}) }
	k := open()
	if _, err := k.Get(ctx, "p-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get before set: %v", err)
	}
	if err := k.Set(ctx, "p-1", "bfr_one"); err != nil {
		t.Fatal(err)
	}
	// A fresh instance has no memory: the value comes from the keyring.
	if v, err := open().Get(ctx, "p-1"); err != nil || v != "bfr_one" {
		t.Fatalf("get from the keyring: %q %v", v, err)
	}
	if err := k.Set(ctx, "p-1", "bfr_two"); err != nil {
		t.Fatal(err)
	}
	if v, _ := open().Get(ctx, "p-1"); v != "bfr_two" {
		t.Fatalf("replaced secret: %q", v)
	}
	if err := k.Delete(ctx, "p-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(ctx, "p-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if err := k.Delete(ctx, "p-1"); err != nil {
		t.Fatalf("deleting a missing secret: %v", err)
	}
	if err := k.Set(ctx, "", "x"); err == nil {
		t.Fatal("empty profile id accepted")
	}
}

func TestKeyringFailureKeepsTheSessionInMemory(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	ctx := context.Background()
	k := NewKeyring(KeyringOptions{Backend: osBackend{}})
	err := k.Set(ctx, "p-1", "bfr_one")
	if !errors.Is(err, ErrUnavailable) || err.Error() == "" {
		t.Fatalf("set on a broken keyring: %v", err)
	}
	if v, err := k.Get(ctx, "p-1"); err != nil || v != "bfr_one" {
		t.Fatalf("the running session lost its secret: %q %v", v, err)
	}
	if _, err := k.Get(ctx, "p-2"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("get of an unknown profile on a broken keyring: %v", err)
	}
	if err := k.Delete(ctx, "p-1"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("delete on a broken keyring must say the keyring may keep it: %v", err)
	}
	if v, err := k.Get(ctx, "p-1"); err == nil || v != "" {
		t.Fatalf("deleted secret still in memory: %q %v", v, err)
	}
}

// blocking is a keyring that does not answer until released, like one
// waiting for an unlock prompt nobody sees.
type blocking struct {
	release chan struct{}
	calls   atomic.Int32
}

func (b *blocking) Get(string, string) (string, error) {
	b.calls.Add(1)
	<-b.release
	return "", keyring.ErrNotFound
}

func (b *blocking) Set(string, string, string) error {
	b.calls.Add(1)
	<-b.release
	return nil
}

func (b *blocking) Delete(string, string) error {
	b.calls.Add(1)
	<-b.release
	return nil
}

func TestKeyringTimesOutInsteadOfHanging(t *testing.T) {
	b := &blocking{release: make(chan struct{})}
	k := NewKeyring(KeyringOptions{Timeout: 50 * time.Millisecond, Backend: b})
	ctx := context.Background()

	start := time.Now()
	err := k.Set(ctx, "p-1", "bfr_one")
	if d := time.Since(start); !errors.Is(err, ErrUnavailable) || d < 50*time.Millisecond || d > 2*time.Second {
		t.Fatalf("blocked set: %v after %v", err, d)
	}
	if v, err := k.Get(ctx, "p-1"); err != nil || v != "bfr_one" {
		t.Fatalf("the running session lost its secret: %q %v", v, err)
	}
	// While the first call hangs, later ones fail at once and start no
	// other backend call.
	// (Asserted by the reason, not a stopwatch: a loaded CI machine can
	// pause any goroutine for longer than the 50 ms timeout.)
	if _, err := k.Get(ctx, "p-2"); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "still waiting") {
		t.Fatalf("second call while hung: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := k.Delete(cctx, "p-2"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("delete while hung: %v", err)
	}
	if n := b.calls.Load(); n != 1 {
		t.Fatalf("%d backend calls, want 1", n)
	}

	// The prompt is answered: the keyring works again.
	close(b.release)
	k.busy <- struct{}{} // wait until the abandoned call has finished
	<-k.busy
	if err := k.Set(ctx, "p-3", "bfr_three"); err != nil {
		t.Fatalf("after recovery: %v", err)
	}

	// A caller that gives up gets its context's error, not ErrUnavailable.
	b2 := &blocking{release: make(chan struct{})}
	defer close(b2.release)
	k2 := NewKeyring(KeyringOptions{Timeout: time.Minute, Backend: b2})
	cctx, cancel = context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := k2.Get(cctx, "p-1"); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("cancelled get: %v", err)
	}
}

// stallingStore is a keyring that keeps what it is given, and whose Set
// waits until released, like one behind an unlock prompt answered late.
type stallingStore struct {
	mu      sync.Mutex
	m       map[string]string
	entered chan struct{} // one value per Set that has started
	release chan struct{}
}

func newStallingStore() *stallingStore {
	return &stallingStore{m: map[string]string{}, entered: make(chan struct{}, 8), release: make(chan struct{})}
}

func (s *stallingStore) Get(_, user string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (s *stallingStore) Set(_, user, secret string) error {
	s.entered <- struct{}{}
	<-s.release
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[user] = secret
	return nil
}

func (s *stallingStore) Delete(_, user string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[user]; !ok {
		return keyring.ErrNotFound
	}
	delete(s.m, user)
	return nil
}

func TestSignOutDuringAStalledSaveDeletesTheSecretWhenTheSaveLands(t *testing.T) {
	ctx := context.Background()
	// settled waits until the stalled call and what was queued behind it
	// are done, then reports what the keyring holds for p-1.
	settled := func(k *Keyring, b *stallingStore) (string, error) {
		k.busy <- struct{}{}
		<-k.busy
		return b.Get("", "p-1")
	}

	// The save times out and goes on in the background; sign-out comes
	// while it is still stalled.
	b := newStallingStore()
	k := NewKeyring(KeyringOptions{Timeout: 50 * time.Millisecond, Backend: b})
	ps := NewProfiles(t.TempDir(), k)
	if err := k.Set(ctx, "p-1", "bfr_one"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("stalled set: %v", err)
	}
	err := ps.SignOut(ctx, "p-1")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "deleted once it returns") {
		t.Fatalf("sign-out during a stalled save must say the keyring still holds the secret: %v", err)
	}
	if v, err := k.Get(ctx, "p-1"); err == nil {
		t.Fatalf("the running session kept the secret: %q", v)
	}
	close(b.release) // the prompt is answered: the save lands
	if v, err := settled(k, b); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("the secret survived sign-out: %q %v", v, err)
	}
	if err := k.Set(ctx, "p-2", "bfr_two"); err != nil {
		t.Fatalf("after recovery: %v", err)
	}

	// A delete whose caller stops waiting for its turn behind a save that
	// has not timed out yet is queued the same way.
	b = newStallingStore()
	k = NewKeyring(KeyringOptions{Timeout: time.Minute, Backend: b})
	saved := make(chan error, 1)
	go func() { saved <- k.Set(ctx, "p-1", "bfr_one") }()
	<-b.entered
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := k.Delete(cctx, "p-1"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("delete behind a running save: %v", err)
	}
	close(b.release)
	if err := <-saved; err != nil {
		t.Fatalf("save: %v", err)
	}
	if v, err := settled(k, b); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("the secret survived the delete: %q %v", v, err)
	}
}

func TestNoSessionBusMeansUnavailableWithoutTrying(t *testing.T) {
	switch runtime.GOOS {
	case "darwin", "windows":
		t.Skip("the keyring is not reached through D-Bus here")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	keyring.MockInit() // would succeed if it were called
	k := NewKeyring(KeyringOptions{})
	ctx := context.Background()
	if err := k.Set(ctx, "p-1", "bfr_one"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("set without a session bus: %v", err)
	}
	if v, err := k.Get(ctx, "p-1"); err != nil || v != "bfr_one" {
		t.Fatalf("memory fallback: %q %v", v, err)
	}
}
