package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClientOptionsTrustTheCAFile(t *testing.T) {
	t.Setenv(CAFileEnv, "")
	if o, err := ClientOptions(); err != nil || o.CACertificates != nil {
		t.Fatalf("without %s: %+v, %v", CAFileEnv, o, err)
	}
	pem := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	path := filepath.Join(t.TempDir(), "company-ca.pem")
	if err := os.WriteFile(path, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(CAFileEnv, path)
	if o, err := ClientOptions(); err != nil || string(o.CACertificates) != string(pem) {
		t.Fatalf("with %s: %q, %v", CAFileEnv, o.CACertificates, err)
	}
	t.Setenv(CAFileEnv, path+".missing")
	if _, err := ClientOptions(); err == nil || !strings.Contains(err.Error(), CAFileEnv) {
		t.Fatalf("a missing file: %v", err)
	}
}
