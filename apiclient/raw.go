package apiclient

import (
	"context"
	"encoding/json"
	"net/http"
)

// RawInvoice returns one invoice as the JSON value the server sent, byte
// for byte (without whitespace around the value), for callers that must
// keep the server's document rather than a re-encoding of it, such as the
// offline archive. The body is checked to be exactly one JSON value.
func (c *Client) RawInvoice(ctx context.Context, id string) ([]byte, error) {
	const op = "load invoice"
	seg, err := segment(op, id)
	if err != nil {
		return nil, err
	}
	raw, err := fetch[json.RawMessage](ctx, c, call{op: op, method: http.MethodGet, path: "/v1/invoices/" + seg})
	if err != nil {
		return nil, err
	}
	return []byte(raw), nil
}
