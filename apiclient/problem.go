package apiclient

import (
	"bytes"
	"encoding/json"
	"html"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"billfold/api"
)

// errorFromResponse turns an error answer into an *Error. The Billing API
// answers problem+json; anything else (a proxy's HTML page, plain text, an
// empty body) still yields a kind, and the page's title as the detail, so
// that support can tell who answered.
func errorFromResponse(op string, status int, header http.Header, body []byte, now time.Time) *Error {
	e := &Error{Op: op, Status: status}
	if p, ok := parseProblem(body); ok {
		e.Code = printable(p.Code, 64)
		e.Detail = printable(firstNonEmpty(p.Detail, p.Title), 300)
		e.Language = printable(header.Get("Content-Language"), 35)
		for _, f := range p.Errors {
			e.Fields = append(e.Fields, api.FieldError{Field: printable(f.Field, 100), Code: printable(f.Code, 64), Message: printable(f.Message, 300)})
		}
		if p.RetryAfter > 0 {
			e.RetryAfter = time.Duration(min(p.RetryAfter, int(maxRetryAfter/time.Second))) * time.Second
		}
	} else {
		e.Detail = pageHint(header.Get("Content-Type"), body)
	}
	if d, ok := parseRetryAfter(header.Get("Retry-After"), now); ok {
		e.RetryAfter = d
	}
	e.Kind = kindOfStatus(status, e.Code, len(e.Fields))
	return e
}

// parseProblem accepts a body only if it is a JSON object that says
// something problem-like; a JSON body of another shape is not a problem.
func parseProblem(body []byte) (api.Problem, bool) {
	var p api.Problem
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return p, false
	}
	if err := json.Unmarshal(trimmed, &p); err != nil {
		return api.Problem{}, false
	}
	return p, p.Code != "" || p.Title != "" || p.Detail != ""
}

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// pageHint is what a non-problem error answer says of itself: the HTML
// page's title or the first line of text, which tells support who
// answered (the server, or a proxy on the way).
func pageHint(contentType string, body []byte) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	var hint string
	if m := htmlTitle.FindSubmatch(body); m != nil {
		hint = html.UnescapeString(string(m[1]))
	} else if mt != "text/html" && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
		hint, _, _ = strings.Cut(strings.TrimSpace(string(body)), "\n")
	}
	return printable(strings.Join(strings.Fields(hint), " "), 120)
}

// maxRetryAfter bounds what a server can make the UI display or wait for.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return clampRetryAfter(t.Sub(now)), true
	}
	return 0, false
}

func clampRetryAfter(d time.Duration) time.Duration { return min(max(d, 0), maxRetryAfter) }

// printable keeps s fit for a message: no control characters, at most n runes.
func printable(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if n == 0 {
			b.WriteString("…")
			break
		}
		if unicode.IsPrint(r) {
			b.WriteRune(r)
			n--
		}
	}
	return strings.TrimSpace(b.String())
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
