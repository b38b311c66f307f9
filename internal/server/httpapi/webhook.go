package httpapi

import (
	"net/http"

	"billfold/api"
	"billfold/internal/server/gateway"
	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
)

// handleWebhook takes a gateway's signed callback: the signature over the
// raw body authenticates it, then the rules apply it.
func (h *Handler) handleWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := h.jsonBody(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := gateway.Verify(h.secret, body, r.Header.Get("Billfold-Signature"), h.now()); err != nil {
		h.fail(w, r, problem.New(api.CodeUnauthorized, "The callback signature is not valid."))
		return
	}
	in, err := parse[rules.CallbackInput](body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ack, err := h.rules.ApplyCallback(r.Context(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ack)
}
