package server_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"billfold/api"
	"billfold/internal/anchor"
	"billfold/internal/server"
)

// signingKey starts a server on dir (with key, when not nil) and returns
// the key GET /v1/signing-key serves.
func signingKey(t *testing.T, dir string, key ed25519.PrivateKey) api.SigningKey {
	t.Helper()
	s, err := server.New(context.Background(), server.Options{DataDir: dir, SigningKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/v1/signing-key", nil))
	var k api.SigningKey
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &k) != nil {
		t.Fatalf("GET /v1/signing-key: %d %s", rec.Code, rec.Body)
	}
	return k
}

// TestSigningKeyIsKept: the key created on a database's first start is the
// one served after a restart (archives pin it); a configured key wins.
func TestSigningKeyIsKept(t *testing.T) {
	dir := t.TempDir()
	first := signingKey(t, dir, nil)
	if again := signingKey(t, dir, nil); again != first {
		t.Fatalf("the key changed across a restart: %+v, then %+v", first, again)
	}
	if other := signingKey(t, t.TempDir(), nil); other.PublicKey == first.PublicKey {
		t.Fatal("two databases got the same key")
	}
	configured := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	if k := signingKey(t, dir, configured); k.PublicKey != anchor.EncodeKey(configured.Public().(ed25519.PublicKey)) {
		t.Fatalf("configured key not used: %+v", k)
	}
}
