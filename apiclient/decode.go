package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// decodeJSON reads exactly one JSON value from a success answer into out.
// An empty, truncated or trailing-garbage body is an error, never a
// half-filled value the UI would show as if it were true.
func decodeJSON(body []byte, out any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(out); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}
