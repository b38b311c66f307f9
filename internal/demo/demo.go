// Package demo runs the reference billing server inside the desktop app:
// on a loopback port, with a persistent SQLite file in the user's data
// directory and the demo provider's accounts, so `billfold --demo` works
// with no network and no setup.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"billfold/internal/server"
)

// Account is the demo customer the app signs in as.
var Account = struct{ Email, Password string }{server.DemoCustomerJA, server.DemoPassword}

// Server is a running in-process demo server.
type Server struct {
	URL    string
	cancel context.CancelFunc
	done   chan error
	srv    *server.Server
}

// Start opens (or, with reset, recreates) the demo database in dir and
// serves it on 127.0.0.1 with an ephemeral port. extraInvoices adds that
// many service invoices to a freshly seeded demo customer, for measuring
// the app with a large account.
func Start(ctx context.Context, dir string, reset bool, log *slog.Logger, extraInvoices int) (*Server, error) {
	if reset {
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("reset demo data: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("demo data directory: %w", err)
	}
	srv, err := server.New(ctx, server.Options{DataDir: dir, Logger: log, SQLiteCacheKiB: 64})
	if err != nil {
		return nil, fmt.Errorf("start demo server: %w", err)
	}
	seeded, err := srv.SeedDemo(ctx)
	if err == nil && seeded && extraInvoices > 0 {
		err = srv.SeedBulkInvoices(ctx, Account.Email, extraInvoices)
	}
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("demo data: %w", err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	s := &Server{cancel: cancel, done: make(chan error, 1), srv: srv}
	ready := make(chan net.Addr, 1)
	go func() { s.done <- srv.ListenAndServe(sctx, "127.0.0.1:0", func(a net.Addr) { ready <- a }) }()
	select {
	case a := <-ready:
		s.URL = "http://" + a.String()
		return s, nil
	case err := <-s.done:
		cancel()
		srv.Close()
		return nil, err
	case <-time.After(10 * time.Second):
		cancel()
		srv.Close()
		return nil, errors.New("demo server did not start within 10 s")
	}
}

// DefaultDir is where demo data lives: the user's data directory.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "billfold", "demo-server"), nil
}

// Stop shuts the server down and closes its database.
func (s *Server) Stop() error {
	s.cancel()
	err := <-s.done
	if cerr := s.srv.Close(); err == nil {
		err = cerr
	}
	return err
}
