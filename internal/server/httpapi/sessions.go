package httpapi

import (
	"net/http"

	"billfold/api"
	"billfold/internal/server/auth"
	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
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
func (h *Handler) allow(w http.ResponseWriter, r *http.Request, message string, limits ...limit) bool {
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
	ip := clientIP(r)
	if !h.allow(w, r, "Too many sign-in attempts. Wait a moment and try again.",
		limit{h.limit.Login, ip + "|" + in.Email}, limit{h.limit.Account, in.Email}, limit{h.limit.Source, ip}) {
		return
	}
	sess, err := h.rules.SignIn(r.Context(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
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
