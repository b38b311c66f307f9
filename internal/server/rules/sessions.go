package rules

import (
	"context"
	"errors"
	"strings"
	"time"

	"billfold/api"
	"billfold/internal/server/auth"
	"billfold/internal/server/problem"
	"billfold/internal/server/store"
)

// Principal is an authenticated caller.
type Principal struct {
	User      api.User
	SessionID string
	// AccessExpires is when the access token expires: what the caller is
	// allowed ends then (an event stream, too).
	AccessExpires time.Time
}

// RefreshRetryGrace is how long a refresh token spent by rotation may be
// presented again. A client whose refresh answer was lost on the network
// must retry with the token it still has; within the grace it gets a fresh
// session instead of being signed out.
const RefreshRetryGrace = 30 * time.Second

func errUnauthorized() error { return problem.New(api.CodeUnauthorized, "Sign in to continue.") }

func errSessionEnded() error {
	return problem.New(api.CodeUnauthorized, "The session has ended; sign in again.")
}

func errBadCredentials() error {
	return problem.New(api.CodeInvalidCredentials, "The e-mail address or password is not correct.")
}

// errBusy refuses a sign-in whose password the server has no room to
// check now (auth.ErrBusy), known account or not.
func errBusy() error {
	e := problem.New(api.CodeRateLimited, "The server is checking too many sign-ins right now. Try again in a moment.")
	e.RetryAfter = int(auth.BusyRetryAfter / time.Second)
	return e
}

// Authenticate finds who an access token belongs to. Recently verified
// tokens are answered from memory (see authCache); expiry is checked
// every time.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	if token == "" {
		return Principal{}, errUnauthorized()
	}
	hash := auth.HashToken(token)
	now := s.now()
	e, ok := s.auth.get(hash, now)
	if !ok {
		gen := s.auth.generation()
		var sess store.Session
		err := s.read(ctx, func(tx *store.Tx) (err error) {
			sess, e.p.User, err = tx.SessionByAccessHash(hash)
			return err
		})
		if errors.Is(err, store.ErrNotFound) || (err == nil && sess.Revoked) {
			return Principal{}, errUnauthorized()
		}
		if err != nil {
			return Principal{}, err
		}
		e.p.SessionID, e.p.AccessExpires, e.family, e.cachedAt = sess.ID, sess.AccessExpires, sess.Family, now
		s.auth.put(hash, e, gen)
	}
	if !now.Before(e.p.AccessExpires) {
		return Principal{}, problem.New(api.CodeTokenExpired, "The access token has expired; refresh it or sign in again.")
	}
	return e.p, nil
}

// SignInInput is an e-mail address and password.
type SignInInput api.SignInRequest

// Clean lower-cases and trims the e-mail address, which must look like
// one, and checks that a password is given.
func (in SignInInput) Clean() (SignInInput, error) {
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	var fields []problem.FieldError
	if in.Email == "" || !strings.Contains(in.Email, "@") {
		fields = append(fields, problem.Field("email", "invalid", "must be an e-mail address"))
	}
	if in.Password == "" {
		fields = append(fields, problem.Field("password", "required", "is required"))
	}
	if len(fields) > 0 {
		return in, problem.Invalid("Enter your e-mail address and password.", fields...)
	}
	return in, nil
}

// SignIn checks the credentials and opens a session. An unknown e-mail
// address takes as long as a wrong password, so that answers do not tell
// which accounts exist.
func (s *Service) SignIn(ctx context.Context, in SignInInput) (api.Session, error) {
	in, err := in.Clean()
	if err != nil {
		return api.Session{}, err
	}
	var u api.User
	var hash string
	err = s.read(ctx, func(tx *store.Tx) (err error) {
		u, hash, err = tx.UserByEmail(in.Email)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		if err := s.cfg.Passwords.CheckUnknownUser(ctx, in.Password); errors.Is(err, auth.ErrBusy) {
			return api.Session{}, errBusy()
		}
		return api.Session{}, errBadCredentials()
	}
	if err != nil {
		return api.Session{}, err
	}
	ok, err := s.cfg.Passwords.Check(ctx, hash, in.Password)
	if errors.Is(err, auth.ErrBusy) {
		return api.Session{}, errBusy()
	}
	if err != nil || !ok {
		return api.Session{}, errBadCredentials()
	}
	sess, err := s.newSession(ctx, u, auth.NewID("fam_"))
	if err != nil {
		return api.Session{}, err
	}
	s.cfg.Log.Info("signed in", "user", u.ID, "role", u.Role)
	return sess, nil
}

func (s *Service) newSession(ctx context.Context, u api.User, family string) (api.Session, error) {
	now := s.now()
	sess := api.Session{
		AccessToken:      auth.NewToken("bfa_"),
		AccessExpiresAt:  now.Add(s.cfg.AccessTTL).UTC().Truncate(time.Second),
		RefreshToken:     auth.NewToken("bfr_"),
		RefreshExpiresAt: now.Add(s.cfg.RefreshTTL).UTC().Truncate(time.Second),
		TokenType:        "Bearer",
		User:             u,
	}
	err := s.db.WriteTx(ctx, "", func(tx *store.Tx) error {
		return tx.InsertSession(store.Session{ID: auth.NewID("ses_"), UserID: u.ID, Family: family,
			AccessHash: auth.HashToken(sess.AccessToken), AccessExpires: sess.AccessExpiresAt,
			RefreshHash: auth.HashToken(sess.RefreshToken), RefreshExpires: sess.RefreshExpiresAt, CreatedAt: now})
	})
	return sess, err
}

// RefreshInput is a refresh token to exchange.
type RefreshInput api.RefreshRequest

// Clean takes any token: an unknown one, the empty one included, is
// unauthorized like a spent one, so that the answer says nothing more.
func (in RefreshInput) Clean() (RefreshInput, error) { return in, nil }

// Refresh rotates a refresh token. A refresh token works once: using a
// spent one (outside the short retry grace) means it was stolen or
// replayed, so the whole session family is revoked and the user must sign
// in again.
func (s *Service) Refresh(ctx context.Context, in RefreshInput) (api.Session, error) {
	var u api.User
	var sess store.Session
	reused := false
	err := s.db.WriteTx(ctx, "", func(tx *store.Tx) (err error) {
		sess, u, err = tx.SessionByRefreshHash(auth.HashToken(in.RefreshToken))
		if errors.Is(err, store.ErrNotFound) {
			return errSessionEnded()
		}
		if err != nil {
			return err
		}
		if sess.Revoked && sess.RotatedAt != nil && s.now().Sub(*sess.RotatedAt) <= RefreshRetryGrace {
			// A retry of a rotation whose answer was lost: allowed while
			// the family is still alive (not signed out, not revoked).
			alive, err := tx.FamilyAlive(sess.Family)
			if err != nil || alive {
				return err
			}
		}
		if sess.Revoked {
			reused = true
			tx.Publish(store.TopicSessions, "family "+sess.Family)
			return tx.RevokeFamily(sess.Family)
		}
		if !s.now().Before(sess.RefreshExpires) {
			return errSessionEnded()
		}
		tx.Publish(store.TopicSessions, "session "+sess.ID)
		return tx.RotateSession(sess.ID, s.now())
	})
	if err != nil {
		return api.Session{}, err
	}
	if reused {
		s.cfg.Log.Warn("refresh token reuse; session family revoked", "user", u.ID)
		return api.Session{}, errSessionEnded()
	}
	return s.newSession(ctx, u, sess.Family)
}

// SignOut ends the caller's session.
func (s *Service) SignOut(ctx context.Context, p Principal) error {
	return s.db.WriteTx(ctx, "", func(tx *store.Tx) error {
		tx.Publish(store.TopicSessions, "session "+p.SessionID)
		return tx.RevokeSession(p.SessionID)
	})
}
