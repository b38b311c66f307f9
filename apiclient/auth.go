package apiclient

import (
	"context"
	"net/http"
	"sync"

	"billfold/api"
)

// tokens of the current session. They live behind a pointer so that
// printing a Client (%v, %+v, %#v) shows an address, never a token.
type tokens struct{ access, refresh string }

// authState holds the session. gate admits one session change at a time
// (sign-in, refresh, sign-out): the server rotates refresh tokens and
// treats a second use of one as theft, revoking the whole session, so two
// concurrent refreshes must never happen.
type authState struct {
	mu   sync.Mutex
	cur  *tokens
	gate chan struct{}
}

func newAuthState() *authState { return &authState{gate: make(chan struct{}, 1)} }

func (a *authState) get() *tokens {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cur
}

func (a *authState) access() string {
	if t := a.get(); t != nil {
		return t.access
	}
	return ""
}

func (a *authState) lock(ctx context.Context) error {
	select {
	case a.gate <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (a *authState) unlock() { <-a.gate }

// setSession installs a session (nil ends it) and tells the caller's hook,
// once per change.
// The gate must be held, which keeps hook calls ordered and non-concurrent.
func (c *Client) setSession(s *api.Session) {
	var t *tokens
	refresh := ""
	if s != nil {
		t, refresh = &tokens{access: s.AccessToken, refresh: s.RefreshToken}, s.RefreshToken
	}
	c.auth.mu.Lock()
	ended := t == nil && c.auth.cur == nil
	c.auth.cur = t
	c.auth.mu.Unlock()
	if !ended && c.opts.OnRefreshToken != nil {
		c.opts.OnRefreshToken(refresh)
	}
}

// SignIn exchanges an e-mail address and password for a session.
// Wrong credentials are an *Error with IsUnauthorized (code
// invalid_credentials); too many attempts one with IsRateLimited.
func (c *Client) SignIn(ctx context.Context, email, password string) (api.User, error) {
	const op = "sign in"
	s, err := fetch[api.Session](ctx, c, call{op: op, method: http.MethodPost, path: "/v1/sessions",
		body: api.SignInRequest{Email: email, Password: password}, public: true})
	if err != nil {
		return api.User{}, err
	}
	return c.adopt(ctx, op, s)
}

// Resume restores a session from a refresh token kept by the caller (the
// keyring) at start-up. The token is spent: the new one goes to
// OnRefreshToken. A token the server no longer accepts gives an *Error with
// IsUnauthorized, and OnRefreshToken("") so that the caller forgets it.
// When the server cannot be reached the token is kept, and the next call
// tries again.
func (c *Client) Resume(ctx context.Context, refreshToken string) (api.User, error) {
	const op = "resume session"
	if err := c.auth.lock(ctx); err != nil {
		return api.User{}, transportError(ctx, op, err)
	}
	defer c.auth.unlock()
	c.auth.mu.Lock()
	c.auth.cur = &tokens{refresh: refreshToken} // no access token yet
	c.auth.mu.Unlock()
	s, err := c.exchange(ctx, op, refreshToken)
	if err != nil {
		return api.User{}, err
	}
	return s.User, nil
}

// adopt installs a session from sign-in.
func (c *Client) adopt(ctx context.Context, op string, s api.Session) (api.User, error) {
	if s.AccessToken == "" || s.RefreshToken == "" {
		return api.User{}, &Error{Op: op, Kind: KindBadResponse, Detail: "a session without tokens"}
	}
	if err := c.auth.lock(context.WithoutCancel(ctx)); err != nil {
		return api.User{}, transportError(ctx, op, err)
	}
	defer c.auth.unlock()
	c.setSession(&s)
	return s.User, nil
}

// refresh replaces the access token that just got a 401 (stale). Callers
// that queue at the gate while another refreshes find a new token and
// return at once, so concurrent 401s cause one refresh. Every caller,
// the one that started the refresh included, stops waiting when its own
// context ends.
func (c *Client) refresh(ctx context.Context, op, stale string) error {
	if err := c.auth.lock(ctx); err != nil {
		return transportError(ctx, op, err)
	}
	cur := c.auth.get()
	switch {
	case cur == nil:
		c.auth.unlock()
		return notSignedIn(op) // signed out meanwhile
	case cur.access != stale:
		c.auth.unlock()
		return nil // refreshed by a concurrent caller
	}
	// Finish the exchange even if this caller gives up: the server spends
	// the old refresh token as soon as it handles the request, and losing
	// the answer would end the session. So it runs on its own, holding the
	// gate until the answer is in; callers queued there then find the new
	// token.
	done := make(chan error, 1) // buffered: nobody may be left to receive
	go func() {
		defer c.auth.unlock()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.opts.Deadline)
		defer cancel()
		_, err := c.exchange(rctx, op, cur.refresh)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return transportError(ctx, op, ctx.Err())
	}
}

// exchange spends a refresh token for a new session. The gate must be held.
// A refused token ends the session.
func (c *Client) exchange(ctx context.Context, op, refreshToken string) (api.Session, error) {
	s, err := fetch[api.Session](ctx, c, call{op: op, method: http.MethodPost, path: "/v1/sessions/refresh",
		body: api.RefreshRequest{RefreshToken: refreshToken}, public: true})
	if e, ok := AsError(err); ok && e.IsUnauthorized() {
		c.setSession(nil)
	}
	if err != nil {
		return api.Session{}, err
	}
	if s.AccessToken == "" || s.RefreshToken == "" {
		return api.Session{}, &Error{Op: op, Kind: KindBadResponse, Detail: "a session without tokens"}
	}
	c.setSession(&s)
	return s, nil
}

// SignOut ends the session on the server and forgets it here (the hook gets
// ""). The local session is forgotten even when the server cannot be
// reached; the error then says so.
func (c *Client) SignOut(ctx context.Context) error {
	if !c.SignedIn() {
		return nil
	}
	err := c.do(ctx, call{op: "sign out", method: http.MethodDelete, path: "/v1/sessions/current"})
	_ = c.auth.lock(context.WithoutCancel(ctx))
	defer c.auth.unlock()
	c.setSession(nil)
	if e, ok := AsError(err); ok && e.IsUnauthorized() {
		return nil // the server had ended it already
	}
	return err
}

// SignedIn reports whether the client holds a session.
func (c *Client) SignedIn() bool { return c.auth.get() != nil }
