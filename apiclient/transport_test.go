package apiclient_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

func TestServerURLMustBeHTTPSOrLoopback(t *testing.T) {
	for _, u := range []string{
		"https://billing.example.jp", "https://billing.example.jp:8443/api/", "http://127.0.0.1:8080",
		"http://127.9.9.9", "http://[::1]:8080", "http://localhost:8080", "HTTP://LOCALHOST",
	} {
		if _, err := apiclient.New(u, apiclient.Options{}); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range []string{
		"", "billing.example.jp", "http://billing.example.jp", "http://192.168.1.10:8080", "http://[::2]",
		"http://localhost.example.jp", "ftp://billing.example.jp", "https://user:pw@billing.example.jp",
		"https://billing.example.jp/?debug=1", "https:///nohost", "file:///etc/passwd",
	} {
		if _, err := apiclient.New(u, apiclient.Options{}); !errors.Is(err, apiclient.ErrUnsafeURL) {
			t.Errorf("%q accepted or refused for another reason: %v", u, err)
		}
	}
}

func TestCheckRedirectURL(t *testing.T) {
	const token = "cko_secret_token_123"
	for _, u := range []string{
		"https://pay.example.com/checkout/" + token, "http://127.0.0.1:8080/sandbox/checkout/" + token,
		" https://pay.example.com/x ", "HTTPS://pay.example.com/x",
	} {
		if got, err := apiclient.CheckRedirectURL(u); err != nil || got.Scheme != "https" && got.Scheme != "http" {
			t.Errorf("%q refused: %v", u, err)
		}
	}
	for _, u := range []string{
		"javascript:alert(document.cookie)//" + token, "JavaScript:alert(1)", "file:///etc/passwd", "data:text/html,<script>alert(1)</script>",
		"vbscript:msgbox", "http://pay.example.com/" + token, "//pay.example.com/" + token, "/sandbox/checkout/" + token,
		"https://bank.example.jp@evil.example/" + token, "https:" + token, "", "\x00https://pay.example.com", "blob:https://pay.example.com/x",
	} {
		_, err := apiclient.CheckRedirectURL(u)
		if !errors.Is(err, apiclient.ErrUnsafeURL) {
			t.Errorf("%q accepted or refused for another reason: %v", u, err)
			continue
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("the error repeats the URL's token: %v", err)
		}
	}
}

func TestTLSIsAlwaysVerified(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	cust := env.NewCustomer(billing.JPY)
	ts := httptest.NewUnstartedServer(env.Server.Handler())
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point here
	ts.StartTLS()
	t.Cleanup(ts.Close)
	ctx := context.Background()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})

	// The test server's certificate is signed by nobody the system trusts.
	c := newClient(t, ts.URL, fastOptions(), false)
	_, err := c.SignIn(ctx, cust.Email, cust.Password)
	if e := apiErr(t, err); !e.IsCertificate() || e.IsOffline() || e.IsTemporary() {
		t.Fatalf("untrusted certificate: %v", err)
	}

	// Another CA does not help either.
	opts := fastOptions()
	opts.CACertificates = otherCA(t)
	_, err = newClient(t, ts.URL, opts, false).SignIn(ctx, cust.Email, cust.Password)
	if e := apiErr(t, err); !e.IsCertificate() {
		t.Fatalf("wrong CA: %v", err)
	}

	// With the server's CA configured, it works.
	opts.CACertificates = caPEM
	c = newClient(t, ts.URL, opts, false)
	got(c.SignIn(ctx, cust.Email, cust.Password)).ok(t)
	got(c.Summary(ctx)).ok(t)

	opts.CACertificates = []byte("not a certificate")
	if _, err := apiclient.New(ts.URL, opts); err == nil {
		t.Fatal("a CA bundle without certificates was accepted")
	}
}

// otherCA returns a PEM self-signed CA certificate that signed nothing.
func otherCA(t *testing.T) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Other CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// A client of a server elsewhere opens no plain http address, not even
// on this machine: a server on the internet could otherwise send the
// browser to a local service's admin page. A client of a server on this
// machine (the demo) may.
func TestClientCheckRedirectURLFollowsItsServer(t *testing.T) {
	remote, err := apiclient.New("https://billing.example.jp", apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	local, err := apiclient.New("http://127.0.0.1:8080", apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		client *apiclient.Client
		url    string
		ok     bool
	}{
		{remote, "https://pay.example.com/checkout/x", true},
		{remote, "http://localhost:631/admin", false},
		{remote, "http://127.0.0.1:8080/sandbox/checkout/x", false},
		{remote, "javascript:alert(1)", false},
		{local, "http://127.0.0.1:8080/sandbox/checkout/x", true},
		{local, "https://pay.example.com/checkout/x", true},
		{local, "http://pay.example.com/x", false},
	} {
		_, err := c.client.CheckRedirectURL(c.url)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, apiclient.ErrUnsafeURL)) {
			t.Errorf("%s from %s: %v", c.url, c.client.BaseURL(), err)
		}
	}
}
