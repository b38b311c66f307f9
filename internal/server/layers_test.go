package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The layers' arrows (docs/ARCHITECTURE.md), checked.

// deps lists the packages pkg links, as go list -deps does.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func TestRulesLinkNeitherHTTPNorADriver(t *testing.T) {
	for _, p := range deps(t, "billfold/internal/server/rules") {
		if p == "net/http" || strings.HasPrefix(p, "modernc.org/sqlite") || strings.HasPrefix(p, "github.com/jackc/") {
			t.Errorf("the rules link %s", p)
		}
	}
}

// TestDesktopAppDoesNotLinkPostgresOrStripe: its demo server is SQLite
// with the sandbox gateways; the binary server links the rest.
func TestDesktopAppDoesNotLinkPostgresOrStripe(t *testing.T) {
	for _, p := range deps(t, "billfold") {
		if strings.HasPrefix(p, "github.com/jackc/") || strings.HasPrefix(p, "github.com/stripe/") {
			t.Errorf("the desktop app links %s", p)
		}
	}
}

// sqlText matches the start of an SQL statement in a string literal.
var sqlText = regexp.MustCompile(`(?is)\bSELECT\b.+?\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|` +
	`\b(CREATE|ALTER|DROP)\s+(TABLE|UNIQUE|INDEX|TRIGGER|FUNCTION)\b|\bPRAGMA\s+\w+`)

// TestSQLOnlyInTheStore: no string literal in the server's code outside
// the store (tests aside, which inspect and damage databases on purpose)
// holds SQL.
func TestSQLOnlyInTheStore(t *testing.T) {
	roots := []string{".", "../../cmd/billfold-server"}
	found := 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (path == "store" || strings.HasPrefix(path, "store"+string(filepath.Separator))) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				return err
			}
			found++
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && sqlText.MatchString(s) {
						t.Errorf("%s: SQL outside the store: %q", path, s)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if found < 20 {
		t.Fatalf("only %d files scanned: the walk missed the server", found)
	}
}
