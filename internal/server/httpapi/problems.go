package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"billfold/api"
	"billfold/internal/server/problem"
	"billfold/internal/server/words"
)

// statusOf is the API's one table from problem code to HTTP status, the
// same as the table in api/openapi.yaml's description
// (TestStatusTableIsTheContracts compares them; apivalidate holds every
// answer in the test suites to the document's). A code has one status,
// whichever layer refuses: validation_failed is always 400 (a field is
// missing, empty, of the wrong type, out of range or not what it must
// match), and 422 is left to the business rules, each with its own code.
var statusOf = map[string]int{
	api.CodeInvalidJSON:           http.StatusBadRequest,
	api.CodeValidation:            http.StatusBadRequest,
	api.CodeIdempotencyRequired:   http.StatusBadRequest,
	api.CodeUnauthorized:          http.StatusUnauthorized,
	api.CodeTokenExpired:          http.StatusUnauthorized,
	api.CodeInvalidCredentials:    http.StatusUnauthorized,
	api.CodeForbidden:             http.StatusForbidden,
	api.CodeNotFound:              http.StatusNotFound,
	api.CodeMethodNotAllowed:      http.StatusMethodNotAllowed,
	api.CodeIdempotencyInFlight:   http.StatusConflict,
	api.CodeOpenInvoiceExists:     http.StatusConflict,
	api.CodeInvoiceNotPayable:     http.StatusConflict,
	api.CodeNotCancellable:        http.StatusConflict,
	api.CodeCreditNotAllowed:      http.StatusConflict,
	api.CodePaymentNotConfirmable: http.StatusConflict,
	api.CodeAlreadyReversed:       http.StatusConflict,
	api.CodeLineNotQueued:         http.StatusConflict,
	api.CodeRequestTimeout:        http.StatusRequestTimeout,
	api.CodeBodyTooLarge:          http.StatusRequestEntityTooLarge,
	api.CodeUnsupportedMediaType:  http.StatusUnsupportedMediaType,
	api.CodeIdempotencyMismatch:   http.StatusUnprocessableEntity,
	api.CodeBelowMinimum:          http.StatusUnprocessableEntity,
	api.CodeAboveMaximum:          http.StatusUnprocessableEntity,
	api.CodeBalanceLimit:          http.StatusUnprocessableEntity,
	api.CodeGatewayUnavailable:    http.StatusUnprocessableEntity,
	api.CodePolicyVersion:         http.StatusUnprocessableEntity,
	api.CodeCurrencyMismatch:      http.StatusUnprocessableEntity,
	api.CodeInsufficientCredit:    http.StatusUnprocessableEntity,
	api.CodeAmountExceedsDue:      http.StatusUnprocessableEntity,
	api.CodeVoucherInvalid:        http.StatusUnprocessableEntity,
	api.CodeVoucherExpired:        http.StatusUnprocessableEntity,
	api.CodeVoucherRedeemed:       http.StatusUnprocessableEntity,
	api.CodeTransferAmount:        http.StatusUnprocessableEntity,
	api.CodeStatementUnreadable:   http.StatusBadRequest,
	api.CodeGatewayError:          http.StatusBadGateway,
	api.CodeRateLimited:           http.StatusTooManyRequests,
	api.CodeInternal:              http.StatusInternalServerError,
}

// titles are the problems' short summaries, per status.
var titles = map[int]words.Text{
	400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
	408: "Request timeout", 409: "Conflict", 413: "Request body too large", 415: "Unsupported media type", 422: "Unprocessable request",
	429: "Too many requests", 500: "Internal server error", 502: "Bad gateway",
}

// errInternal is what a failure that is not a refusal looks like from outside.
func errInternal() *problem.Error {
	return problem.New(api.CodeInternal, "Something went wrong on our side. Please try again.")
}

// writeProblem answers e as application/problem+json with its code's status,
// its title, detail and field messages in the language r asks for.
func writeProblem(w http.ResponseWriter, r *http.Request, e *problem.Error) {
	status := statusOf[e.Code]
	l := speak(w, r)
	p := api.Problem{
		Type:       "https://billfold.example/problems/" + strings.ReplaceAll(e.Code, "_", "-"),
		Title:      l.T(titles[status]),
		Status:     status,
		Code:       e.Code,
		Detail:     e.Detail.In(l),
		Instance:   r.URL.Path,
		RetryAfter: e.RetryAfter,
	}
	for _, f := range e.Fields {
		p.Errors = append(p.Errors, f.In(l))
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	body, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fail answers err: a refusal as its problem, anything else (and a refusal
// whose code the table lacks, a bug) as a logged 500 whose body reveals
// nothing internal.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client hung up (or the server is stopping) and its work was
		// rolled back: no fault of ours to log as an error, nor a 500 to
		// count, and nobody reads an answer. The access log records the
		// status nginx gives this, 499.
		h.log.InfoContext(r.Context(), "request abandoned by the client", "method", r.Method, "path", logPath(r), "err", err)
		w.WriteHeader(statusClientClosed)
		return
	}
	var e *problem.Error
	if errors.As(err, &e) {
		if _, ok := statusOf[e.Code]; ok {
			writeProblem(w, r, e)
			return
		}
	}
	h.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", logPath(r), "err", err)
	writeProblem(w, r, errInternal())
}

// statusClientClosed is the status of a request whose client went away
// before its answer (nginx's 499; HTTP has none).
const statusClientClosed = 499

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response", http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, body)
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
