package apiclient

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// maxSSELine bounds one line of the event stream, and maxSSEEvent the data
// of one event however many lines carry it; an event is a few KiB.
const (
	maxSSELine  = 1 << 20
	maxSSEEvent = 1 << 20
)

// errSSETooLarge ends a stream whose event outgrew maxSSEEvent: data lines
// that no blank line ever dispatched grew without bound.
var errSSETooLarge = errors.New("apiclient: an event of the stream is too large")

// sseMessage is one dispatched Server-Sent Events message.
type sseMessage struct {
	id    string // the stream's last event id when this message was dispatched
	event string
	data  string
}

// sseReader parses a text/event-stream as the HTML standard describes
// (fields id, event, data, retry; ":" comments; a blank line dispatches).
type sseReader struct {
	sc     *bufio.Scanner
	lastID string        // sent back as Last-Event-ID on reconnect
	retry  time.Duration // the server's reconnection hint, 0 if none
}

func newSSEReader(r io.Reader) *sseReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxSSELine)
	return &sseReader{sc: sc}
}

// next returns the next message that carries data. It returns io.EOF when
// the stream ends cleanly; a message cut off by the end is dropped, as the
// standard requires.
func (r *sseReader) next() (sseMessage, error) {
	var m sseMessage
	var data strings.Builder
	hasData := false
	for r.sc.Scan() {
		line := r.sc.Text()
		if line == "" {
			if hasData {
				m.id, m.data = r.lastID, strings.TrimSuffix(data.String(), "\n")
				return m, nil
			}
			m.event = ""
			continue
		}
		if line[0] == ':' {
			continue // a comment: the server's keep-alive
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			m.event = value
		case "data":
			if data.Len()+len(value)+1 > maxSSEEvent {
				return sseMessage{}, errSSETooLarge
			}
			data.WriteString(value)
			data.WriteByte('\n')
			hasData = true
		case "id":
			if eventID(value) {
				r.lastID = value
			}
		case "retry":
			if ms, ok := parseRetryField(value); ok {
				r.retry = ms
			}
		}
	}
	if err := r.sc.Err(); err != nil {
		return sseMessage{}, err
	}
	return sseMessage{}, io.EOF
}

// eventID reports whether an id can go back as Last-Event-ID: visible
// ASCII, at most 64 bytes (the server's are digits). Anything else, a
// control character above all, would make every reconnect's request
// invalid; the standard ignores only NUL, this client all of them.
func eventID(v string) bool {
	if len(v) > 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return false
		}
	}
	return true
}

// parseRetryField reads "retry: <milliseconds>" (ASCII digits only).
func parseRetryField(v string) (time.Duration, bool) {
	if v == "" || len(v) > 9 {
		return 0, false // ten digits would be over 11 days: not a real hint
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(v)
	return time.Duration(n) * time.Millisecond, err == nil
}
