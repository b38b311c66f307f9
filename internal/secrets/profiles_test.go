package secrets

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"billfold/billing"
)

// clock is a settable time for LastUsed.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestProfiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config") // created on first save
	store := NewMemory()
	ps := NewProfiles(dir, store)
	clk := &clock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	ps.now = clk.now
	ctx := context.Background()

	if list, err := ps.List(); err != nil || len(list) != 0 {
		t.Fatalf("no file yet: %v %v", list, err)
	}
	hanako, err := ps.Save(Profile{ServerURL: "https://billing.example.jp", Email: "hanako@example.jp", DisplayName: "山田 花子", Role: billing.RoleCustomer})
	if err != nil || hanako.ID == "" || !hanako.LastUsed.Equal(clk.t) {
		t.Fatalf("save: %+v %v", hanako, err)
	}
	if err := store.Set(ctx, hanako.ID, "bfr_hanako_secret"); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(time.Hour)
	staff, err := ps.Save(Profile{ServerURL: "https://billing.example.jp", Email: "staff@example.jp", DisplayName: "Support", Role: billing.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Set(ctx, staff.ID, "bfr_staff_secret"); err != nil {
		t.Fatal(err)
	}
	if ids := listIDs(t, ps); ids != staff.ID+","+hanako.ID {
		t.Fatalf("order %s, want most recent first", ids)
	}
	clk.t = clk.t.Add(time.Hour)
	if err := ps.Touch(hanako.ID); err != nil {
		t.Fatal(err)
	}
	if ids := listIDs(t, ps); ids != hanako.ID+","+staff.ID {
		t.Fatalf("order after touch %s", ids)
	}

	// The same account saved again is the same profile, updated.
	again, err := ps.Save(Profile{ServerURL: "https://billing.example.jp", Email: "HANAKO@example.jp", DisplayName: "Hanako Yamada", Role: billing.RoleCustomer})
	if err != nil || again.ID != hanako.ID {
		t.Fatalf("re-save: %+v %v", again, err)
	}
	if list, _ := ps.List(); len(list) != 2 || list[0].DisplayName != "Hanako Yamada" {
		t.Fatalf("after re-save: %+v", list)
	}

	// The file holds no secret and only the user can read it.
	assertNoSecretOnDisk(t, dir, "bfr_hanako_secret", "bfr_staff_secret")
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(filepath.Join(dir, profilesFile)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("profiles file mode: %v %v", fi.Mode(), err)
		}
	}

	// Signing out forgets the secret and keeps the profile.
	if err := ps.SignOut(ctx, staff.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(ctx, staff.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("secret after sign-out: %v", err)
	}
	if list, _ := ps.List(); len(list) != 2 {
		t.Fatalf("sign-out removed the profile: %+v", list)
	}
	// Deleting removes both.
	if err := ps.Delete(ctx, hanako.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(ctx, hanako.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("secret after delete: %v", err)
	}
	if ids := listIDs(t, ps); ids != staff.ID {
		t.Fatalf("after delete: %s", ids)
	}

	if err := ps.Touch("p-unknown"); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("touch unknown: %v", err)
	}
	if err := ps.Delete(ctx, "p-unknown"); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("delete unknown: %v", err)
	}
	if _, err := ps.Save(Profile{Email: "no-server@example.jp"}); err == nil {
		t.Fatal("a profile without server was saved")
	}
}

func TestDamagedProfilesFileIsNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, profilesFile)
	if err := os.WriteFile(path, []byte(`[{"id": "p-1", "server_url": `), 0o600); err != nil {
		t.Fatal(err)
	}
	ps := NewProfiles(dir, NewMemory())
	if _, err := ps.List(); err == nil {
		t.Fatal("a damaged file listed as fine")
	}
	if _, err := ps.Save(Profile{ServerURL: "https://b.example", Email: "a@b.example"}); err == nil {
		t.Fatal("saving over a damaged file")
	}
	if data, _ := os.ReadFile(path); !strings.HasPrefix(string(data), `[{"id": "p-1"`) {
		t.Fatalf("the damaged file was replaced: %s", data)
	}
}

func TestDeleteWithTheKeyringDownStillRemovesTheProfile(t *testing.T) {
	keyring.MockInitWithError(errors.New("dbus: connection refused"))
	t.Cleanup(keyring.MockInit)
	dir := t.TempDir()
	k := NewKeyring(KeyringOptions{Backend: osBackend{}})
	ps := NewProfiles(dir, k)
	ctx := context.Background()
	p, err := ps.Save(Profile{ServerURL: "https://b.example", Email: "a@b.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Set(ctx, p.ID, "bfr_memory_only"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("set: %v", err)
	}
	// With the keyring down the secret lives in memory only: never on disk.
	assertNoSecretOnDisk(t, dir, "bfr_memory_only")
	if err := ps.Delete(ctx, p.ID); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("delete must report that the keyring may keep the secret: %v", err)
	}
	if list, err := ps.List(); err != nil || len(list) != 0 {
		t.Fatalf("profile kept: %+v %v", list, err)
	}
}

func listIDs(t *testing.T, ps *Profiles) string {
	t.Helper()
	list, err := ps.List()
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	return strings.Join(ids, ",")
}

// assertNoSecretOnDisk reads every file under dir, temporary ones included.
func assertNoSecretOnDisk(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Fatalf("%s contains a secret", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
