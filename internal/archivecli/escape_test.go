package archivecli

import (
	"context"
	"strings"
	"testing"
	"time"

	"billfold/billing"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
)

// TestSearchEscapesControlCharacters: names a customer chose, printed by
// search, never reach the terminal as escape sequences (a title change, a
// cleared screen, text hidden by a carriage return or turned around by a
// bidi override): control characters are shown escaped.
func TestSearchEscapesControlCharacters(t *testing.T) {
	ctx := context.Background()
	env := servertest.New(t, servertest.Backends(t)[0])
	email, password := "esc-"+time.Now().Format("150405.000000")+"@example.test", "pw-esc-secret"
	company := "Evil\x1b]0;pwned\x07 Corp\x1b[2J\r\u202eexe.txt\u009b31m\tend"
	id, err := env.Server.CreateUser(ctx, server.NewUser{Email: email, Password: password, Name: "Mallory",
		Company: company, Role: billing.RoleCustomer, Locale: "en", Currency: billing.USD})
	if err != nil {
		t.Fatal(err)
	}
	issued := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	if _, err := env.Server.IssueServiceInvoice(ctx, id, issued, issued.AddDate(0, 0, 30),
		[]server.ServiceLine{{Description: "VPS", Quantity: 1, UnitPrice: 1000, TaxRate: 10}}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv(PasswordEnv, password)
	cli(t, "sync", "--dir", dir, "--server", env.URL, "--email", email).want(t, ExitOK, "1 new", "")
	r := cli(t, "search", "--dir", dir)
	r.want(t, ExitOK, "1 invoice\n", "")
	if strings.ContainsAny(r.stdout, "\x1b\x07\r\u202e\u009b") {
		t.Fatalf("search printed control characters raw: %q", r.stdout)
	}
	if want := `Evil\x1b]0;pwned\a Corp\x1b[2J\r\u202eexe.txt\u009b31m\tend`; !strings.Contains(r.stdout, want) {
		t.Fatalf("search output lacks the escaped name %s:\n%s", want, r.stdout)
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"株式会社やまだ商店":      "株式会社やまだ商店",
		"a\x00b\x7fc":    `a\x00b\x7fc`,
		"bad\xff\xfeend": `bad\xff\xfeend`,
		"line\u2028two":  `line\u2028two`,
		`back\slash`:     `back\slash`,
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}
