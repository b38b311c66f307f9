package apiclient

import (
	"context"
	"encoding/json"
	"net/http"

	"billfold/api"
)

// SigningKey returns the server's public signing key (GET /v1/signing-key),
// which invoices and archive heads are signed with (internal/anchor).
func (c *Client) SigningKey(ctx context.Context) (api.SigningKey, error) {
	return fetch[api.SigningKey](ctx, c, call{op: "load the server's signing key", method: http.MethodGet, path: "/v1/signing-key", public: true})
}

// SignArchiveHead asks the server to sign an archive's audit-chain head
// (POST /v1/archive/heads) and returns the signed statement as the server
// sent it, byte for byte, to be kept and checked offline.
func (c *Client) SignArchiveHead(ctx context.Context, req api.ArchiveHeadRequest) ([]byte, error) {
	raw, err := fetch[json.RawMessage](ctx, c, call{op: "sign the archive's chain head", method: http.MethodPost,
		path: "/v1/archive/heads", body: req, unkeyed: true})
	if err != nil {
		return nil, err
	}
	return []byte(raw), nil
}
