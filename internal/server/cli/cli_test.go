package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/internal/server"
	"billfold/internal/server/auth"
)

// environ is a fake environment for parse and run.
func environ(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestSettingsResolveFromFlagsThenEnvironmentThenDefaults(t *testing.T) {
	all := map[string]string{"BILLFOLD_LISTEN": "0.0.0.0:9000", "BILLFOLD_DATA": "/srv/billfold", "BILLFOLD_DSN": "postgres://db/billfold",
		"BILLFOLD_BASE_URL": "https://billing.example.jp", "BILLFOLD_DEMO": "true", "BILLFOLD_REPLICAS": "3"}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want config
	}{
		{"defaults", nil, nil, config{listen: "127.0.0.1:8080", data: "./billfold-data", replicas: 1}},
		{"environment", nil, all, config{listen: "0.0.0.0:9000", data: "/srv/billfold", dsn: "postgres://db/billfold",
			baseURL: "https://billing.example.jp", demo: true, replicas: 3}},
		{"flags over environment", []string{"serve", "--listen", "127.0.0.1:0", "--data", "d", "--dsn", "", "--base-url", "http://x", "--demo=false", "--replicas", "2"}, all,
			config{listen: "127.0.0.1:0", data: "d", baseURL: "http://x", replicas: 2}},
		{"demo flag", []string{"--demo"}, nil, config{listen: "127.0.0.1:8080", data: "./billfold-data", demo: true, replicas: 1}},
		{"demo 1", nil, map[string]string{"BILLFOLD_DEMO": "1"}, config{listen: "127.0.0.1:8080", data: "./billfold-data", demo: true, replicas: 1}},
		{"demo FALSE", nil, map[string]string{"BILLFOLD_DEMO": "FALSE"}, config{listen: "127.0.0.1:8080", data: "./billfold-data", replicas: 1}},
		{"demo empty is unset", nil, map[string]string{"BILLFOLD_DEMO": ""}, config{listen: "127.0.0.1:8080", data: "./billfold-data", replicas: 1}},
	}
	for _, tc := range cases {
		got, err := parse(tc.args, environ(tc.env), io.Discard)
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
}

func TestBadCommandLinesAreRefused(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"demo yes", nil, map[string]string{"BILLFOLD_DEMO": "yes"}, `environment variable BILLFOLD_DEMO="yes" is not a boolean`},
		{"environment wrong, flag given", []string{"--demo"}, map[string]string{"BILLFOLD_DEMO": "on"}, `BILLFOLD_DEMO="on"`},
		{"flag not a boolean", []string{"--demo=yes"}, nil, "invalid boolean value"},
		{"unknown flag", []string{"--port", "80"}, nil, "flag provided but not defined: -port"},
		{"unknown argument", []string{"serve", "now"}, nil, `unknown argument "now"`},
		{"replicas not a number", nil, map[string]string{"BILLFOLD_REPLICAS": "three"}, `BILLFOLD_REPLICAS="three"`},
		{"no replicas", []string{"--replicas", "0"}, nil, "--replicas 0: at least 1"},
	}
	for _, tc := range cases {
		if _, err := parse(tc.args, environ(tc.env), io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	if _, err := parse([]string{"--help"}, environ(nil), io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v", err)
	}
}

// An invalid value stops the command before it touches anything.
func TestRunRefusesInvalidBooleanEnvironment(t *testing.T) {
	// Bounded: a command that took the value for false would serve on.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	data := filepath.Join(t.TempDir(), "data")
	err := run(ctx, []string{"--data", data, "--listen", "127.0.0.1:0"},
		environ(map[string]string{"BILLFOLD_DEMO": "yes"}), io.Discard, io.Discard, cheapPasswords)
	if err == nil || !strings.Contains(err.Error(), "BILLFOLD_DEMO") {
		t.Fatalf("run: %v, want an error naming BILLFOLD_DEMO", err)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Fatalf("data directory created despite the error: %v", err)
	}
}

// cheapPasswords hashes the demo's passwords at the test cost, so that the
// test does not wait on argon2 on a busy machine.
func cheapPasswords(o *server.Options) { o.PasswordCost = auth.TestCost }

func TestServeDemoAnswersAndShutsDownOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--data", t.TempDir(), "--listen", "127.0.0.1:0"}, environ(nil), w, io.Discard, cheapPasswords)
		w.Close()
	}()
	lines := bufio.NewScanner(stdout)
	var base string
	var printed []string
	for base == "" && lines.Scan() {
		printed = append(printed, lines.Text())
		if addr, ok := strings.CutPrefix(lines.Text(), "Billfold reference server on "); ok {
			base = addr
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }() // keep the pipe flowing
	if base == "" {
		t.Fatalf("no address printed; stdout %q, run: %v", printed, <-done)
	}
	if !strings.Contains(strings.Join(printed, "\n"), server.DemoCustomerJA) {
		t.Errorf("demo accounts not printed: %q", printed)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health map[string]string
	err = json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || health["status"] != "ok" {
		t.Fatalf("healthz: %d %v %v", resp.StatusCode, health, err)
	}
	// The demo was seeded: its customer can sign in.
	body, _ := json.Marshal(api.SignInRequest{Email: server.DemoCustomerJA, Password: server.DemoPassword})
	resp, err = client.Post(base+"/v1/sessions", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("demo sign-in: %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not shut down within 15 s of the cancel")
	}
	if _, err := client.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

// TestGatewaysFromTheCommandLine: --gateways (or BILLFOLD_GATEWAYS) picks
// the gateways in order; stripe is configured from the STRIPE_* variables,
// and every mistake stops the server with a message naming what to fix,
// never the secret itself.
func TestGatewaysFromTheCommandLine(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	stripeEnv := map[string]string{"STRIPE_SECRET_KEY": "sk_test_Cli0123456789", "STRIPE_WEBHOOK_SECRET": "whsec_Cli0123456789"}
	ids := func(list string, env map[string]string) ([]string, error) {
		gs, err := buildGateways(list, environ(env), log)
		var out []string
		for _, g := range gs {
			out = append(out, g.Info().ID)
		}
		return out, err
	}
	for list, want := range map[string]string{
		"":                        "bank_transfer,paypal,card",
		"stripe,bank_transfer":    "stripe,bank_transfer",
		" bank_transfer , stripe": "bank_transfer,stripe",
		"card":                    "card",
	} {
		got, err := ids(list, stripeEnv)
		if err != nil || strings.Join(got, ",") != want {
			t.Errorf("%q: %v %v, want %s", list, got, err, want)
		}
	}
	for list, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"stripe":                      {nil, "STRIPE_SECRET_KEY is not set"},
		"stripe,bank_transfer,stripe": {stripeEnv, `"stripe" is listed twice`},
		"visa":                        {stripeEnv, `unknown gateway "visa"`},
		"stripe ":                     {map[string]string{"STRIPE_SECRET_KEY": "pk_live_Publishable1"}, "STRIPE_SECRET_KEY must be a secret key"},
		"bank_transfer,stripe,,card":  {stripeEnv, `unknown gateway ""`},
	} {
		_, err := ids(list, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "Publishable1") {
			t.Errorf("%q: %v, want an error with %q", list, err, tc.want)
		}
	}
	c, err := parse(nil, environ(map[string]string{"BILLFOLD_GATEWAYS": "stripe,bank_transfer"}), io.Discard)
	if err != nil || c.gateways != "stripe,bank_transfer" {
		t.Errorf("BILLFOLD_GATEWAYS: %+v %v", c, err)
	}
	c, err = parse([]string{"--gateways", "card"}, environ(map[string]string{"BILLFOLD_GATEWAYS": "stripe"}), io.Discard)
	if err != nil || c.gateways != "card" {
		t.Errorf("--gateways over the environment: %+v %v", c, err)
	}
}
