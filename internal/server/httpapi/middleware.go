package httpapi

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
	"billfold/internal/server/words"
)

// statusWriter records the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets event streams through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap serves http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged logs each request (method, path, status, duration; never
// headers, bodies or query strings, which may carry secrets) and turns a
// panic into a 500 problem.
func (h *Handler) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.log.Error("panic", "method", r.Method, "path", logPath(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeProblem(sw, r, errInternal())
				}
			}
			h.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("path", logPath(r)),
				slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)))
		}()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(sw, r)
	})
}

// logPath is the request path with checkout tokens cut out: a checkout URL
// is a bearer credential for paying the invoice and must not reach logs.
// The path is cut wherever it names a checkout or a token, not only at the
// canonical prefix: "//sandbox/checkout/cko_…" and
// "/sandbox/./checkout/cko_…" are answered with a redirect, and logged.
func logPath(r *http.Request) string {
	p := r.URL.Path
	cut := len(p)
	if i := strings.Index(p, "checkout/"); i >= 0 {
		cut = i + len("checkout/")
	}
	if i := strings.Index(p, "cko_"); i >= 0 && i < cut {
		cut = i
	}
	if cut == len(p) {
		return p
	}
	return p[:cut] + "{token}"
}

// principalHandler serves an authenticated caller.
type principalHandler func(http.ResponseWriter, *http.Request, rules.Principal)

// bearer is the request's bearer token; "" for none or another scheme.
// The scheme's name is case-insensitive (RFC 9110, section 11.1).
func bearer(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return token
}

// authed lets through a request with a valid access token.
func (h *Handler) authed(next principalHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := h.rules.Authenticate(r.Context(), bearer(r))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		next(w, r, p)
	})
}

// customer lets through customers only.
func (h *Handler) customer(next principalHandler) http.Handler {
	return h.only(billing.RoleCustomer, "This is for customer accounts; staff use /v1/staff.", next)
}

// staff lets through staff only.
func (h *Handler) staff(next principalHandler) http.Handler {
	return h.only(billing.RoleStaff, "This needs a staff account.", next)
}

// only lets through callers with role; others are forbidden, told why.
func (h *Handler) only(role billing.Role, why words.Text, next principalHandler) http.Handler {
	return h.authed(func(w http.ResponseWriter, r *http.Request, p rules.Principal) {
		if p.User.Role != role {
			writeProblem(w, r, problem.New(api.CodeForbidden, why))
			return
		}
		next(w, r, p)
	})
}

// sourceOf is the client address a rate limit counts: an IPv4 address, or
// an IPv6 address's /64, which one host usually has all of (counting its
// addresses one by one would give it 2^64 fresh starts).
func sourceOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return host
	}
	return p.String()
}
