package httpapi

import (
	"errors"
	"testing"

	"billfold/internal/server/problem"
	"billfold/internal/server/rules"
)

func tryParse[T cleaner[T]](body []byte) error {
	_, err := parse[T](body)
	return err
}

// FuzzDecodeRequests: any body either decodes and cleans into every
// request type, or yields a 4xx problem with a stable code; nothing panics
// and nothing becomes a 500.
func FuzzDecodeRequests(f *testing.F) {
	for _, s := range []string{
		`{"amount":{"amount":1000,"currency":"JPY"},"gateway":"card","policy_version":"2026-06-01"}`,
		`{"amount":{"amount":1.5,"currency":"JPY"}}`, `{"amount":"x"}`, `{"code":"WELCOME1000"}`, `{"reason":7}`,
		`{"amount":{"amount":1,"currency":"USD"},"reason":"r"}`, `[]`, `{`, ``, `{"a":1}{}`,
		`{"email":" A@B ","password":"x"}`, `{"event_id":"e","payment_id":"p","outcome":"succeeded"}`,
	} {
		f.Add([]byte(s))
	}
	parsers := map[string]func([]byte) error{
		"add funds": tryParse[rules.AddFundsInput], "apply credit": tryParse[rules.ApplyCreditInput],
		"redeem": tryParse[rules.RedeemInput], "adjust": tryParse[rules.AdjustInput], "sign in": tryParse[rules.SignInInput],
		"refresh": tryParse[rules.RefreshInput], "pay": tryParse[rules.PayInput], "confirm": tryParse[rules.ConfirmInput],
		"callback": tryParse[rules.CallbackInput],
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for name, parse := range parsers {
			err := parse(body)
			if err == nil {
				continue
			}
			var pe *problem.Error
			if !errors.As(err, &pe) || statusOf[pe.Code] < 400 || statusOf[pe.Code] > 499 {
				t.Fatalf("%s from %q: %v", name, body, err)
			}
		}
	})
}
