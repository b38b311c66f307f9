package server

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/auth"
	"billfold/internal/server/store"
)

// principal is the authenticated caller.
type principal struct {
	user      api.User
	sessionID string
}

type principalHandler func(http.ResponseWriter, *http.Request, *principal)

func (s *Server) authed(h principalHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r, p)
	})
}

func (s *Server) customer(h principalHandler) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, p *principal) {
		if p.user.Role != billing.RoleCustomer {
			writeProblem(w, r, problem(http.StatusForbidden, api.CodeForbidden, "This is for customer accounts; staff use /v1/staff."))
			return
		}
		h(w, r, p)
	})
}

func (s *Server) staff(h principalHandler) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, p *principal) {
		if p.user.Role != billing.RoleStaff {
			writeProblem(w, r, errForbidden)
			return
		}
		h(w, r, p)
	})
}

func (s *Server) authenticate(r *http.Request) (*principal, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return nil, errUnauthorized
	}
	hash := auth.HashToken(token)
	now := s.now()
	e, ok := s.auth.get(hash, now)
	if !ok {
		var revoked int
		err := s.db.ReadTx(r.Context(), func(tx *store.Tx) error {
			row := tx.QueryRow(`SELECT s.id, s.family, s.access_expires, s.revoked, `+userColumns+`
				FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.access_hash = ?`, hash)
			var err error
			e.p.user, err = scanUser(row, &e.p.sessionID, &e.family, &e.expires, &revoked)
			return err
		})
		if errors.Is(err, sql.ErrNoRows) || (err == nil && revoked != 0) {
			return nil, errUnauthorized
		}
		if err != nil {
			return nil, err
		}
		e.cachedAt = now
		s.auth.put(hash, e)
	}
	if now.UnixMicro() >= e.expires {
		return nil, problem(http.StatusUnauthorized, api.CodeTokenExpired, "The access token has expired; refresh it or sign in again.")
	}
	p := e.p
	return &p, nil
}

const userColumns = `u.id, u.email, u.name, u.role, u.locale, u.currency, u.company, u.address`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (api.User, error) {
	var u api.User
	var role, cur string
	dest := append(extra, &u.ID, &u.Email, &u.Name, &role, &u.Locale, &cur, &u.Company, &u.Address)
	if err := row.Scan(dest...); err != nil {
		return api.User{}, err
	}
	u.Role, u.Currency = billing.Role(role), billing.Currency(cur)
	return u, nil
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req api.SignInRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	email := strings.ToLower(strings.TrimSpace(req.Email))
	var fields []api.FieldError
	if email == "" || !strings.Contains(email, "@") {
		fields = append(fields, api.FieldError{Field: "email", Code: "invalid", Message: "must be an e-mail address"})
	}
	if req.Password == "" {
		fields = append(fields, api.FieldError{Field: "password", Code: "required", Message: "is required"})
	}
	if len(fields) > 0 {
		s.fail(w, r, &apiError{status: http.StatusBadRequest, code: api.CodeValidation, detail: "Enter your e-mail address and password.", fields: fields})
		return
	}
	// Every limiter must allow the attempt; one that refuses gets the
	// others' quota given back, so that hammering one account from one
	// address locks neither the account for everyone nor the address.
	ip := clientIP(r)
	var undo []func()
	for _, l := range []struct {
		limiter *auth.Limiter
		key     string
	}{{s.login, ip + "|" + email}, {s.account, email}, {s.source, ip}} {
		u, ok, wait := l.limiter.Take(l.key)
		if !ok {
			for _, u := range undo {
				u()
			}
			e := problem(http.StatusTooManyRequests, api.CodeRateLimited, "Too many sign-in attempts. Wait a moment and try again.")
			e.retryAfter = wait
			s.fail(w, r, e)
			return
		}
		undo = append(undo, u)
	}
	var u api.User
	var hash string
	err = s.db.ReadTx(r.Context(), func(tx *store.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(`SELECT u.password_hash, `+userColumns+` FROM users u WHERE u.email = ?`, email), &hash)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		auth.CheckUnknownUser(r.Context(), req.Password)
		s.fail(w, r, problem(http.StatusUnauthorized, api.CodeInvalidCredentials, "The e-mail address or password is not correct."))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ok, err := auth.CheckPassword(r.Context(), hash, req.Password); err != nil || !ok {
		s.fail(w, r, problem(http.StatusUnauthorized, api.CodeInvalidCredentials, "The e-mail address or password is not correct."))
		return
	}
	sess, err := s.newSession(r.Context(), u, auth.NewID("fam_"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("signed in", "user", u.ID, "role", u.Role)
	writeJSON(w, http.StatusCreated, sess)
}

func (s *Server) newSession(ctx context.Context, u api.User, family string) (api.Session, error) {
	now := s.now()
	sess := api.Session{
		AccessToken:      auth.NewToken("bfa_"),
		AccessExpiresAt:  now.Add(s.opts.AccessTTL).UTC().Truncate(time.Second),
		RefreshToken:     auth.NewToken("bfr_"),
		RefreshExpiresAt: now.Add(s.opts.RefreshTTL).UTC().Truncate(time.Second),
		TokenType:        "Bearer",
		User:             u,
	}
	err := s.db.WriteTx(ctx, "", func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO sessions (id, user_id, family, access_hash, access_expires, refresh_hash, refresh_expires, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, auth.NewID("ses_"), u.ID, family, auth.HashToken(sess.AccessToken),
			sess.AccessExpiresAt.UnixMicro(), auth.HashToken(sess.RefreshToken), sess.RefreshExpiresAt.UnixMicro(), now.UnixMicro())
		return err
	})
	return sess, err
}

// RefreshRetryGrace is how long a refresh token spent by rotation may be
// presented again. A client whose refresh answer was lost on the network
// must retry with the token it still has; within the grace it gets a fresh
// session instead of being signed out.
const RefreshRetryGrace = 30 * time.Second

// handleRefresh rotates a refresh token. A refresh token works once: using
// a spent one (outside the short retry grace) means it was stolen or
// replayed, so the whole session family is revoked and the user must sign
// in again.
func (s *Server) handleRefresh(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req api.RefreshRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	invalid := problem(http.StatusUnauthorized, api.CodeUnauthorized, "The session has ended; sign in again.")
	var u api.User
	var family string
	reused := false
	err = s.db.WriteTx(r.Context(), "", func(tx *store.Tx) error {
		var sid string
		var expires int64
		var revoked int
		var rotated sql.NullInt64
		var err error
		u, err = scanUser(tx.QueryRow(`SELECT s.id, s.family, s.refresh_expires, s.revoked, s.rotated_at, `+userColumns+`
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.refresh_hash = ?`, auth.HashToken(req.RefreshToken)),
			&sid, &family, &expires, &revoked, &rotated)
		if errors.Is(err, sql.ErrNoRows) {
			return invalid
		}
		if err != nil {
			return err
		}
		if revoked != 0 && rotated.Valid && s.now().Sub(fromMicro(rotated.Int64)) <= RefreshRetryGrace {
			// A retry of a rotation whose answer was lost: allowed while
			// the family is still alive (not signed out, not revoked).
			var alive int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM sessions WHERE family = ? AND revoked = 0`, family).Scan(&alive); err != nil {
				return err
			}
			if alive > 0 {
				return nil
			}
		}
		if revoked != 0 {
			reused = true
			_, err := tx.Exec(`UPDATE sessions SET revoked = 1 WHERE family = ?`, family)
			tx.AfterCommit(func() { s.auth.evict("", family) })
			return err
		}
		if s.now().UnixMicro() >= expires {
			return invalid
		}
		_, err = tx.Exec(`UPDATE sessions SET revoked = 1, rotated_at = ? WHERE id = ?`, micro(s.now()), sid)
		tx.AfterCommit(func() { s.auth.evict(sid, "") })
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if reused {
		s.log.Warn("refresh token reuse; session family revoked", "user", u.ID)
		s.fail(w, r, invalid)
		return
	}
	sess, err := s.newSession(r.Context(), u, family)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sess)
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request, p *principal) {
	err := s.db.WriteTx(r.Context(), "", func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE sessions SET revoked = 1 WHERE id = ?`, p.sessionID)
		tx.AfterCommit(func() { s.auth.evict(p.sessionID, "") })
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, p *principal) {
	writeJSON(w, http.StatusOK, p.user)
}
