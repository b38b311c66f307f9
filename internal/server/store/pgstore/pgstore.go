// Package pgstore opens the store on PostgreSQL through pgx. Only the
// server binary and the tests import it, so that the desktop app, whose
// embedded demo server is SQLite only, does not link the driver.
package pgstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"

	"billfold/internal/server/store"
)

// Open connects to PostgreSQL with a pgx DSN and applies the migrations.
func Open(ctx context.Context, dsn string) (*store.DB, error) {
	sdb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sdb.SetMaxOpenConns(32)
	sdb.SetMaxIdleConns(32)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	db, err := store.Open(ctx, store.Backend{Dialect: store.Postgres, Write: sdb, IsUniqueViolation: isUniqueViolation})
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return db, nil
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}
