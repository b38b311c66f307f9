package store_test

import (
	"os"
	"testing"

	"billfold/internal/server/servertest"
)

// pgSchema is the DSN of a fresh PostgreSQL schema for the test, which is
// skipped when no PostgreSQL is configured.
func pgSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(servertest.PostgresDSNEnv)
	if dsn == "" {
		t.Skip(servertest.PostgresDSNEnv + " is not set")
	}
	return servertest.PostgresSchema(t, dsn)
}
