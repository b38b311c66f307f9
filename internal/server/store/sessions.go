package store

import (
	"database/sql"
	"time"

	"billfold/api"
)

// Sessions: access and refresh tokens (stored as hashes), grouped in
// families that a refresh-token reuse revokes together.

// Session is a session row.
type Session struct {
	ID, UserID, Family      string
	AccessHash, RefreshHash string
	AccessExpires           time.Time
	RefreshExpires          time.Time
	Revoked                 bool
	RotatedAt               *time.Time // when its refresh token was spent
	CreatedAt               time.Time
}

// InsertSession writes a new session.
func (t *Tx) InsertSession(s Session) error {
	return t.write("insert session", `INSERT INTO sessions (id, user_id, family, access_hash, access_expires, refresh_hash, refresh_expires, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.UserID, s.Family, s.AccessHash, micro(s.AccessExpires), s.RefreshHash,
		micro(s.RefreshExpires), micro(s.CreatedAt))
}

// sessionBy reads the session whose column equals hash, and its user.
func (t *Tx) sessionBy(column, hash string) (Session, api.User, error) {
	var s Session
	var access, refresh int64
	var revoked int
	var rotated sql.NullInt64
	u, err := scanUser(t.QueryRow(`SELECT s.id, s.family, s.access_expires, s.refresh_expires, s.revoked, s.rotated_at, `+userColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.`+column+` = ?`, hash),
		&s.ID, &s.Family, &access, &refresh, &revoked, &rotated)
	s.UserID, s.AccessExpires, s.RefreshExpires = u.ID, fromMicro(access), fromMicro(refresh)
	s.Revoked, s.RotatedAt = revoked != 0, fromNullMicro(rotated)
	return s, u, one(err, "load session")
}

// SessionByAccessHash reads the session an access token (by hash) belongs to.
func (t *Tx) SessionByAccessHash(hash string) (Session, api.User, error) {
	return t.sessionBy("access_hash", hash)
}

// SessionByRefreshHash reads the session a refresh token (by hash) belongs to.
func (t *Tx) SessionByRefreshHash(hash string) (Session, api.User, error) {
	return t.sessionBy("refresh_hash", hash)
}

// FamilyAlive reports whether a session of the family is not revoked.
func (t *Tx) FamilyAlive(family string) (bool, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM sessions WHERE family = ? AND revoked = 0`, family).Scan(&n)
	return n > 0, one(err, "session family")
}

// RevokeFamily revokes every session of the family.
func (t *Tx) RevokeFamily(family string) error {
	return t.write("revoke session family", `UPDATE sessions SET revoked = 1 WHERE family = ?`, family)
}

// RevokeSession revokes one session.
func (t *Tx) RevokeSession(id string) error {
	return t.write("revoke session", `UPDATE sessions SET revoked = 1 WHERE id = ?`, id)
}

// RotateSession revokes a session whose refresh token was spent at at.
func (t *Tx) RotateSession(id string, at time.Time) error {
	return t.write("rotate session", `UPDATE sessions SET revoked = 1, rotated_at = ? WHERE id = ?`, micro(at), id)
}
