package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"billfold/api"
	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
	"billfold/internal/server/words"
)

// The sandbox checkout (/sandbox/checkout/{token}): a browser gets HTML
// pages, a client that sends Accept: application/json gets a SandboxResult
// or a problem. A form the page cannot have sent (an unknown action, an
// unreadable or oversized body) is a problem for either.

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// isProblem reports whether err is a refusal with code, and on field when
// field is not empty.
func isProblem(err error, code, field string) bool {
	var e *problem.Error
	if !errors.As(err, &e) || e.Code != code {
		return false
	}
	return field == "" || (len(e.Fields) > 0 && e.Fields[0].Field == field)
}

func (h *Handler) handleCheckoutPage(w http.ResponseWriter, r *http.Request) {
	c, err := h.rules.Checkout(r.Context(), r.PathValue("token"))
	switch {
	case err == nil:
		renderCheckout(w, http.StatusOK, viewOf(c, checkoutLanguage(w, r)))
	case !wantsJSON(r) && isProblem(err, api.CodeNotFound, ""):
		renderCheckout(w, http.StatusNotFound, notFoundView(checkoutLanguage(w, r)))
	default:
		h.fail(w, r, err)
	}
}

// handleCheckoutSubmit is the customer's answer on the checkout page (or a
// script's: form fields action=approve|decline, card_number,
// challenge_code).
func (h *Handler) handleCheckoutSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, h.maxBody)
	if err := r.ParseForm(); err != nil {
		if e := h.bodyError(err, h.maxBody); e.Code != api.CodeInvalidJSON {
			h.fail(w, r, e)
			return
		}
		h.fail(w, r, problem.Invalid("The checkout form could not be read: send application/x-www-form-urlencoded fields."))
		return
	}
	if err := valuesText(r.PostForm, "form"); err != nil {
		h.fail(w, r, err)
		return
	}
	token := r.PathValue("token")
	form := rules.CheckoutForm{Action: r.PostForm.Get("action"), CardNumber: r.PostForm.Get("card_number"),
		ChallengeCode: r.PostForm.Get("challenge_code")}
	result, err := h.rules.SubmitCheckout(r.Context(), token, form)
	switch {
	case err == nil && wantsJSON(r):
		writeJSON(w, http.StatusOK, result)
	case err == nil:
		h.renderCheckoutAfter(w, r, token, http.StatusOK, "", form.CardNumber)
	case wantsJSON(r):
		h.fail(w, r, err)
	case isProblem(err, api.CodeNotFound, ""):
		renderCheckout(w, http.StatusNotFound, notFoundView(checkoutLanguage(w, r)))
	case isProblem(err, api.CodeValidation, "card_number"):
		h.renderCheckoutAfter(w, r, token, http.StatusBadRequest, "Use one of the test card numbers below.", form.CardNumber)
	default:
		h.fail(w, r, err)
	}
}

// renderCheckoutAfter shows the checkout page as it is after a submission,
// with the card number entered and, when not empty, a complaint.
func (h *Handler) renderCheckoutAfter(w http.ResponseWriter, r *http.Request, token string, status int, complaint words.Text, cardNumber string) {
	c, err := h.rules.Checkout(r.Context(), token)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := viewOf(c, checkoutLanguage(w, r))
	v.CardNumber = cardNumber
	if complaint != "" {
		v.Message, v.MessageClass = v.Lang.T(complaint), "bad"
	}
	renderCheckout(w, status, v)
}
