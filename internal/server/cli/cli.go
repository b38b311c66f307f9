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

	"billfold/internal/server"
)

// Run executes the server command with args (without the program name).
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("billfold-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", env("BILLFOLD_LISTEN", "127.0.0.1:8080"), "address to listen on (env BILLFOLD_LISTEN)")
	data := fs.String("data", env("BILLFOLD_DATA", "./billfold-data"), "directory of the SQLite database (env BILLFOLD_DATA)")
	dsn := fs.String("dsn", env("BILLFOLD_DSN", ""), "PostgreSQL DSN; SQLite in --data when empty (env BILLFOLD_DSN)")
	baseURL := fs.String("base-url", env("BILLFOLD_BASE_URL", ""), "public origin for checkout links (env BILLFOLD_BASE_URL)")
	demoDefault, _ := strconv.ParseBool(env("BILLFOLD_DEMO", "false"))
	demo := fs.Bool("demo", demoDefault, "seed demo accounts and data into an empty database (env BILLFOLD_DEMO)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unknown argument %q (usage: billfold-server [serve] --listen ADDR --data DIR [--dsn DSN] [--base-url URL] [--demo])", fs.Arg(0))
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	if *dsn == "" {
		if err := os.MkdirAll(*data, 0o700); err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
	}
	srv, err := server.New(ctx, server.Options{DataDir: *data, DSN: *dsn, BaseURL: *baseURL, Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	if *demo {
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
	database := "sqlite:" + *data
	if *dsn != "" {
		database = "postgres"
	}
	return srv.ListenAndServe(ctx, *listen, func(a net.Addr) {
		log.Info("listening", "addr", a.String(), "database", database)
		fmt.Fprintf(stdout, "Billfold reference server on http://%s\n", a.String())
	})
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}
