package httpapi

import (
	"net/http"
	"strconv"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/bankstatement"
	"billfold/internal/server/rules"
	"billfold/internal/server/store"
)

// Bank statements (staff): the file as the request body, the statements
// and their lines, and staff's decisions on the queued lines.

// statementTypes are the media types a statement file may be sent as.
const statementTypes = "application/octet-stream, text/csv, text/plain"

// handleStaffUploadStatement takes a statement file: 201 with the new
// statement, or 200 with the one the same file made before.
func (h *Handler) handleStaffUploadStatement(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	body, err := h.readBody(r, statementTypes, bankstatement.MaxFileSize)
	if err != nil {
		if isProblem(err, api.CodeBodyTooLarge, "") {
			err = rules.StatementTooLarge()
		}
		h.fail(w, r, err)
		return
	}
	st, created, err := h.rules.UploadStatement(r.Context(), p.User.Email, body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, st)
}

func (h *Handler) handleStaffStatements(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	page, err := pageOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	audited(h, w, r, p, "bank_statements.list", "", r.URL.RawQuery, func(tx *store.Tx) (api.BankStatementPage, error) {
		return h.rules.Statements(tx, page)
	})
}

func (h *Handler) handleStaffStatement(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	id := r.PathValue("id")
	audited(h, w, r, p, "bank_statement.read", "", id, func(tx *store.Tx) (api.BankStatement, error) {
		return h.rules.Statement(tx, id)
	})
}

// handleStaffResolveLine applies staff's decision on a queued line, under
// the lock of the customer whose money it moves, once per Idempotency-Key.
func (h *Handler) handleStaffResolveLine(w http.ResponseWriter, r *http.Request, p rules.Principal) {
	in, ok := decode[rules.ResolveLineInput](h, w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	cid, err := h.rules.ResolveOwner(r.Context(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	mutate(h, w, r, p, change[api.BankStatementLine]{lock: cid, key: keyRequired, status: http.StatusOK,
		req: struct {
			Line string
			rules.ResolveLineInput
		}{id, in},
		run: func(tx *store.Tx) (api.BankStatementLine, error) {
			return h.rules.ResolveLine(tx, p.User.Email, cid, id, in)
		},
		audit: func(l api.BankStatementLine) (string, string) {
			detail := l.StatementID + " line " + strconv.Itoa(l.Line) + " " + billing.Format(l.Amount) + " " + in.Action
			if l.Payment != nil {
				detail += " " + l.Payment.PaymentID
			}
			if l.EntryID != "" {
				detail += " " + l.EntryID
			}
			return "bank_statement.resolve", detail + ": " + l.Note
		}})
}
