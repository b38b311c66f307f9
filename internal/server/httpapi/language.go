package httpapi

import (
	"net/http"
	"slices"

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
