package anchor

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		// Members sorted by UTF-16 code units: U+20AC before U+1F600
		// (D83D DE00), and U+1F600 before U+FB33, unlike code point order.
		`{"\ufb33":3, "😀":2, "€":1, "a":{"z":null,"b":[true,false]}}`: `{"a":{"b":[true,false],"z":null},"€":1,"😀":2,"דּ":3}`,
		// Escapes: only " \ and C0 controls, short forms where they exist.
		`"\u0041\u00e9\u2028\/\"\\\b\f\n\r\t\u0001\u001f\u007f"`: "\"Aé\u2028/\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\u007f\"",
		"  [ 0, -0, -12, 9223372036854775807 ]\n":                `[0,0,-12,9223372036854775807]`,
		`{"total":{"amount":104235,"currency":"JPY"}}`:           `{"total":{"amount":104235,"currency":"JPY"}}`,
	} {
		got, err := Canonical([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("Canonical(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{`{"a":1,"a":2}`, `1.5`, `1e3`, `{"a":1} {}`, "\"\xff\"", `{"a":`, ``, `[01]`,
		strings.Repeat("[", 40) + strings.Repeat("]", 40)} {
		if got, err := Canonical([]byte(bad)); err == nil {
			t.Errorf("Canonical(%q) = %s, want an error", bad, got)
		}
	}
}

func testKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

// signed returns doc with its signature attached.
func signed(t testing.TB, priv ed25519.PrivateKey, kind Kind, doc string) string {
	t.Helper()
	sig, err := Sign(priv, kind, []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return string(Attach([]byte(doc), sig))
}

func TestSignVerify(t *testing.T) {
	pub, priv := testKey(t)
	doc := `{"id":"inv_1","total":{"amount":104235,"currency":"JPY"},"buyer":{"name":"山田 太郎"}}`
	raw := signed(t, priv, Invoice, doc)
	if err := Verify(pub, Invoice, []byte(raw)); err != nil {
		t.Fatalf("verify: %v", err)
	}
	// The same value written differently verifies: spacing, order, escapes.
	respaced := `{ "signature": ` + raw[strings.Index(raw, `"signature":`)+12:len(raw)-1] +
		`, "buyer": {"name":"\u5c71\u7530 \u592a\u90ce"}, "total":{"currency":"JPY","amount":104235}, "id":"inv_1" }`
	if err := Verify(pub, Invoice, []byte(respaced)); err != nil {
		t.Fatalf("verify of the same value written differently: %v\n%s", err, respaced)
	}
	for name, c := range map[string]struct {
		raw  string
		kind Kind
		want error
	}{
		"changed amount":  {strings.Replace(raw, "104235", "4235", 1), Invoice, ErrBadSignature},
		"added member":    {strings.Replace(raw, `"id":`, `"x":1,"id":`, 1), Invoice, ErrBadSignature},
		"other kind":      {raw, ArchiveHead, ErrBadSignature},
		"unsigned":        {doc, Invoice, ErrUnsigned},
		"empty signature": {strings.TrimSuffix(doc, "}") + `,"signature":""}`, Invoice, ErrUnsigned},
		"not base64":      {strings.TrimSuffix(doc, "}") + `,"signature":"!!"}`, Invoice, ErrBadSignature},
	} {
		if err := Verify(pub, c.kind, []byte(c.raw)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, ed25519.SeedSize))
	if err := Verify(other.Public().(ed25519.PublicKey), Invoice, []byte(raw)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("another key: %v", err)
	}
	for _, bad := range []string{`{"a":1,"a":1,"signature":"x"}`, `{"signature":1}`, `[1]`} {
		if err := Verify(pub, Invoice, []byte(bad)); err == nil || errors.Is(err, ErrUnsigned) {
			t.Errorf("Verify(%s) = %v, want a format error", bad, err)
		}
	}
	if _, err := Sign(priv, Invoice, []byte(raw)); err == nil {
		t.Error("signing a signed document again was accepted")
	}
}

// TestAttach: a signature attached to an object, empty or not, with or
// without trailing space, makes valid JSON that verifies.
func TestAttach(t *testing.T) {
	pub, priv := testKey(t)
	for _, doc := range []string{`{}`, " { \n} \n", `{"a":1}`, "{\"a\":[{}]}\r\n"} {
		raw := signed(t, priv, Invoice, doc)
		if !json.Valid([]byte(raw)) {
			t.Errorf("Attach(%q) = %q, not JSON", doc, raw)
		}
		if err := Verify(pub, Invoice, []byte(raw)); err != nil {
			t.Errorf("Attach(%q) = %q: %v", doc, raw, err)
		}
	}
}

func TestKeys(t *testing.T) {
	pub, _ := testKey(t)
	got, err := ParseKey(EncodeKey(pub))
	if err != nil || !got.Equal(pub) {
		t.Fatalf("ParseKey(EncodeKey) = %v, %v", got, err)
	}
	if _, err := ParseKey("AAAA"); err == nil {
		t.Error("a short key was accepted")
	}
	if id := KeyID(pub); !strings.HasPrefix(id, "ed25519:") || len(id) != len("ed25519:")+16 {
		t.Errorf("KeyID = %s", id)
	}
}

// FuzzCanonical: Canonical never panics, is idempotent, and keeps the
// value.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{`{"b":[1,{"c":"\u00e9"}],"a":null}`, `"\ud83d\ude00"`, `[-0,1,true]`, `{"":{}}`, `"\u0000"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Canonical(data)
		if err != nil {
			return
		}
		again, err := Canonical(c)
		if err != nil || !bytes.Equal(again, c) {
			t.Fatalf("Canonical is not idempotent: %q → %q → %q, %v", data, c, again, err)
		}
		var a, b any
		da, db := json.NewDecoder(bytes.NewReader(data)), json.NewDecoder(bytes.NewReader(c))
		da.UseNumber()
		db.UseNumber()
		if da.Decode(&a) != nil || db.Decode(&b) != nil {
			t.Fatalf("undecodable: %q → %q", data, c)
		}
		if !reflect.DeepEqual(normalise(a), normalise(b)) {
			t.Fatalf("value changed: %q → %q", data, c)
		}
	})
}

// normalise maps -0 to 0, the one number Canonical rewrites.
func normalise(v any) any {
	switch t := v.(type) {
	case json.Number:
		if t == "-0" {
			return json.Number("0")
		}
	case []any:
		for i := range t {
			t[i] = normalise(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = normalise(t[k])
		}
	}
	return v
}
