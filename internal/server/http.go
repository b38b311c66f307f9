package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"billfold/api"
	"billfold/billing"
)

// apiError is a problem the handler wants to answer with.
type apiError struct {
	status     int
	code       string
	detail     string
	fields     []api.FieldError
	retryAfter int
}

func (e *apiError) Error() string { return e.code + ": " + e.detail }

func problem(status int, code, detail string) *apiError {
	return &apiError{status: status, code: code, detail: detail}
}

func fieldProblem(status int, field, code, msg string) *apiError {
	return &apiError{status: status, code: api.CodeValidation, detail: field + " " + msg,
		fields: []api.FieldError{{Field: field, Code: code, Message: msg}}}
}

// ruleProblem is a 422 for well-formed input that a business rule refuses:
// the problem's code names the rule (clients branch on it) and the field
// error marks the input to correct.
func ruleProblem(code, field, msg string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: code, detail: msg,
		fields: []api.FieldError{{Field: field, Code: code, Message: msg}}}
}

var (
	errNotFound     = problem(http.StatusNotFound, api.CodeNotFound, "No such resource.")
	errUnauthorized = problem(http.StatusUnauthorized, api.CodeUnauthorized, "Sign in to continue.")
	errForbidden    = problem(http.StatusForbidden, api.CodeForbidden, "This needs a staff account.")
)

var titles = map[int]string{
	400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
	409: "Conflict", 413: "Request body too large", 422: "Unprocessable request", 429: "Too many requests",
	500: "Internal server error",
}

func writeProblem(w http.ResponseWriter, r *http.Request, e *apiError) {
	p := api.Problem{
		Type:       "https://billfold.example/problems/" + strings.ReplaceAll(e.code, "_", "-"),
		Title:      titles[e.status],
		Status:     e.status,
		Code:       e.code,
		Detail:     e.detail,
		Instance:   r.URL.Path,
		Errors:     e.fields,
		RetryAfter: e.retryAfter,
	}
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	body, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}

// fail answers err: an *apiError as itself, anything else as a logged 500
// whose body reveals nothing internal.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeProblem(w, r, ae)
		return
	}
	s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", logPath(r), "err", err)
	writeProblem(w, r, problem(http.StatusInternalServerError, api.CodeInternal, "Something went wrong on our side. Please try again."))
}

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

// readBody reads the whole request body within the size limit.
func (s *Server) readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, problem(http.StatusRequestEntityTooLarge, api.CodeBodyTooLarge,
				fmt.Sprintf("The request body is larger than %d bytes.", s.opts.MaxBodyBytes))
		}
		return nil, problem(http.StatusBadRequest, api.CodeInvalidJSON, "The request body could not be read.")
	}
	return body, nil
}

// decodeStrict parses body into v: one JSON object, no unknown fields, no
// trailing data, right types. Errors name the field.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return problem(http.StatusBadRequest, api.CodeInvalidJSON, "The request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if dec.More() {
		return problem(http.StatusBadRequest, api.CodeInvalidJSON, "Unexpected data after the JSON object.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return problem(http.StatusBadRequest, api.CodeInvalidJSON, "Unexpected data after the JSON object.")
	}
	return exactKeys(body, reflect.TypeOf(v))
}

func jsonProblem(err error) *apiError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var fe *billing.FieldError
	switch {
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return problem(http.StatusBadRequest, api.CodeInvalidJSON, "The request body is not valid JSON.")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return problem(http.StatusBadRequest, api.CodeInvalidJSON, "The request body must be a JSON object.")
		}
		return fieldProblem(http.StatusBadRequest, field, "wrong_type", "must be a "+jsonType(typ.Type.Kind().String()))
	case errors.As(err, &fe):
		// Every money field of the API's requests is called "amount".
		field := "amount"
		if fe.Field != "" {
			field += "." + fe.Field
		}
		return fieldProblem(http.StatusBadRequest, field, "invalid", fe.Reason)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldProblem(http.StatusBadRequest, name, "unknown_field", "is not a known field")
	}
	return problem(http.StatusBadRequest, api.CodeInvalidJSON, "The request body is not valid JSON.")
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "int", "int64", "int32", "uint", "uint64":
		return "whole number"
	case "bool":
		return "boolean"
	}
	return "JSON " + kind
}

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

// middleware logs each request (method, path, status, duration; never
// headers, bodies or query strings, which may carry secrets) and turns a
// panic into a 500 problem.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", logPath(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeProblem(sw, r, problem(http.StatusInternalServerError, api.CodeInternal, "Something went wrong on our side. Please try again."))
				}
			}
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("path", logPath(r)),
				slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)))
		}()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(sw, r)
	})
}

// logPath is the request path with checkout tokens cut out: a checkout URL
// is a bearer credential for paying the invoice and must not reach logs.
func logPath(r *http.Request) string {
	const prefix = "/sandbox/checkout/"
	if strings.HasPrefix(r.URL.Path, prefix) {
		return prefix + "{token}"
	}
	return r.URL.Path
}
