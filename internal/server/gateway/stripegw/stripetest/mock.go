// Package stripetest is the test harness of the Stripe gateway: it starts
// stripe-mock (Stripe's official API mock) on a free port, and builds and
// signs webhook events the way Stripe does. Tests of any package use it;
// nothing outside tests may.
package stripetest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"billfold/internal/server/gateway/stripegw"
)

// Credentials the tests use: stripe-mock accepts any key shaped like a test
// key, and the events are signed with the webhook secret.
const (
	SecretKey     = "sk_test_Billfold0123456789abcdef"
	WebhookSecret = "whsec_BillfoldTest0123456789abcdef"
)

// Environment: make test installs stripe-mock and points EnvBinary at it,
// and sets EnvRequire so that a stripe-mock that cannot start fails the
// tests instead of skipping them (CI must not pass with Stripe untested).
const (
	EnvBinary  = "BILLFOLD_STRIPE_MOCK"
	EnvRequire = "BILLFOLD_REQUIRE_STRIPE_MOCK"
)

// Mock is a running stripe-mock.
type Mock struct {
	URL string // http://127.0.0.1:PORT: the STRIPE_API_BASE for the tests
}

// startTimeout guards a hang only: stripe-mock loads Stripe's OpenAPI
// document (a few seconds on a busy machine) before it listens.
const startTimeout = 2 * time.Minute

var listening = regexp.MustCompile(`Listening for HTTP at address: (\S+)`)

// StartMock starts a stripe-mock for this test and stops it at cleanup. It
// skips the test when no stripe-mock is installed, unless EnvRequire=1.
func StartMock(tb testing.TB) *Mock {
	tb.Helper()
	bin, err := findBinary()
	if err != nil {
		if os.Getenv(EnvRequire) == "1" {
			tb.Fatalf("%s=1, but %v (make test-deps installs it)", EnvRequire, err)
		}
		tb.Skipf("%v: install it with make test-deps, or set %s", err, EnvBinary)
	}
	// Port 0 for both listeners: the system picks free ports, so parallel
	// packages never collide; stripe-mock prints the address it got.
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	setDeathSignal(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", bin, err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
			if log.Len() < 4096 {
				log.WriteString(sc.Text() + "\n")
			}
		}
		close(addr)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			tb.Fatalf("stripe-mock exited before listening:\n%s", log.String())
		}
		return &Mock{URL: "http://" + a}
	case <-time.After(startTimeout):
		tb.Fatalf("stripe-mock did not listen within %v", startTimeout)
	}
	return nil
}

// findBinary looks where make test-deps installs stripe-mock, then on PATH
// and in the Go bin directory (go install's default).
func findBinary() (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvBinary, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	gobin := os.Getenv("GOBIN")
	if gobin == "" {
		if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gobin = filepath.Join(strings.TrimSpace(string(gopath)), "bin")
		}
	}
	if p := filepath.Join(gobin, "stripe-mock"); gobin != "" {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("stripe-mock is not installed")
}

// Provider is the stripe gateway of a Billfold server, talking to this
// mock with the test credentials; client nil is the library's own.
func (m *Mock) Provider(tb testing.TB, client *http.Client, logger *slog.Logger) *stripegw.Provider {
	tb.Helper()
	p, err := stripegw.NewProvider(stripegw.Config{
		SecretKey:     stripegw.NewSecret(SecretKey),
		WebhookSecret: stripegw.NewSecret(WebhookSecret),
		APIBase:       m.URL,
		HTTPClient:    client,
		Logger:        logger,
	})
	if err != nil {
		tb.Fatalf("stripe gateway: %v", err)
	}
	return p
}

// Fixture fetches the object stripe-mock serves at path (e.g.
// "/v1/checkout/sessions/cs_x"): a complete object of Stripe's current
// shape, to build realistic webhook events from.
func (m *Mock) Fixture(tb testing.TB, path string) map[string]any {
	tb.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, m.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+SecretKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	var obj map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&obj); err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: HTTP %d, %v", path, resp.StatusCode, err)
	}
	return obj
}
