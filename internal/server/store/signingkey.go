package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
)

// SigningKey returns the server's signing key, creating it on first use.
// Servers sharing a database share the key: the first one's seed wins.
func (db *DB) SigningKey(ctx context.Context, now time.Time) (ed25519.PrivateKey, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	var stored string
	err := db.WriteTx(ctx, "", func(t *Tx) error {
		if _, err := t.Exec(`INSERT INTO signing_key (id, seed, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`,
			base64.StdEncoding.EncodeToString(seed), micro(now)); err != nil {
			return err
		}
		return t.QueryRow(`SELECT seed FROM signing_key WHERE id = 1`).Scan(&stored)
	})
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	b, err := base64.StdEncoding.DecodeString(stored)
	if err != nil || len(b) != ed25519.SeedSize {
		return nil, fmt.Errorf("signing key: the stored seed is not %d bytes of base64", ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(b), nil
}
