package httpapi

import (
	"net/http"

	"billfold/internal/server/rules"
)

// handleSigningKey serves the public key invoices and archive heads are
// signed with: public, as a key to check signatures with is no secret.
func (h *Handler) handleSigningKey(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.rules.SigningKey())
}

// handleSignArchiveHead signs an archive's chain head for the signed-in
// account (customer or staff: both keep archives).
func (h *Handler) handleSignArchiveHead(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.ArchiveHeadInput](h, w, r)
	if !ok {
		return
	}
	head, err := h.rules.SignArchiveHead(p, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, head)
}
