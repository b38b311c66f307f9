package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"billfold/api"
	"billfold/internal/server/words"
)

// speak is the language to answer r's human texts in, negotiated from its
// Accept-Language (English when it names nothing the server speaks, or is
// malformed: never a refusal). It says so in Content-Language, and Vary
// tells caches that the answer depends on the header.
func speak(w http.ResponseWriter, r *http.Request) words.Lang {
	l := words.Negotiate(r.Header.Get("Accept-Language"))
	h := w.Header()
	h.Set("Content-Language", string(l))
	if !slices.Contains(h.Values("Vary"), "Accept-Language") {
		h.Add("Vary", "Accept-Language")
	}
	return l
}

// checkoutInCallersLanguage makes a sandbox checkout link open in the
// language the payment was asked for in (lang=), not the browser's: the
// app's UI language decides. A request that names none leaves the link
// to the browser's Accept-Language.
func checkoutInCallersLanguage(p api.Payment, r *http.Request) api.Payment {
	l := callersLanguage(r)
	if l == "" || p.NextAction.Type != api.ActionRedirect || !strings.Contains(p.NextAction.URL, "/sandbox/checkout/") {
		return p
	}
	p.NextAction.URL += "?lang=" + l
	return p
}

// callersLanguage is the language r asks in, "" when it names none: a
// checkout opened for it speaks that language (a provider's, Stripe's, as
// much as the sandbox's), or the browser's when "".
func callersLanguage(r *http.Request) string {
	if r.Header.Get("Accept-Language") == "" {
		return ""
	}
	return string(words.Negotiate(r.Header.Get("Accept-Language")))
}
