package httpapi

import (
	"net/http"
	"strconv"

	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
	"billfold/internal/server/store"
)

// respond runs read in a read transaction and answers its result.
func respond[T any](h *Handler, w http.ResponseWriter, r *http.Request, read func(tx *store.Tx) (T, error)) {
	var v T
	err := h.db.ReadTx(r.Context(), func(tx *store.Tx) (err error) {
		v, err = read(tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// pageOf reads the limit (1 to rules.MaxPageSize, rules.DefaultPageSize
// when absent) and opaque cursor of a list request. An empty limit= is
// refused, not taken for the default.
func pageOf(r *http.Request) (rules.Page, error) {
	q := r.URL.Query()
	page := rules.Page{Limit: rules.DefaultPageSize, Cursor: q.Get("cursor")}
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n < 1 || n > rules.MaxPageSize {
			return page, problem.InvalidField("limit", "out_of_range", "must be a whole number from 1 to %d", rules.MaxPageSize)
		}
		page.Limit = n
	}
	return page, nil
}

// list answers one page of a list: the page the request asks for, read by
// read in a read transaction.
func list[T any](h *Handler, w http.ResponseWriter, r *http.Request, read func(tx *store.Tx, page rules.Page) (T, error)) {
	page, err := pageOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	respond(h, w, r, func(tx *store.Tx) (T, error) { return read(tx, page) })
}

// audited answers read's result, read in a write transaction that also
// records in the audit trail that the staff member p did action (about
// customerID, "" for none, with detail): every staff action, reads
// included, is audited, and a refused read records nothing.
func audited[T any](h *Handler, w http.ResponseWriter, r *http.Request, p rules.Principal, action, customerID, detail string,
	read func(tx *store.Tx) (T, error)) {
	var v T
	err := h.db.WriteTx(r.Context(), "", func(tx *store.Tx) (err error) {
		if v, err = read(tx); err != nil {
			return err
		}
		return tx.Audit(p.User.Email, action, customerID, detail, h.now())
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
