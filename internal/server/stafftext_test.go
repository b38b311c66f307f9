package server_test

import (
	"net/http"
	"strings"
	"testing"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// forgedNotes are texts staff might send with an action that the audit
// trail keeps: each is refused, as a reason with the same text is.
var forgedNotes = []struct{ name, text string }{
	{"too long", strings.Repeat("x", 501)},
	{"line break", "fee ok\n2026-07-01 staff@example.com customer.adjustment ¥1,000,000: goodwill"},
	{"direction override", "fee \u202eevil\u202c ok"},
}

// The reason given with assign and accept_shortfall became the line's note
// and the audit detail unchecked (a helper's attack): any length, line
// breaks that forged lines of the trail, direction overrides. not_ours
// and credit refused the same text.
func TestResolveNoteIsOneLineOfText(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		for _, tc := range forgedNotes {
			c := e.NewCustomer(billing.JPY)
			p := pendingTransfer(t, e, c, 30_000)
			var st api.BankStatement
			e.MustJSON(upload(e, staff, statementFile(t, e.Clock.Now(),
				transfer(29_560, "ｻﾄｳ "+squash(p.NextAction.Instructions.Reference)))), http.StatusCreated, &st)
			line := lineOf(t, st, 2)
			before := moneyMoved(t, e)
			for _, action := range []string{api.ActionAcceptShortfall, api.ActionAssign} {
				r := resolve(e, staff, line.ID, api.ResolveLineRequest{Action: action, PaymentID: p.ID, Reason: tc.text}, servertest.Key())
				if p := wantProblem(t, r, http.StatusBadRequest, api.CodeValidation); len(p.Errors) == 0 || p.Errors[0].Field != "reason" {
					t.Errorf("%s, %s: %+v", tc.name, action, p.Errors)
				}
			}
			if moneyMoved(t, e) != before {
				t.Fatalf("%s: money moved", tc.name)
			}
		}
	})
}

// The note given with a bank transfer's confirmation went into the audit
// trail unchecked, up to the 64 KiB body.
func TestConfirmNoteIsOneLineOfText(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		c := e.NewCustomer(billing.JPY)
		p := pendingTransfer(t, e, c, 5_000)
		for _, tc := range forgedNotes {
			r := e.Do("POST", "/v1/staff/payments/"+p.ID+"/confirm", staff.Token,
				api.ConfirmRequest{Reference: p.NextAction.Instructions.Reference, Note: tc.text}, nil)
			if p := wantProblem(t, r, http.StatusBadRequest, api.CodeValidation); len(p.Errors) == 0 || p.Errors[0].Field != "note" {
				t.Errorf("%s: %+v", tc.name, p.Errors)
			}
		}
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 0 {
			t.Fatalf("credited %d", s.AvailableCredit.Amount)
		}
		e.MustJSON(e.Do("POST", "/v1/staff/payments/"+p.ID+"/confirm", staff.Token,
			api.ConfirmRequest{Reference: p.NextAction.Instructions.Reference, Note: "statement of 1 Jul, line 4"}, nil), http.StatusOK, nil)
	})
}
