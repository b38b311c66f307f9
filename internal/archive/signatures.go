package archive

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"billfold/api"
	"billfold/internal/anchor"
)

// The outside anchor (internal/anchor): the server signs every invoice and,
// after each sync, the folder's audit-chain head; the folder pins the
// server's public key on its first sync. Verify checks both offline, so
// that someone who can write the folder, but has not the server's key,
// can neither change an invoice nor rebuild the chain unnoticed.

// KeyChangedError refuses a sync whose server presents a signing key other
// than the one the folder pinned.
type KeyChangedError struct{ Pinned, Presented string } // key ids

func (e *KeyChangedError) Error() string {
	return fmt.Sprintf("archive: REFUSED: the server signs with key %s, but this folder pinned %s on its first sync. "+
		"Someone may be impersonating the server; if your provider announced a new key, archive into a new folder", e.Presented, e.Pinned)
}

// ServerKey is the folder's pinned signing key.
type ServerKey struct {
	PublicKey ed25519.PublicKey
	KeyID     string
	PinnedAt  time.Time
}

// ServerKey returns the pinned key; ok is false before the first sync.
func (a *Archive) ServerKey(ctx context.Context) (k ServerKey, ok bool, err error) {
	var pub, pinned string
	err = a.db.QueryRowContext(ctx, `SELECT public_key, key_id, pinned_at FROM server_key WHERE id = 1`).Scan(&pub, &k.KeyID, &pinned)
	if errors.Is(err, sql.ErrNoRows) {
		return ServerKey{}, false, nil
	}
	if err != nil {
		return ServerKey{}, false, fmt.Errorf("archive: server key: %w", err)
	}
	if k.PublicKey, err = anchor.ParseKey(pub); err != nil {
		return ServerKey{}, false, fmt.Errorf("archive: the pinned server key: %w", err)
	}
	k.PinnedAt, _ = time.Parse(time.RFC3339, pinned)
	return k, true, nil
}

// pinKey pins the source's key on the first sync and refuses another one
// later with a *KeyChangedError.
func (a *Archive) pinKey(ctx context.Context, src InvoiceSource) (ed25519.PublicKey, error) {
	pub, err := src.SigningKey(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive: the server's signing key: %w", err)
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, errors.New("archive: the server's signing key is not an Ed25519 public key")
	}
	if _, err := a.db.ExecContext(ctx, `INSERT INTO server_key (id, public_key, key_id, pinned_at) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, anchor.EncodeKey(pub), anchor.KeyID(pub), time.Now().UTC().Format(time.RFC3339)); err != nil {
		return nil, fmt.Errorf("archive: pin the server key: %w", err)
	}
	pinned, _, err := a.ServerKey(ctx)
	if err != nil {
		return nil, err
	}
	if !pinned.PublicKey.Equal(pub) {
		return nil, &KeyChangedError{Pinned: pinned.KeyID, Presented: anchor.KeyID(pub)}
	}
	return pub, nil
}

// anchorHead has the source sign the chain's head and keeps the signed
// statement, after checking it.
func (a *Archive) anchorHead(ctx context.Context, src InvoiceSource, pub ed25519.PublicKey, owner Owner) error {
	seq, head, err := auditHead(ctx, a.db)
	if err != nil || seq == 0 {
		return err
	}
	raw, err := src.SignHead(ctx, seq, head)
	if err != nil {
		return fmt.Errorf("archive: have the server sign the chain head: %w", err)
	}
	h, err := checkHead(pub, raw)
	switch {
	case err != nil:
		return fmt.Errorf("archive: the server's signed chain head: %w", err)
	case h.Seq != seq || h.Head != head || h.Account != owner.UserID:
		return fmt.Errorf("archive: the server signed another chain head (%d %s for %s) than asked (%d %s for %s)",
			h.Seq, h.Head, h.Account, seq, head, owner.UserID)
	}
	if _, err := a.db.ExecContext(ctx, `INSERT INTO anchors (seq, line) VALUES (?, ?)`, seq, string(raw)); err != nil {
		return fmt.Errorf("archive: keep the signed chain head: %w", err)
	}
	return nil
}

// checkHead verifies a signed chain head and decodes it.
func checkHead(pub ed25519.PublicKey, raw []byte) (api.ArchiveHead, error) {
	var h api.ArchiveHead
	if err := anchor.Verify(pub, anchor.ArchiveHead, raw); err != nil {
		return h, err
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return h, fmt.Errorf("decode: %w", err)
	}
	return h, nil
}
