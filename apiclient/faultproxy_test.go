package apiclient_test

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// faultKind is what the proxy does to a request.
type faultKind int

const (
	dropBefore  faultKind = iota // close the connection without forwarding
	dropAfter                    // forward (the server acts), then close without answering
	unavailable                  // answer 503 in plain text, without forwarding
	errorPage                    // answer an HTML page with status, without forwarding
	rateLimit                    // answer 429 with Retry-After: retryAfter, without forwarding
	slow                         // forward, then hold the answer until release closes or the client gives up
	truncate                     // forward, answer the first half of the body (a consistent length)
	cutShort                     // forward, announce the whole body, send half and drop
	garbage                      // forward, answer invalid JSON with the server's status
	cutStream                    // event stream: forward `after` events, then drop
)

// fault is one rule; it applies to the next `times` matching requests
// (-1: every one).
type fault struct {
	kind       faultKind
	method     string // "" matches any
	path       string // prefix of the request path
	times      int
	status     int           // errorPage
	page       string        // errorPage
	retryAfter string        // rateLimit
	release    chan struct{} // slow; nil holds the answer until the client gives up
	after      int           // cutStream
}

// seen is a request as it reached the proxy.
type seen struct {
	method, path string
	header       http.Header
	at           time.Time
}

// faultProxy is a reverse proxy in front of the real server that injects
// network and gateway faults, and records what the client sent.
type faultProxy struct {
	URL      string
	target   string
	upstream *http.Client
	mu       sync.Mutex
	faults   []*fault
	log      []seen
}

func newFaultProxy(t testing.TB, target string) *faultProxy {
	p := &faultProxy{target: target, upstream: &http.Client{Transport: &http.Transport{DisableCompression: true}}}
	srv := httptest.NewServer(p)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	p.URL = srv.URL
	return p
}

func (p *faultProxy) inject(f fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = append(p.faults, &f)
}

func (p *faultProxy) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = nil
}

// requests returns the recorded requests for method and path (exact).
func (p *faultProxy) requests(method, path string) []seen {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []seen
	for _, s := range p.log {
		if s.method == method && s.path == path {
			out = append(out, s)
		}
	}
	return out
}

// take records r and returns the fault that applies to it, if any.
func (p *faultProxy) take(r *http.Request) *fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = append(p.log, seen{r.Method, r.URL.Path, r.Header.Clone(), time.Now()})
	for _, f := range p.faults {
		if f.times != 0 && (f.method == "" || f.method == r.Method) && strings.HasPrefix(r.URL.Path, f.path) {
			if f.times > 0 {
				f.times--
			}
			return f
		}
	}
	return nil
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	f := p.take(r)
	if f == nil {
		f = &fault{kind: -1}
	}
	switch f.kind {
	case dropBefore:
		drop(w)
		return
	case unavailable:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "upstream connect error or disconnect/reset before headers\n")
		return
	case errorPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, f.page)
		return
	case rateLimit:
		w.Header().Set("Retry-After", f.retryAfter)
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"type":"about:blank","title":"Too many requests","status":429,"code":"rate_limited","detail":"Slow down."}`)
		return
	}
	resp, err := p.forward(r, body)
	if err != nil {
		return // the client has gone
	}
	defer resp.Body.Close()
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/event-stream" {
		p.pipeStream(w, resp, f)
		return
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return
	}
	switch f.kind {
	case dropAfter:
		drop(w)
		return
	case slow:
		select {
		case <-f.release:
		case <-r.Context().Done():
			return
		}
	case truncate:
		data = data[:len(data)/2]
	case garbage:
		data = []byte(`{"id": "inv_1", "total": {"amount": tru`)
	}
	copyHeader(w.Header(), resp.Header)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if f.kind == cutShort {
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(data[:len(data)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection dies mid-body
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(data)
}

func (p *faultProxy) forward(r *http.Request, body []byte) (*http.Response, error) {
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	copyHeader(out.Header, r.Header)
	return p.upstream.Do(out)
}

// pipeStream relays an event stream message by message; cutStream drops
// the connection after f.after events.
func (p *faultProxy) pipeStream(w http.ResponseWriter, resp *http.Response, f *fault) {
	copyHeader(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	w.(http.Flusher).Flush()
	rd := bufio.NewReader(resp.Body)
	events, hasID := 0, false
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		_, _ = io.WriteString(w, line)
		switch {
		case strings.HasPrefix(line, "id:"):
			hasID = true
		case line == "\n":
			w.(http.Flusher).Flush()
			if hasID {
				events++
			}
			hasID = false
			if f.kind == cutStream && events >= f.after {
				panic(http.ErrAbortHandler)
			}
		}
	}
}

// drop closes the client's connection without an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		if k == "Content-Length" || k == "Connection" {
			continue
		}
		dst[k] = append([]string(nil), v...)
	}
}
