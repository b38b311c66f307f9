package secrets

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"billfold/internal/ownprocess"
)

// TestSecretService runs against a real Secret Service. It needs a session
// bus with an unlocked gnome-keyring-daemon, which scripts/with-keyring.sh
// provides (and sets BILLFOLD_TEST_SECRET_SERVICE=1); otherwise it skips,
// or fails when BILLFOLD_REQUIRE_KEYRING=1 (make test), so that CI cannot
// pass with the real keyring untested.
func TestSecretService(t *testing.T) {
	if os.Getenv("BILLFOLD_TEST_SECRET_SERVICE") != "1" {
		const why = "set BILLFOLD_TEST_SECRET_SERVICE=1 inside scripts/with-keyring.sh to test the real keyring"
		if os.Getenv("BILLFOLD_REQUIRE_KEYRING") == "1" {
			t.Fatal("BILLFOLD_REQUIRE_KEYRING=1, but no keyring to test: " + why)
		}
		t.Skip(why)
	}
	// Other tests swap go-keyring's global provider for its mock, which
	// cannot be undone: talk to the real keyring from a fresh process.
	if !ownprocess.Here(t) {
		return
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	service := "billfold-test-" + hex.EncodeToString(b[:])
	open := func() *Keyring { return NewKeyring(KeyringOptions{Service: service}) }
	ctx := context.Background()
	k := open()
	if k.down != nil {
		t.Fatalf("no session bus: %v", k.down)
	}
	if _, err := k.Get(ctx, "p-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get before set: %v", err)
	}
	if err := k.Set(ctx, "p-1", "bfr_real_one"); err != nil {
		t.Fatal(err)
	}
	if v, err := open().Get(ctx, "p-1"); err != nil || v != "bfr_real_one" {
		t.Fatalf("get from the Secret Service: %q %v", v, err)
	}
	if err := k.Delete(ctx, "p-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := open().Get(ctx, "p-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}

	// The timeout path: the real keyring behind a call that stalls (an
	// unlock prompt nobody answers). The save reports ErrUnavailable at
	// the timeout, the session keeps the secret, and the stalled call
	// completes into the keyring once it is released.
	stall := &stalled{Backend: osBackend{}, release: make(chan struct{})}
	ks := NewKeyring(KeyringOptions{Service: service, Timeout: 100 * time.Millisecond, Backend: stall})
	start := time.Now()
	if err := ks.Set(ctx, "p-2", "bfr_real_two"); !errors.Is(err, ErrUnavailable) || time.Since(start) > 2*time.Second {
		t.Fatalf("stalled set: %v after %v", err, time.Since(start))
	}
	if v, err := ks.Get(ctx, "p-2"); err != nil || v != "bfr_real_two" {
		t.Fatalf("memory fallback: %q %v", v, err)
	}
	close(stall.release)
	ks.busy <- struct{}{} // wait for the stalled call to finish
	<-ks.busy
	if v, err := open().Get(ctx, "p-2"); err != nil || v != "bfr_real_two" {
		t.Fatalf("the stalled save did not land: %q %v", v, err)
	}
	// The cleanup goes through a keyring with the normal timeout: 100 ms
	// is meant for the stalled call only, and a busy CI machine's real
	// Secret Service can take longer than that to delete.
	if err := open().Delete(ctx, "p-2"); err != nil {
		t.Fatal(err)
	}

	// A keyring locked with nobody to unlock it is unavailable, promptly.
	// (Last: the keyring stays locked for the rest of this bus session.)
	lockLogin(t)
	start = time.Now()
	if _, err := open().Get(ctx, "p-1"); !errors.Is(err, ErrUnavailable) || time.Since(start) > 3*time.Second {
		t.Fatalf("locked keyring: %v after %v", err, time.Since(start))
	}
}

// stalled delays a real backend's Set until released.
type stalled struct {
	Backend
	release chan struct{}
}

func (s *stalled) Set(service, user, secret string) error {
	<-s.release
	return s.Backend.Set(service, user, secret)
}

func lockLogin(t *testing.T) {
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{"/org/freedesktop/secrets/collection/login"}).
		Store(&locked, &prompt)
	if err != nil || len(locked) != 1 {
		t.Fatalf("lock the login collection: %v %v", locked, err)
	}
}
