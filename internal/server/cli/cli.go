// Package cli parses billfold-server's command line and runs it.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"

	"billfold/internal/server"
	"billfold/internal/server/gateway"
	"billfold/internal/server/gateway/stripegw"
	"billfold/internal/server/store/pgstore"
)

// Run executes the server command with args (without the program name).
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return run(ctx, args, os.LookupEnv, stdout, stderr, nil)
}

// config is what the command line and the environment ask for.
type config struct {
	listen, data, dsn, baseURL string
	gateways                   string // comma-separated ids; "" for the sandbox set
	demo                       bool
	replicas                   int
}

// parse resolves each setting from its flag, else its environment variable
// (read through lookup), else its default.
func parse(args []string, lookup func(string) (string, bool), stderr io.Writer) (config, error) {
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	env := func(key, def string) string {
		if v, ok := lookup(key); ok {
			return v
		}
		return def
	}
	// A value that is not a boolean is refused rather than read as false:
	// BILLFOLD_DEMO=yes must not quietly start without the demo. Empty
	// counts as unset, as an unset variable in a compose file comes out.
	demoDefault := false
	if v := env("BILLFOLD_DEMO", ""); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return config{}, fmt.Errorf("environment variable BILLFOLD_DEMO=%q is not a boolean (use true or false)", v)
		}
		demoDefault = b
	}
	var c config
	fs := flag.NewFlagSet("billfold-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", env("BILLFOLD_LISTEN", "127.0.0.1:8080"), "address to listen on (env BILLFOLD_LISTEN)")
	fs.StringVar(&c.data, "data", env("BILLFOLD_DATA", "./billfold-data"), "directory of the SQLite database (env BILLFOLD_DATA)")
	fs.StringVar(&c.dsn, "dsn", env("BILLFOLD_DSN", ""), "PostgreSQL DSN; SQLite in --data when empty (env BILLFOLD_DSN)")
	fs.StringVar(&c.baseURL, "base-url", env("BILLFOLD_BASE_URL", ""), "public origin for checkout links (env BILLFOLD_BASE_URL)")
	fs.StringVar(&c.gateways, "gateways", env("BILLFOLD_GATEWAYS", ""), "payment gateways offered, in order, e.g. stripe,bank_transfer; "+
		"default "+strings.Join(gateway.SandboxIDs, ",")+" (env BILLFOLD_GATEWAYS; stripe reads STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE)")
	fs.BoolVar(&c.demo, "demo", demoDefault, "seed demo accounts and data into an empty database (env BILLFOLD_DEMO)")
	replicasDefault := 1
	if v := env("BILLFOLD_REPLICAS", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return config{}, fmt.Errorf("environment variable BILLFOLD_REPLICAS=%q is not a number of replicas (1 or more)", v)
		}
		replicasDefault = n
	}
	fs.IntVar(&c.replicas, "replicas", replicasDefault, "servers sharing the PostgreSQL database behind a load balancer; each keeps its share of the sign-in and voucher limits (env BILLFOLD_REPLICAS)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if c.replicas < 1 {
		return config{}, fmt.Errorf("--replicas %d: at least 1", c.replicas)
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unknown argument %q (usage: billfold-server [serve] --listen ADDR --data DIR [--dsn DSN] [--base-url URL] [--gateways IDS] [--replicas N] [--demo])", fs.Arg(0))
	}
	return c, nil
}

// run serves as args and the environment ask; tune, when not nil, adjusts
// the server's options (tests make password hashing cheap).
func run(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer, tune func(*server.Options)) error {
	c, err := parse(args, lookup, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	gateways, err := buildGateways(c.gateways, lookup, log)
	if err != nil {
		return err
	}
	if c.dsn == "" {
		if err := os.MkdirAll(c.data, 0o700); err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
	}
	opts := server.Options{DataDir: c.data, DSN: c.dsn, OpenPostgres: pgstore.Open, BaseURL: c.baseURL, Logger: log, Gateways: gateways, Replicas: c.replicas}
	if tune != nil {
		tune(&opts)
	}
	srv, err := server.New(ctx, opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	if c.demo {
		seeded, err := srv.SeedDemo(ctx)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if seeded {
			log.Info("demo data created")
		}
		fmt.Fprintf(stdout, "Demo accounts (password %q):\n  customer  %s (JPY, 日本語)\n  customer  %s (USD, English)\n  staff     %s\n",
			server.DemoPassword, server.DemoCustomerJA, server.DemoCustomerEN, server.DemoStaff)
	}
	database := "sqlite:" + c.data
	if c.dsn != "" {
		database = "postgres"
	}
	if !c.demo && sandboxed(gateways) {
		log.Warn("the sandbox's card and PayPal gateways credit accounts without taking any money; offer real ones with --gateways (e.g. stripe,bank_transfer)")
	}
	return srv.ListenAndServe(ctx, c.listen, func(a net.Addr) {
		log.Info("listening", "addr", a.String(), "database", database)
		fmt.Fprintf(stdout, "Billfold reference server on http://%s\n", a.String())
	})
}

// buildGateways makes the gateways a comma-separated list of ids names:
// stripe (configured from the STRIPE_* variables, read through lookup), or
// one the gateway package implements. "" is the sandbox set.
func buildGateways(ids string, lookup func(string) (string, bool), log *slog.Logger) ([]gateway.Gateway, error) {
	if strings.TrimSpace(ids) == "" {
		return gateway.Sandbox(), nil
	}
	var out []gateway.Gateway
	seen := map[string]bool{}
	for _, id := range strings.Split(ids, ",") {
		id = strings.TrimSpace(id)
		if seen[id] {
			return nil, fmt.Errorf("--gateways: %q is listed twice", id)
		}
		seen[id] = true
		if id == stripegw.ID {
			cfg, err := stripegw.ConfigFromEnv(lookup)
			if err != nil {
				return nil, fmt.Errorf("--gateways stripe: %w", err)
			}
			cfg.Logger = log
			p, err := stripegw.NewProvider(cfg)
			if err != nil {
				return nil, fmt.Errorf("--gateways stripe: %w", err)
			}
			log.Info("stripe gateway enabled", "config", cfg)
			out = append(out, p)
			continue
		}
		g, ok := gateway.Builtin(id)
		if !ok {
			return nil, fmt.Errorf("--gateways: unknown gateway %q (known: %s, %s)", id, stripegw.ID, strings.Join(gateway.SandboxIDs, ", "))
		}
		out = append(out, g)
	}
	return out, nil
}

// sandboxed reports whether the sandbox's redirect gateways are offered.
func sandboxed(gateways []gateway.Gateway) bool {
	for _, g := range gateways {
		if id := g.Info().ID; id == "card" || id == "paypal" {
			return true
		}
	}
	return false
}
