package apiclient

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"

	"billfold/api"
)

// errGiveUp stops resty's retry loop when the next wait would not fit: a
// Retry-After beyond RetryMaxWait, or past the call's deadline. The last
// answer is then returned to the caller as it is.
var errGiveUp = errors.New("apiclient: the wait before the next attempt does not fit")

// shouldRetry decides whether resty repeats a request. It replaces resty's
// default (retry any transport error), so it handles errors itself.
//
// Only requests that cannot do harm twice are repeated: GET and HEAD, and a
// POST that carries an Idempotency-Key, which the server replays instead of
// executing again.
func shouldRetry(resp *resty.Response, err error) bool {
	if resp == nil || resp.Request == nil || resp.Request.Context().Err() != nil {
		return false
	}
	req := resp.Request
	keyed := req.Header.Get("Idempotency-Key") != ""
	switch req.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		if !keyed {
			return false
		}
	default:
		return false
	}
	if err != nil {
		// A certificate will not become trusted, nor a body smaller, by asking again.
		return !isCertificateError(err) && !errors.Is(err, resty.ErrResponseBodyTooLarge)
	}
	switch resp.StatusCode() {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusConflict:
		// The first attempt with this key is still running on the server
		// (its answer was lost on the way); the repeat will get its result.
		p, ok := parseProblem(resp.Body())
		return keyed && ok && p.Code == api.CodeIdempotencyInFlight
	}
	return false
}

// retryDelay is resty's RetryAfterFunc: capped exponential backoff with
// jitter, or the server's Retry-After when it fits the budget.
func (c *Client) retryDelay(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	wait := backoff(c.opts.RetryWait, c.opts.RetryMaxWait, resp.Request.Attempt)
	if ra, ok := parseRetryAfter(resp.Header().Get("Retry-After"), time.Now()); ok {
		if ra > c.opts.RetryMaxWait {
			return 0, errGiveUp // the caller learns RetryAfter from the error and can tell the user
		}
		wait = max(wait, ra)
	}
	if dl, ok := resp.Request.Context().Deadline(); ok && time.Until(dl) < wait {
		return 0, errGiveUp
	}
	c.log.Info("apiclient: retrying", "method", resp.Request.Method, "path", resp.Request.RawRequest.URL.Path,
		"attempt", resp.Request.Attempt, "status", resp.StatusCode(), "wait", wait)
	return wait, nil
}

// backoff is the wait after the given attempt (1-based): "equal jitter"
// over a base that doubles per attempt from 2×min up to max, half of it
// fixed and half random, so that many clients knocked off by one outage do
// not come back in lockstep. It is never below min (resty would raise it
// and lose the jitter) nor above max.
func backoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	d := 2 * minWait
	for i := 1; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	half := d / 2
	return half + rand.N(half+1)
}
