package apiclient

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"

	"github.com/go-resty/resty/v2"
)

// Secrets that pass through the client and must never reach a log or an
// error: bearer tokens (headers), passwords and tokens (JSON bodies of
// sign-in and refresh) and sandbox checkout tokens (a checkout URL pays the
// invoice, so its last segment is a credential too).
var (
	secretJSON = regexp.MustCompile(`("(?:password|access_token|refresh_token)"\s*:\s*)"(?:[^"\\]|\\.)*"?`)
	bearer     = regexp.MustCompile(`(?i)(bearer\s+)[^\s",;]+`)
	checkout   = regexp.MustCompile(`(/sandbox/checkout/)[^\s"'?#/<>\\]+`)
)

const redacted = "***"

// redact removes every secret the patterns above know from s. It works on
// truncated and invalid JSON too, which a parser would give up on.
func redact(s string) string {
	s = secretJSON.ReplaceAllString(s, `$1"`+redacted+`"`)
	s = bearer.ReplaceAllString(s, "${1}"+redacted)
	return checkout.ReplaceAllString(s, "${1}"+redacted)
}

// sensitiveHeaders are blanked in debug logs whatever their value.
var sensitiveHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}

func redactHeaders(h http.Header) {
	for _, k := range sensitiveHeaders {
		if h.Get(k) != "" {
			h.Set(k, redacted) // Set replaces the slice; resty's copy shares it with the request
		}
	}
}

func redactRequestLog(l *resty.RequestLog) error {
	redactHeaders(l.Header)
	l.Body = redact(l.Body)
	return nil
}

func redactResponseLog(l *resty.ResponseLog) error {
	redactHeaders(l.Header)
	l.Body = redact(l.Body)
	return nil
}

// restyLogger sends resty's own messages (debug dumps, retry warnings) to
// slog, scrubbed once more in case a secret got past the hooks above.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) { r.l.Error(redact(fmt.Sprintf(format, v...))) }
func (r restyLogger) Warnf(format string, v ...any)  { r.l.Warn(redact(fmt.Sprintf(format, v...))) }
func (r restyLogger) Debugf(format string, v ...any) { r.l.Debug(redact(fmt.Sprintf(format, v...))) }
