package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"billfold/api"
)

// decodeJSON reads exactly one JSON value from a success answer into out.
// An empty, null, truncated or trailing-garbage body is an error, and so
// is an answer that lacks what every answer of its kind has (complete):
// never a half-filled value the UI would show as if it were true. The
// error's text is short: a decoder's message can quote the server at any
// length.
func decodeJSON(body []byte, out any) error {
	switch trimmed := bytes.TrimSpace(body); {
	case len(trimmed) == 0:
		return errors.New("empty body")
	case bytes.Equal(trimmed, []byte("null")):
		return errors.New("null instead of a value")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(out); err != nil {
		return errors.New(printable(err.Error(), 300))
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return complete(out)
}

// complete refuses an answer that parsed but lacks what every one of its
// kind has: "{}" for an invoice made a money-moving call count as done,
// with a blank invoice to show. It checks the answers the desktop acts on.
func complete(out any) error {
	ok := true
	switch v := out.(type) {
	case *api.Invoice:
		ok = invoiceComplete(*v)
	case *api.Payment:
		ok = v.ID != "" && v.InvoiceID != "" && v.Amount.Currency.Valid()
	case *api.Summary:
		ok = v.AvailableCredit.Currency.Valid() && v.UnpaidTotal.Currency.Valid() &&
			(v.OpenAddFunds == nil || invoiceComplete(*v.OpenAddFunds))
	case *api.LedgerResult:
		ok = v.Entry.ID != "" && v.Balance.Currency.Valid()
	case *api.ApplyCreditResult:
		ok = invoiceComplete(v.Invoice) && v.Entry.ID != "" && v.Balance.Currency.Valid()
	}
	if !ok {
		return fmt.Errorf("the answer lacks what every %T has", out)
	}
	return nil
}

func invoiceComplete(inv api.Invoice) bool {
	return inv.ID != "" && inv.Number != "" && inv.Currency.Valid()
}
