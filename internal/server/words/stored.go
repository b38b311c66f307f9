package words

import (
	"encoding/json"
	"errors"
	"fmt"
)

// A Msg that outlives its request (a ledger entry's description, read
// again in whatever language a later request asks in) is stored as JSON:
// its Text, and its arguments each as {"text": …}, a Text translated when
// rendered, or {"value": …}, a string shown as it is.
type storedMsg struct {
	Text Text        `json:"text"`
	Args []storedArg `json:"args,omitempty"`
}

type storedArg struct {
	Text  *Text   `json:"text,omitempty"`
	Value *string `json:"value,omitempty"`
}

// Store is m as it is kept. Only Text and string arguments can be kept:
// anything else is an error, not a text that reads differently later.
func (m Msg) Store() (string, error) {
	s := storedMsg{Text: m.Text}
	for i, a := range m.Args {
		switch a := a.(type) {
		case Text:
			s.Args = append(s.Args, storedArg{Text: &a})
		case string:
			s.Args = append(s.Args, storedArg{Value: &a})
		default:
			return "", fmt.Errorf("store message %q: argument %d is a %T, not a Text or a string", m.Text, i, a)
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("store message %q: %w", m.Text, err)
	}
	return string(b), nil
}

// Stored is the Msg that Store kept as s.
func Stored(s string) (Msg, error) {
	var v storedMsg
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return Msg{}, fmt.Errorf("read a stored message: %w", err)
	}
	if v.Text == "" {
		return Msg{}, errors.New("read a stored message: it has no text")
	}
	m := Msg{Text: v.Text}
	for i, a := range v.Args {
		switch {
		case a.Text != nil && a.Value == nil:
			m.Args = append(m.Args, *a.Text)
		case a.Value != nil && a.Text == nil:
			m.Args = append(m.Args, *a.Value)
		default:
			return Msg{}, fmt.Errorf("read the stored message %q: argument %d is neither a text nor a value", v.Text, i)
		}
	}
	return m, nil
}
