package secrets

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"billfold/billing"
)

// Profile is one account the app can sign in to. It holds no secret: the
// refresh token lives in a Store under the profile's ID.
type Profile struct {
	ID          string       `json:"id"`
	ServerURL   string       `json:"server_url"`
	Email       string       `json:"email"`
	DisplayName string       `json:"display_name"`
	Role        billing.Role `json:"role"`
	LastUsed    time.Time    `json:"last_used"`
}

// ErrNoProfile: no profile has the given ID.
var ErrNoProfile = errors.New("no such profile")

// profilesFile is the file under the config directory.
const profilesFile = "profiles.json"

// Profiles is the list of profiles in <dir>/profiles.json, with their
// secrets in a Store. It is safe for concurrent use within one process.
type Profiles struct {
	path    string
	secrets Store
	now     func() time.Time
	mu      sync.Mutex
}

// NewProfiles keeps profiles in dir (the app's storage directory, created
// when first needed) and their secrets in secrets.
func NewProfiles(dir string, secrets Store) *Profiles {
	return &Profiles{path: filepath.Join(dir, profilesFile), secrets: secrets, now: time.Now}
}

// List returns the profiles, most recently used first.
func (p *Profiles) List() ([]Profile, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.load()
}

// Save adds or updates a profile. A profile without ID gets the ID of the
// saved profile for the same server and e-mail address, or a new one; a
// zero LastUsed becomes now. It returns the profile as saved.
func (p *Profiles) Save(pr Profile) (Profile, error) {
	pr.ServerURL, pr.Email = strings.TrimSpace(pr.ServerURL), strings.TrimSpace(pr.Email)
	if pr.ServerURL == "" || pr.Email == "" {
		return Profile{}, errors.New("secrets: save profile: a server URL and an e-mail address are required")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	list, err := p.load()
	if err != nil {
		return Profile{}, err
	}
	i := slices.IndexFunc(list, func(o Profile) bool {
		if pr.ID != "" {
			return o.ID == pr.ID
		}
		return o.ServerURL == pr.ServerURL && strings.EqualFold(o.Email, pr.Email)
	})
	if pr.ID == "" {
		if i >= 0 {
			pr.ID = list[i].ID
		} else {
			pr.ID = newProfileID()
		}
	}
	if pr.LastUsed.IsZero() {
		pr.LastUsed = p.now().UTC()
	}
	if i >= 0 {
		list[i] = pr
	} else {
		list = append(list, pr)
	}
	return pr, p.store(list)
}

// Touch marks a profile as used now, so that it is listed first.
func (p *Profiles) Touch(id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	list, err := p.load()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(list, func(o Profile) bool { return o.ID == id })
	if i < 0 {
		return fmt.Errorf("secrets: touch profile %s: %w", id, ErrNoProfile)
	}
	list[i].LastUsed = p.now().UTC()
	return p.store(list)
}

// SignOut forgets the profile's secret and keeps the profile. An error
// wrapping ErrUnavailable means the keyring still holds the secret, or may:
// it could not be reached, or the delete is queued behind an earlier
// keyring call that has not returned (and runs when that call does).
func (p *Profiles) SignOut(ctx context.Context, id string) error {
	if err := p.secrets.Delete(ctx, id); err != nil {
		return fmt.Errorf("secrets: sign out profile %s: %w", id, err)
	}
	return nil
}

// Delete removes a profile and its secret. The profile is removed even when
// the keyring cannot be reached; the error (ErrUnavailable) then says that
// the keyring may still hold the secret.
func (p *Profiles) Delete(ctx context.Context, id string) error {
	secretErr := p.SignOut(ctx, id)
	p.mu.Lock()
	defer p.mu.Unlock()
	list, err := p.load()
	if err != nil {
		return errors.Join(err, secretErr)
	}
	i := slices.IndexFunc(list, func(o Profile) bool { return o.ID == id })
	if i < 0 {
		return errors.Join(fmt.Errorf("secrets: delete profile %s: %w", id, ErrNoProfile), secretErr)
	}
	return errors.Join(p.store(slices.Delete(list, i, i+1)), secretErr)
}

// load reads the file; a missing file is an empty list. A damaged file is
// an error, not an empty list, so that saving cannot wipe the profiles.
func (p *Profiles) load() ([]Profile, error) {
	data, err := os.ReadFile(p.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secrets: read profiles: %w", err)
	}
	var list []Profile
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("secrets: read profiles %s: %w", p.path, err)
	}
	slices.SortStableFunc(list, func(a, b Profile) int { return b.LastUsed.Compare(a.LastUsed) })
	return list, nil
}

// store replaces the file atomically (write a temporary file, then rename)
// so that a crash never leaves half a list. os.CreateTemp makes the file
// readable by the user only.
func (p *Profiles) store(list []Profile) error {
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return fmt.Errorf("secrets: save profiles: %w", err)
	}
	if err := writeAtomic(p.path, append(data, '\n')); err != nil {
		return fmt.Errorf("secrets: save profiles: %w", err)
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".profiles-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // fails harmlessly after the rename
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func newProfileID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "p-" + hex.EncodeToString(b[:])
}
