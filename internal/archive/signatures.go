package archive

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"billfold/api"
	"billfold/internal/anchor"
	"billfold/internal/invoicepdf"
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

// versionFiles are the two files of an archived version.
type versionFiles struct{ json, pdf string }

// verifyAnchors checks what the folder's writer cannot forge: each intact
// invoice JSON's signature by the pinned key, each intact PDF's totals
// against its intact JSON, and each signed chain head against the chain;
// and it reports records no signed head covers.
func (a *Archive) verifyAnchors(ctx context.Context, rep *Report, chain []AuditRecord, versions []versionFiles,
	intact map[string]bool, add func(string, ProblemKind, string, ...any)) error {
	key, ok, err := a.ServerKey(ctx)
	if err != nil {
		return err
	}
	if !ok {
		if len(chain) > 0 {
			add(IndexFile, Unanchored, "no server signing key is pinned: nothing here is signed by the server (sync to pin it and have the chain signed)")
		}
		return nil
	}
	rep.KeyID = key.KeyID
	if err := checkVersions(ctx, key.PublicKey, a.abs, versions, intact, add); err != nil {
		return err
	}

	owner, _, err := a.Owner(ctx)
	if err != nil {
		return err
	}
	rows, err := a.db.QueryContext(ctx, `SELECT id, line FROM anchors ORDER BY id`)
	if err != nil {
		return fmt.Errorf("archive: verify: %w", err)
	}
	defer rows.Close()
	const where = IndexFile + " (anchors)"
	for rows.Next() {
		var id int64
		var line string
		if err := rows.Scan(&id, &line); err != nil {
			return fmt.Errorf("archive: verify: %w", err)
		}
		h, err := checkHead(key.PublicKey, []byte(line))
		switch {
		case err != nil:
			add(where, BadSignature, "signed head %d: %v", id, err)
		case h.Account != owner.UserID:
			add(where, BadSignature, "signed head %d was signed for account %s, not the folder's %s", id, h.Account, owner.UserID)
		case h.Seq > int64(len(chain)):
			add(AuditFile, BrokenChain, "the server signed a chain of %d records on %s, but it has %d now: records were removed",
				h.Seq, h.SignedAt.Format(time.RFC3339), len(chain))
		case chain[h.Seq-1].Hash != h.Head:
			add(AuditFile, BrokenChain, "record %d is not the one the server signed on %s: the chain was rewritten", h.Seq, h.SignedAt.Format(time.RFC3339))
		case int(h.Seq) >= rep.Anchored:
			rep.Anchored, rep.AnchoredAt = int(h.Seq), h.SignedAt
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("archive: verify: %w", err)
	}
	if n := len(chain); n > rep.Anchored {
		add(AuditFile, Unanchored, "records %d to %d are covered by no chain head the server signed (sync again to have them signed)", rep.Anchored+1, n)
	}
	return nil
}

// checkVersions checks, on all CPUs, the signature of every intact
// invoice JSON and the totals of every intact PDF against its JSON.
func checkVersions(ctx context.Context, pub ed25519.PublicKey, abs func(string) string, versions []versionFiles,
	intact map[string]bool, add func(string, ProblemKind, string, ...any)) error {
	found := make([][]Problem, len(versions))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				found[i] = checkVersion(pub, abs, versions[i], intact)
			}
		})
	}
	var err error
	for i := range versions {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, ps := range found {
		for _, p := range ps {
			add(p.Path, p.Kind, "%s", p.Detail)
		}
	}
	return err
}

func checkVersion(pub ed25519.PublicKey, abs func(string) string, v versionFiles, intact map[string]bool) []Problem {
	if !intact[v.json] {
		return nil // reported already
	}
	data, err := readPlain(abs(v.json))
	if err != nil {
		return []Problem{{v.json, Missing, fmt.Sprintf("cannot read: %v", err)}}
	}
	var out []Problem
	if err := anchor.Verify(pub, anchor.Invoice, data); err != nil {
		out = append(out, Problem{v.json, BadSignature, fmt.Sprintf("not as the server signed it: %v", err)})
	}
	if !intact[v.pdf] {
		return out
	}
	var inv api.Invoice
	if err := json.Unmarshal(data, &inv); err != nil {
		return append(out, Problem{v.json, IndexMismatch, fmt.Sprintf("the archived JSON cannot be read back: %v", err)})
	}
	pdf, err := readPlain(abs(v.pdf))
	if err != nil {
		return append(out, Problem{v.pdf, Missing, fmt.Sprintf("cannot read: %v", err)})
	}
	if err := invoicepdf.CheckTotals(pdf, inv); err != nil {
		out = append(out, Problem{v.pdf, PDFMismatch, err.Error()})
	}
	return out
}
