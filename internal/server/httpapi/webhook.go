package httpapi

import (
	"errors"
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

// maxEventBytes bounds a provider's webhook delivery: Stripe's events of
// the types the server reads are a few kilobytes.
const maxEventBytes = 256 << 10

// handleProviderWebhook takes the signed events of the Remote gateway id
// (POST /v1/webhooks/stripe): the raw body is verified against the
// signature header before anything reads it, then the rules act on the
// event once. A signature that is missing, wrong or older than the
// tolerance, an unreadable event, and an event that does not match its
// payment are 400 and change nothing; Stripe then delivers it again.
func (h *Handler) handleProviderWebhook(id string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		g, ok := h.rules.RemoteGateway(id)
		if !ok {
			h.fail(w, r, problem.New(api.CodeNotFound, "The %s gateway is not enabled on this server.", id))
			return
		}
		body, err := h.readBody(r, "application/json", maxEventBytes)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		ev, err := g.ParseEvent(body, r.Header.Get(g.SignatureHeader()))
		switch {
		case errors.Is(err, gateway.ErrBadSignature):
			h.log.WarnContext(r.Context(), "webhook refused: bad signature", "gateway", id, "err", err)
			h.fail(w, r, problem.InvalidField(g.SignatureHeader(), "invalid",
				"is not a signature of this body with the endpoint's signing secret, made within the last 5 minutes"))
			return
		case err != nil:
			h.log.WarnContext(r.Context(), "webhook refused: unreadable event", "gateway", id, "err", err)
			h.fail(w, r, problem.New(api.CodeValidation, "The event could not be read: %s", err.Error()))
			return
		}
		ack, err := h.rules.ApplyEvent(r.Context(), id, ev)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, ack)
	}
}
