// Package session signs the desktop app in: it ties the API client to the
// saved profiles and the OS keyring, so "remember me" keeps only the
// refresh token, in the keyring, and signing out removes it.
package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"billfold/api"
	"billfold/apiclient"
	"billfold/internal/secrets"
)

// Accounts signs in and out against saved profiles.
type Accounts struct {
	profiles *secrets.Profiles
	store    secrets.Store
	opts     apiclient.Options
}

// New uses profiles (no secrets on disk) and store (the keyring).
func New(profiles *secrets.Profiles, store secrets.Store, opts apiclient.Options) *Accounts {
	return &Accounts{profiles: profiles, store: store, opts: opts}
}

// Session is a signed-in client.
type Session struct {
	Client *apiclient.Client
	User   api.User
	// Profile is the saved account; zero when the sign-in is not
	// remembered.
	Profile secrets.Profile
	// KeyringWarning is set when "remember me" could not use the keyring:
	// the session works, but the next start will ask for the password.
	KeyringWarning error
}

// Profiles lists saved profiles, most recent first.
func (a *Accounts) Profiles() ([]secrets.Profile, error) { return a.profiles.List() }

// SignIn signs in with a password. remember saves the account as a
// profile and keeps the refresh token (and its rotations) in the keyring
// under it; without it nothing about the account is kept on this computer
// — no profile, no token, no e-mail address — and a profile saved for it
// earlier is forgotten.
func (a *Accounts) SignIn(ctx context.Context, serverURL, email, password string, remember bool) (*Session, error) {
	c, holder, err := a.client(serverURL, remember)
	if err != nil {
		return nil, err
	}
	u, err := c.SignIn(ctx, strings.TrimSpace(email), password)
	if err != nil {
		return nil, err
	}
	if !remember {
		if err := a.forgetAccount(ctx, serverURL, u.Email); err != nil {
			return nil, err
		}
		return &Session{Client: c, User: u}, nil
	}
	return a.finish(ctx, c, holder, u, serverURL)
}

// forgetAccount removes the profile saved for an account, if any, with
// its remembered sign-in.
func (a *Accounts) forgetAccount(ctx context.Context, serverURL, email string) error {
	list, err := a.profiles.List()
	if err != nil {
		return fmt.Errorf("forget the saved account: %w", err)
	}
	for _, p := range list {
		if p.ServerURL == strings.TrimSpace(serverURL) && strings.EqualFold(p.Email, email) {
			if err := a.profiles.Delete(ctx, p.ID); err != nil && !errors.Is(err, secrets.ErrUnavailable) {
				return fmt.Errorf("forget the saved account: %w", err)
			}
		}
	}
	return nil
}

// Resume signs in with the profile's saved refresh token.
func (a *Accounts) Resume(ctx context.Context, p secrets.Profile) (*Session, error) {
	token, err := a.store.Get(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	c, holder, err := a.client(p.ServerURL, true)
	if err != nil {
		return nil, err
	}
	u, err := c.Resume(ctx, token)
	if err != nil {
		if e, ok := apiclient.AsError(err); ok && e.IsUnauthorized() {
			_ = a.store.Delete(ctx, p.ID) // the server no longer accepts it
		}
		return nil, err
	}
	return a.finish(ctx, c, holder, u, p.ServerURL)
}

// Forget removes a saved profile and its remembered sign-in.
func (a *Accounts) Forget(ctx context.Context, profileID string) error {
	return a.profiles.Delete(ctx, profileID)
}

// SignOut ends the server session and forgets the profile's secret.
func (a *Accounts) SignOut(ctx context.Context, s *Session) error {
	err := s.Client.SignOut(ctx)
	if ferr := a.profiles.SignOut(ctx, s.Profile.ID); err == nil {
		err = ferr
	}
	return err
}

// tokenHolder stores rotated refresh tokens once the profile id is known.
type tokenHolder struct {
	mu      sync.Mutex
	store   secrets.Store
	profile string
	pending string
}

func (h *tokenHolder) onToken(tok string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.profile == "" {
		h.pending = tok
		return
	}
	h.save(tok)
}

func (h *tokenHolder) save(tok string) {
	// The keyring call has its own timeout; this runs on the client's
	// goroutine, never the UI's.
	ctx := context.Background()
	if tok == "" {
		_ = h.store.Delete(ctx, h.profile)
		return
	}
	_ = h.store.Set(ctx, h.profile, tok)
}

func (a *Accounts) client(serverURL string, remember bool) (*apiclient.Client, *tokenHolder, error) {
	opts := a.opts
	var holder *tokenHolder
	if remember {
		holder = &tokenHolder{store: a.store}
		opts.OnRefreshToken = holder.onToken
	}
	c, err := apiclient.New(serverURL, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("server address: %w", err)
	}
	return c, holder, nil
}

// finish saves the profile of a remembered sign-in and keeps its token.
func (a *Accounts) finish(ctx context.Context, c *apiclient.Client, holder *tokenHolder, u api.User, serverURL string) (*Session, error) {
	p, err := a.profiles.Save(secrets.Profile{ServerURL: serverURL, Email: u.Email, DisplayName: u.Name, Role: u.Role})
	if err != nil {
		return nil, fmt.Errorf("save profile: %w", err)
	}
	s := &Session{Client: c, User: u, Profile: p}
	holder.mu.Lock()
	defer holder.mu.Unlock()
	holder.profile = p.ID
	if holder.pending != "" {
		if err := a.store.Set(ctx, p.ID, holder.pending); errors.Is(err, secrets.ErrUnavailable) {
			s.KeyringWarning = err
		}
		holder.pending = ""
	}
	return s, nil
}
