// Package apivalidate checks HTTP traffic against the Billing API contract
// (api.OpenAPI). It is meant for tests: wrap the client's transport with
// Validator.Transport, run the suite, then fail if Validator.Errors is not
// empty.
package apivalidate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"billfold/api"
)

// Validator checks requests/responses against api.OpenAPI.
//
// It is safe for concurrent use.
type Validator struct {
	v validator.Validator
	// statusOf is the error table of the API description: the status each
	// problem code comes with.
	statusOf map[string]int

	vmu sync.Mutex // serialises calls into the library validator

	mu   sync.Mutex
	errs []string
}

// New parses api.OpenAPI, checks that it is itself a valid OpenAPI document
// and returns a Validator for it.
func New() (*Validator, error) {
	v, err := load(api.OpenAPI)
	if err != nil {
		return nil, err
	}
	statuses, err := ProblemStatuses(api.OpenAPI)
	if err != nil {
		return nil, err
	}
	return &Validator{v: v, statusOf: statuses}, nil
}

// tableRow is a row of the description's error table: | `code` | status | … |
var tableRow = regexp.MustCompile("^\\|\\s*`([a-z_]+)`\\s*\\|\\s*([1-5][0-9][0-9])\\s*\\|")

// ProblemStatuses reads the error table of spec's info.description: the
// HTTP status that each problem code always comes with.
func ProblemStatuses(spec []byte) (map[string]int, error) {
	model, err := buildModel(spec)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, line := range strings.Split(model.Model.Info.Description, "\n") {
		if m := tableRow.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			status, _ := strconv.Atoi(m[2])
			if prev, dup := out[m[1]]; dup && prev != status {
				return nil, fmt.Errorf("apivalidate: the error table gives %s both %d and %d", m[1], prev, status)
			}
			out[m[1]] = status
		}
	}
	if len(out) == 0 {
		return nil, errors.New("apivalidate: the API description has no error table")
	}
	return out, nil
}

// load builds a library validator for spec and validates the document
// against the OpenAPI meta-schema.
func load(spec []byte) (validator.Validator, error) {
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("apivalidate: parse openapi.yaml: %w", err)
	}
	v, errs := validator.NewValidator(doc,
		config.WithFormatAssertions(),         // date-time, int64, uri-reference …
		config.WithURLEncodedBodyValidation(), // the sandbox checkout form
	)
	if len(errs) > 0 {
		return nil, fmt.Errorf("apivalidate: build validator: %w", errors.Join(errs...))
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		msgs := make([]string, 0, len(verrs))
		for _, e := range verrs {
			msgs = append(msgs, describe(e))
		}
		return nil, fmt.Errorf("apivalidate: openapi.yaml is not a valid OpenAPI document:\n%s", strings.Join(msgs, "\n"))
	}
	return v, nil
}

// Transport wraps base; every request+response passing through is validated; problems are recorded.
//
// The request is validated as sent (its body is buffered first and replayed to
// base). The response body is buffered and restored, so callers read it as
// usual; text/event-stream and text/html bodies are not read (streams never
// end, pages have no schema) but their status and headers are still checked.
//
// Request problems are recorded only when the server did not reject the
// request with a 4xx: a test that deliberately sends a bad request (no
// token, no Idempotency-Key, a float amount …) and gets the documented 4xx is
// not a contract violation, while a non-conforming request that the server
// accepts is. Likewise a 404 or 405 for a path or method the document does
// not have is expected and not recorded. Base nil means
// http.DefaultTransport.
func (v *Validator) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{v: v, base: base}
}

// Errors returns every validation error recorded so far (as strings with method, path, status).
func (v *Validator) Errors() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.errs...)
}

func (v *Validator) record(msgs ...string) {
	v.mu.Lock()
	v.errs = append(v.errs, msgs...)
	v.mu.Unlock()
}

type transport struct {
	v    *Validator
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	// Buffer the request body so that it can be both sent and validated.
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		// RoundTrippers must not modify the caller's request: send a clone.
		out := req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(b))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		out.ContentLength = int64(len(b))
		req = out
	}

	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}

	streaming := skipBody(resp.Header.Get("Content-Type"))
	var respBody []byte
	if !streaming && resp.Body != nil && resp.Body != http.NoBody {
		b, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("apivalidate: read response body: %w", err)
		}
		respBody = b
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}

	t.v.check(req, reqBody, resp, respBody, streaming)
	return resp, nil
}

// skipBody reports whether a response body of this content type must not be
// read or validated.
func skipBody(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "text/event-stream" || mt == "text/html"
}

// check validates copies of req and resp, so that neither the caller's
// request nor the response body the caller reads is touched by the library.
func (v *Validator) check(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte, streaming bool) {
	vreq := req.Clone(req.Context())
	vreq.Body = http.NoBody
	if reqBody != nil {
		vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
		vreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
		vreq.ContentLength = int64(len(reqBody))
	}
	vresp := new(http.Response)
	*vresp = *resp
	vresp.Header = resp.Header.Clone()
	vresp.Request = vreq
	vresp.Body = http.NoBody
	if !streaming && respBody != nil {
		vresp.Body = io.NopCloser(bytes.NewReader(respBody))
	}

	where := fmt.Sprintf("%s %s -> %d", req.Method, req.URL.RequestURI(), resp.StatusCode)
	rejected := resp.StatusCode >= 400 && resp.StatusCode < 500

	v.vmu.Lock()
	_, reqErrs := v.v.ValidateHttpRequestSync(vreq)
	// The request validator may have consumed the body; give the response
	// validator (which only routes on the request) a fresh copy.
	vreq.Body = http.NoBody
	if reqBody != nil {
		vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	_, respErrs := v.v.ValidateHttpResponse(vreq, vresp)
	v.vmu.Unlock()

	msgs := v.checkProblem(where, resp, respBody)
	unrouted := false
	for _, e := range respErrs {
		if e.IsPathMissingError() || e.IsOperationMissingError() {
			unrouted = true
			if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
				continue // an undocumented route answered as such
			}
		}
		msgs = append(msgs, where+": response: "+describe(e))
	}
	if !rejected && !unrouted {
		for _, e := range reqErrs {
			msgs = append(msgs, where+": request: "+describe(e))
		}
	}
	if len(msgs) > 0 {
		v.record(msgs...)
	}
}

// checkProblem holds a problem+json answer to the error table: its code
// must come with the status the table gives it, in the HTTP status line
// and in the body's status.
func (v *Validator) checkProblem(where string, resp *http.Response, body []byte) []string {
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/problem+json" {
		return nil
	}
	var p struct {
		Code   string `json:"code"`
		Status int    `json:"status"`
	}
	if json.Unmarshal(body, &p) != nil || p.Code == "" {
		return nil // the schema check reports a body that is not a Problem
	}
	want, ok := v.statusOf[p.Code]
	switch {
	case !ok:
		return []string{fmt.Sprintf("%s: problem code %q is not in the error table", where, p.Code)}
	case resp.StatusCode != want || p.Status != want:
		return []string{fmt.Sprintf("%s: problem code %q comes with status %d in the error table, answered %d (body says %d)",
			where, p.Code, want, resp.StatusCode, p.Status)}
	}
	return nil
}

// describe flattens a library error into one line, including the schema
// failures (field path and reason) that Error() buries.
func describe(e *verrors.ValidationError) string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Reason != "" && e.Reason != e.Message {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	var details []string
	for _, f := range e.SchemaValidationErrors {
		if f == nil {
			continue
		}
		d := f.Reason
		if f.FieldPath != "" {
			d = f.FieldPath + ": " + d
		} else if f.KeywordLocation != "" {
			d = f.KeywordLocation + ": " + d
		}
		details = append(details, d)
	}
	sort.Strings(details)
	if len(details) > 0 {
		b.WriteString(" [")
		b.WriteString(strings.Join(details, "; "))
		b.WriteString("]")
	}
	if e.SpecLine > 0 {
		fmt.Fprintf(&b, " (openapi.yaml:%d)", e.SpecLine)
	}
	return b.String()
}
