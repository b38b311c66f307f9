package server

import (
	"errors"
	"testing"

	"billfold/api"
)

// FuzzDecodeRequests: any body either decodes or yields a 4xx problem with
// a stable code; nothing panics and nothing becomes a 500.
func FuzzDecodeRequests(f *testing.F) {
	for _, s := range []string{
		`{"amount":{"amount":1000,"currency":"JPY"},"gateway":"card","policy_version":"2026-06-01"}`,
		`{"amount":{"amount":1.5,"currency":"JPY"}}`, `{"amount":"x"}`, `{"code":"WELCOME1000"}`, `{"reason":7}`,
		`{"amount":{"amount":1,"currency":"USD"},"reason":"r"}`, `[]`, `{`, ``, `{"a":1}{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{&api.AddFundsRequest{}, &api.ApplyCreditRequest{}, &api.RedeemRequest{}, &api.AdjustmentRequest{},
			&api.SignInRequest{}, &api.PayRequest{}, &api.ConfirmRequest{}, &api.Webhook{}}
		for _, v := range targets {
			err := decodeStrict(body, v)
			if err == nil {
				continue
			}
			var ae *apiError
			if !errors.As(err, &ae) || ae.status < 400 || ae.status > 499 || ae.code == "" {
				t.Fatalf("%T from %q: %v", v, body, err)
			}
		}
	})
}
