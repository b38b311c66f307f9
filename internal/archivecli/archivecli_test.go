package archivecli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/archive"
	"billfold/internal/secrets"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
	"billfold/internal/session"
)

type result struct {
	code           int
	stdout, stderr string
}

func cli(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

func (r result) want(t *testing.T, code int, stdout, stderr string) {
	t.Helper()
	if r.code != code || !strings.Contains(r.stdout, stdout) || !strings.Contains(r.stderr, stderr) {
		t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout ⊇ %q, stderr ⊇ %q", r.code, code, r.stdout, r.stderr, stdout, stderr)
	}
	if r.code != 0 && strings.Count(strings.TrimSpace(strings.Split(r.stderr, "\nrun 'billfold")[0]), "\n") != 0 {
		t.Errorf("the failure message is more than one line:\n%s", r.stderr)
	}
}

func TestUsage(t *testing.T) {
	t.Setenv(PasswordEnv, "")
	cli(t).want(t, ExitUsage, "", "a command is required")
	cli(t, "help").want(t, ExitOK, "usage: billfold archive", "")
	cli(t, "frobnicate").want(t, ExitUsage, "", `unknown command "frobnicate"`)
	cli(t, "search").want(t, ExitUsage, "", "--dir is required")
	cli(t, "search", "--dir", t.TempDir(), "--from", "2026-13-01").want(t, ExitUsage, "", `--from "2026-13-01" is not a date`)
	cli(t, "search", "--dir", t.TempDir(), "--min", "10.5").want(t, ExitUsage, "", "not a whole number")
	cli(t, "search", "--dir", t.TempDir(), "--min", "10", "--max", "5").want(t, ExitUsage, "", "--max is less than --min")
	cli(t, "search", "--dir", t.TempDir(), "--status", "lost").want(t, ExitUsage, "", `--status "lost"`)
	cli(t, "search", "--dir", t.TempDir(), "--nope").want(t, ExitUsage, "", "flag provided but not defined: -nope")
	cli(t, "export", "--dir", t.TempDir()).want(t, ExitUsage, "", "--out is required")
	cli(t, "sync", "--dir", t.TempDir()).want(t, ExitUsage, "", "give --server and --email")
	cli(t, "sync", "--dir", t.TempDir(), "--server", "http://127.0.0.1:1", "--email", "a@b").want(t, ExitUsage, "", "BILLFOLD_PASSWORD")
	t.Setenv(PasswordEnv, "pw")
	t.Setenv(session.CAFileEnv, filepath.Join(t.TempDir(), "no-such-ca.pem"))
	cli(t, "sync", "--dir", t.TempDir(), "--server", "https://billing.example.jp", "--email", "a@b").want(t, ExitFailure, "", "BILLFOLD_CA_FILE")
	t.Setenv(session.CAFileEnv, "")
	t.Setenv(PasswordEnv, "")
	for _, cmd := range []string{"verify", "search"} { // a mistyped folder is no empty archive
		missing := filepath.Join(t.TempDir(), "none")
		cli(t, cmd, "--dir", missing).want(t, ExitFailure, "", "holds no archive")
		if _, err := os.Stat(missing); !os.IsNotExist(err) {
			t.Errorf("%s created %s (%v)", cmd, missing, err)
		}
	}
	cli(t, "verify", "--dir", t.TempDir(), "--server", "https://billing.example.jp").want(t, ExitUsage, "", "give --server and --email together")
	cli(t, "search", "--dir", t.TempDir(), "--profile", "p", "--email", "a@b").want(t, ExitUsage, "", "not both")
}

// customer creates a Japanese customer with three invoices.
func customer(t *testing.T, env *servertest.Env) (id, email, password string, invoices []string) {
	t.Helper()
	ctx := context.Background()
	email, password = "cli-"+time.Now().Format("150405.000000")+"@example.test", "pw-cli-secret"
	id, err := env.Server.CreateUser(ctx, server.NewUser{Email: email, Password: password, Name: "山田 太郎",
		Company: "株式会社山田商店", Role: billing.RoleCustomer, Locale: "ja", Currency: billing.JPY})
	if err != nil {
		t.Fatal(err)
	}
	jst := time.FixedZone("JST", 9*60*60)
	for i, amount := range []int64{1000, 20000, 50000} {
		issued := time.Date(2025+i/2, time.Month(3+i), 10, 9, 0, 0, 0, jst)
		inv, err := env.Server.IssueServiceInvoice(ctx, id, issued, issued.AddDate(0, 0, 30),
			[]server.ServiceLine{{Description: "サーバー保守", Quantity: 1, UnitPrice: amount, TaxRate: 10}})
		if err != nil {
			t.Fatal(err)
		}
		invoices = append(invoices, inv)
	}
	return id, email, password, invoices
}

func TestSyncSearchExportVerify(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	_, email, password, _ := customer(t, env)
	dir := t.TempDir()

	t.Setenv(PasswordEnv, "wrong")
	cli(t, "sync", "--dir", dir, "--server", env.URL, "--email", email).want(t, ExitFailure, "", "billfold archive: sign in")

	t.Setenv(PasswordEnv, password)
	cli(t, "sync", "--dir", dir, "--server", env.URL, "--email", email, "--progress").
		want(t, ExitOK, "3 invoices listed: 3 new, 0 changed (new version), 0 unchanged, 0 failed", "3/3")
	cli(t, "sync", "--dir", dir, "--server", env.URL, "--email", email).want(t, ExitOK, "0 new, 0 changed (new version), 3 unchanged", "")
	cli(t, "sync", "--dir", dir, "--server", env.URL, "--email", email, "--customer", "cus_x").want(t, ExitUsage, "", "--customer is for staff")

	// Search works offline: no server flags at all. Given an account, the
	// offline commands check that the folder is its archive.
	r := cli(t, "search", "--dir", dir)
	r.want(t, ExitOK, "3 invoices", "")
	cli(t, "search", "--dir", dir, "--server", env.URL+"/", "--email", strings.ToUpper(email)).want(t, ExitOK, "3 invoices", "")
	cli(t, "verify", "--dir", dir, "--server", env.URL, "--email", "someone@example.jp").
		want(t, ExitFailure, "", "the folder keeps the invoices of "+email+" on "+env.URL+", not of someone@example.jp")

	// Another account never syncs into the folder.
	_, otherEmail, otherPassword, _ := customer(t, env)
	t.Setenv(PasswordEnv, otherPassword)
	cli(t, "sync", "--dir", dir, "--server", env.URL, "--email", otherEmail).want(t, ExitFailure, "", "choose another folder")
	t.Setenv(PasswordEnv, password)
	if !strings.Contains(r.stdout, "株式会社山田商店") || !strings.Contains(r.stdout, "¥55,000") {
		t.Errorf("search output:\n%s", r.stdout)
	}
	cli(t, "search", "--dir", dir, "--from", "2026-01-01", "--to", "2026-12-31", "--min", "1000", "--max", "60000",
		"--counterparty", "山田", "--status", "unpaid").want(t, ExitOK, "1 invoice\n", "")
	cli(t, "search", "--dir", dir, "--min", "20000").want(t, ExitOK, "2 invoices", "")
	cli(t, "search", "--dir", dir, "--status", "paid").want(t, ExitOK, "0 invoices", "")
	cli(t, "search", "--dir", dir, "--counterparty", "ＢＩＬＬＦＯＬＤ").want(t, ExitOK, "3 invoices", "")

	out := filepath.Join(t.TempDir(), "invoices.csv")
	cli(t, "export", "--dir", dir, "--to", "2025-12-31", "--out", out).want(t, ExitOK, "2 invoices written to "+out, "")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\ufeffnumber,") {
		t.Fatalf("a CSV file for people starts with a byte order mark: %q", b[:min(len(b), 20)])
	}
	if r := cli(t, "export", "--dir", dir, "--out", "-"); r.code != ExitOK || !strings.HasPrefix(r.stdout, "number,") {
		t.Fatalf("CSV to standard output, for programs, has no byte order mark: %d %q", r.code, r.stdout[:min(len(r.stdout), 20)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][0] != "number" || rows[1][6] != "22000" || rows[1][5] != "JPY" {
		t.Fatalf("csv %v, %v", rows, err)
	}

	// The offline commands write nothing into the folder: a copy on
	// read-only media opens, and verify leaves what it checks as it was.
	// (As an index from before the audit log's durable mark: opening the
	// folder for syncing records the mark.)
	db, err := sql.Open("sqlite", filepath.Join(dir, archive.IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM audit_file`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := folderState(t, dir)
	cli(t, "verify", "--dir", dir).want(t, ExitOK, "OK: 6 files and 3 audit records verified", "")
	cli(t, "verify", "--dir", dir).want(t, ExitOK, "chain last signed at record 3", "")
	cli(t, "search", "--dir", dir).want(t, ExitOK, "3 invoices", "")
	cli(t, "export", "--dir", dir, "--out", "-").want(t, ExitOK, "number,", "")
	if after := folderState(t, dir); after != before {
		t.Fatalf("the offline commands changed the folder:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// A forged PDF dropped in an invoice folder fails verify.
	years, _ := filepath.Glob(filepath.Join(dir, "2026"))
	if len(years) != 1 {
		t.Fatalf("no 2026 folder in %s", dir)
	}
	forged := filepath.Join(years[0], "INV-2026-999999.pdf")
	if err := os.WriteFile(forged, []byte("%PDF-1.7 forged"), 0o644); err != nil {
		t.Fatal(err)
	}
	cli(t, "verify", "--dir", dir).want(t, ExitFailure, "UNTRACKED\t2026/INV-2026-999999.pdf", "billfold archive: verify: 1 problem in")
	if err := os.Remove(forged); err != nil {
		t.Fatal(err)
	}

	// One byte of a PDF: verify names it and fails.
	ar, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := ar.Search(context.Background(), archive.Query{})
	ar.Close()
	data, _ := os.ReadFile(es[0].PDFPath)
	data[len(data)/2] ^= 0x20
	os.Chmod(es[0].PDFPath, 0o644)
	if err := os.WriteFile(es[0].PDFPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(dir, es[0].PDFPath)
	cli(t, "verify", "--dir", dir).want(t, ExitFailure, "ALTERED\t"+filepath.ToSlash(rel), "billfold archive: verify: 1 problem in")
}

func TestProfileAndStaff(t *testing.T) {
	ctx := context.Background()
	env := servertest.New(t, servertest.Backends(t)[0])
	cid, email, password, _ := customer(t, env)
	staff := env.NewStaff()

	// A profile saved by the app with "remember me": the token is in the
	// (here in-memory) keyring.
	store := secrets.NewMemory()
	old := newStore
	newStore = func() secrets.Store { return store }
	t.Cleanup(func() { newStore = old })
	config := t.TempDir()
	profiles := secrets.NewProfiles(config, store)
	if _, err := session.New(profiles, store, apiclient.Options{}).SignIn(ctx, env.URL, email, password, true); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv(PasswordEnv, "")
	cli(t, "sync", "--dir", dir, "--profile", email, "--config", config).want(t, ExitOK, "3 new", "")
	// The rotated refresh token was saved: the profile resumes again.
	cli(t, "sync", "--dir", dir, "--profile", email, "--config", config).want(t, ExitOK, "3 unchanged", "")
	cli(t, "sync", "--dir", dir, "--profile", "nobody", "--config", config).want(t, ExitFailure, "", `no saved profile "nobody"`)
	cli(t, "sync", "--dir", dir, "--profile", email, "--server", env.URL).want(t, ExitUsage, "", "not both")

	// Staff archive chosen customers.
	t.Setenv(PasswordEnv, staff.Password)
	sdir := t.TempDir()
	cli(t, "sync", "--dir", sdir, "--server", env.URL, "--email", staff.Email).want(t, ExitUsage, "", "give --customer")
	cli(t, "sync", "--dir", sdir, "--server", env.URL, "--email", staff.Email, "--customer", cid).want(t, ExitOK, "3 new", "")
	cli(t, "sync", "--dir", sdir, "--server", env.URL, "--email", staff.Email, "--customer", "cus_missing").
		want(t, ExitFailure, "", "billfold archive: archive: list invoices")
}

// The Windows console program names itself in its help and messages, so
// what they tell the user to type runs it.
func TestMessagesNameTheCommand(t *testing.T) {
	run := func(args ...string) result {
		var out, errb bytes.Buffer
		code := RunAs(context.Background(), "billfold-archive", args, &out, &errb)
		return result{code, out.String(), errb.String()}
	}
	run("help").want(t, ExitOK, "usage: billfold-archive <command>", "")
	run("version").want(t, ExitOK, "billfold-archive devel\n", "")
	r := run("frobnicate")
	r.want(t, ExitUsage, "", `billfold-archive: unknown command "frobnicate"`)
	if !strings.Contains(r.stderr, "run 'billfold-archive help' for usage") {
		t.Fatalf("usage hint: %q", r.stderr)
	}
	run("verify", "--dir", t.TempDir()).want(t, ExitFailure, "", "'billfold-archive sync --dir ")
	cli(t, "--version").want(t, ExitOK, "billfold archive devel\n", "")
}

// folderState lists every file under dir with its size, modification time
// and content hash.
func folderState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s %d %s %x\n", rel, fi.Size(), fi.ModTime().Format(time.RFC3339Nano), sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
