package words

import (
	"strings"
	"testing"
)

func TestStoredMsgRendersInEveryLanguage(t *testing.T) {
	m := M("Deposit via %s for %s", Text("Bank transfer"), "INV-2026-0001")
	s, err := m.Store()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Stored(s)
	if err != nil {
		t.Fatalf("Stored(%s): %v", s, err)
	}
	for _, l := range Langs {
		if got, want := back.In(l), m.In(l); got != want {
			t.Errorf("in %s the stored message reads %q, want %q", l, got, want)
		}
	}
	if got := back.In(Japanese); !strings.Contains(got, "銀行振込") || !strings.Contains(got, "INV-2026-0001") {
		t.Errorf("in Japanese the stored message reads %q: the gateway's name is not translated or the number is lost", got)
	}
}

func TestStoreRefusesWhatCannotBeKept(t *testing.T) {
	if _, err := M("Voucher %s", 42).Store(); err == nil {
		t.Error("a message with an int argument was stored; it would come back as a different type")
	}
}

func TestStoredRefusesDamage(t *testing.T) {
	for _, s := range []string{``, `{}`, `not json`, `{"text":"Voucher %s","args":[{}]}`,
		`{"text":"Voucher %s","args":[{"text":"a","value":"b"}]}`} {
		if m, err := Stored(s); err == nil {
			t.Errorf("Stored(%q) = %+v, want an error", s, m)
		}
	}
}
