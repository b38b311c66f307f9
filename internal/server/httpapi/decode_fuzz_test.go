package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

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
		`{"amount":{"amount":1,"currency":"JPY","amount":2}}`, `{"code":"A","code":"B"}`, `{"code":"A\u0000"}`,
		"{\"code\":\"\xff\"}", `{"a\u0000":1}`,
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
				// Whatever decodes is text, and stops decoding once one
				// of its keys is repeated.
				if !utf8.Valid(body) {
					t.Fatalf("%s decoded %q", name, body)
				}
				if twice, ok := repeatFirstKey(body); ok {
					var pe *problem.Error
					if err := parse(twice); !errors.As(err, &pe) || len(pe.Fields) == 0 || pe.Fields[0].Code != "duplicate" {
						t.Fatalf("%s from %q with its first key repeated: %v", name, twice, err)
					}
				}
				continue
			}
			var pe *problem.Error
			if !errors.As(err, &pe) || statusOf[pe.Code] < 400 || statusOf[pe.Code] > 499 {
				t.Fatalf("%s from %q: %v", name, body, err)
			}
		}
	})
}

// repeatFirstKey is body, a JSON object, with its first member written
// twice; false when the object has none.
func repeatFirstKey(body []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') || !dec.More() {
		return nil, false
	}
	key, err := dec.Token()
	if err != nil {
		return nil, false
	}
	var value json.RawMessage
	if err := dec.Decode(&value); err != nil {
		return nil, false
	}
	name, _ := json.Marshal(key)
	rest := bytes.TrimSpace(body)[1:]
	return slices.Concat([]byte("{"), name, []byte(":"), value, []byte(","), rest), true
}
