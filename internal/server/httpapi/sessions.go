package httpapi

import (
	"errors"
	"net/http"

	"billfold/api"
	"billfold/internal/server/auth"
	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
	"billfold/internal/server/words"
)

// limit is one limiter's bucket for a request.
type limit struct {
	limiter *auth.Limiter
	key     string
}

// allow lets a request through when every limit has room for it, and
// otherwise answers rate_limited with message and returns false. A limit
// that refuses gets the others' quota given back, so that hammering one
// account from one address locks neither the account for everyone nor
// the address.
func (h *Handler) allow(w http.ResponseWriter, r *http.Request, message words.Text, limits ...limit) bool {
	var undo []func()
	for _, l := range limits {
		u, ok, wait := l.limiter.Take(l.key)
		if !ok {
			for _, u := range undo {
				u()
			}
			e := problem.New(api.CodeRateLimited, message)
			e.RetryAfter = wait
			h.fail(w, r, e)
			return false
		}
		undo = append(undo, u)
	}
	return true
}

func (h *Handler) handleSignIn(w http.ResponseWriter, r *http.Request) {
	in, ok := decode[rules.SignInInput](h, w, r)
	if !ok {
		return
	}
	ip := sourceOf(r)
	pair := ip + "|" + in.Email
	limits := []limit{{h.limit.Login, pair}, {h.limit.Source, ip}}
	if !h.limit.Failures.Clean(pair) {
		// Only addresses that failed on the account share its limit: a
		// flood of guesses from elsewhere never locks out the owner
		// signing in from an address with no failures.
		limits = append(limits, limit{h.limit.Account, in.Email})
	}
	if !h.allow(w, r, "Too many sign-in attempts. Wait a moment and try again.", limits...) {
		return
	}
	sess, err := h.rules.SignIn(r.Context(), in)
	if err != nil {
		if e := (*problem.Error)(nil); errors.As(err, &e) && e.Code == api.CodeInvalidCredentials {
			h.limit.Failures.Failed(pair)
		}
		h.fail(w, r, err)
		return
	}
	h.limit.Failures.Forget(pair)
	writeJSON(w, http.StatusCreated, sess)
}

func (h *Handler) handleRefresh(w http.ResponseWriter, r *http.Request) {
	in, ok := decode[rules.RefreshInput](h, w, r)
	if !ok {
		return
	}
	sess, err := h.rules.Refresh(r.Context(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sess)
}

func (h *Handler) handleSignOut(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	if err := h.rules.SignOut(r.Context(), p); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
