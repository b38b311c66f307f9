// Package secrets keeps the desktop app's credentials (one refresh token
// per profile) in the OS keyring, and its profiles (server, e-mail, name,
// role, last used) in a JSON file that holds no secret.
//
// The keyring is reached through an interface with a timeout, because on
// Linux a call can wait forever for an unlock prompt nobody can see; when
// the keyring is unavailable, secrets are kept in memory for the running
// session. Nothing secret is ever written to disk by this package.
package secrets

import (
	"context"
	"errors"
)

// Store keeps one secret per profile.
type Store interface {
	// Get returns the profile's secret, ErrNotFound when there is none, or
	// an error wrapping ErrUnavailable when the keyring cannot be used.
	Get(ctx context.Context, profileID string) (string, error)
	// Set stores the profile's secret, replacing any earlier one.
	Set(ctx context.Context, profileID, secret string) error
	// Delete removes the profile's secret; a missing one is not an error.
	Delete(ctx context.Context, profileID string) error
}

var (
	// ErrNotFound: no secret is stored for the profile.
	ErrNotFound = errors.New("no saved sign-in")
	// ErrUnavailable: the OS keyring cannot be used (no Secret Service, a
	// locked keyring nobody unlocks, no answer in time).
	ErrUnavailable = errors.New("keyring unavailable")
)
