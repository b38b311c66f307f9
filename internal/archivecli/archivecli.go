// Package archivecli is the headless archive command of the billfold
// binary, for scheduled runs:
//
//	billfold archive sync   --dir PATH (--server URL --email ADDRESS | --profile NAME) [--customer ID,…]
//	billfold archive search --dir PATH [account] [--from DATE] [--to DATE] [--min N] [--max N] [--counterparty TEXT] [--status S]
//	billfold archive export --dir PATH [account] --out FILE.csv [search flags]
//	billfold archive verify --dir PATH [account]
//
// The password comes from BILLFOLD_PASSWORD. The offline commands need no
// account; given one, they check that the folder is its archive. Exit status: 0 on success,
// 1 when the command failed or verify found a problem (an alteration, a
// signature that does not hold, a PDF whose totals differ from its JSON,
// an untracked file in an invoice folder), 2 on a usage
// error; every failure is one line on standard error.
package archivecli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/appinfo"
	"billfold/internal/archive"
	"billfold/internal/archive/apisource"
	"billfold/internal/invoicepdf"
	"billfold/internal/secrets"
	"billfold/internal/session"
)

// PasswordEnv names the variable holding the password for --email.
const PasswordEnv = "BILLFOLD_PASSWORD"

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// newStore is the keyring behind --profile; tests replace it.
var newStore = func() secrets.Store { return secrets.NewKeyring(secrets.KeyringOptions{Service: "billfold"}) }

// usage is the help text; %[1]s is the command ("billfold archive").
const usage = `usage: %[1]s <command> --dir PATH [account] [flags]

account:  --server URL --email ADDRESS   (sync: password from $BILLFOLD_PASSWORD)
          or --profile NAME [--config DIR]  (a saved profile; sync: its sign-in from the keyring)
          sync signs in with it, and the folder becomes that account's archive; the
          offline commands check that the folder is that account's when one is given

commands:
  sync    fetch every invoice and archive new and changed ones
            [--customer ID,...]  staff: the customers to archive
            [--workers N] [--progress]
  search  list archived invoices (offline)
            [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--min N] [--max N] (total, minor units)
            [--counterparty TEXT] [--status unpaid|paid|cancelled|refunded] [--currency JPY]
            [--customer ID] [--limit N]
  export  write the search results as CSV: --out FILE.csv ("-": standard output) [search flags]
  verify  recompute every hash and the audit chain, check the server's signatures of
          every invoice and of the chain, read every PDF's totals back against its
          JSON; exit 1 when anything was altered or a file in an invoice folder is
          not in the archive
  version print the version
`

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Command is how the archive command is run from the desktop app's binary.
const Command = "billfold archive"

// Main runs the archive command as the whole of a program and returns its
// exit status: command is what the user typed to run it, for messages
// (Command, or "billfold-archive", the Windows console program); Ctrl-C
// and SIGTERM cancel it.
func Main(command string, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return RunAs(ctx, command, args, os.Stdout, os.Stderr)
}

// Run runs `billfold archive args…` and returns the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return RunAs(ctx, Command, args, stdout, stderr)
}

// RunAs is Run for a program that runs the archive command as command.
func RunAs(ctx context.Context, command string, args []string, stdout, stderr io.Writer) int {
	code, err := run(ctx, command, args, stdout, stderr)
	if err != nil {
		msg := printable(strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; "))
		fmt.Fprintln(stderr, command+": "+msg)
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintf(stderr, "run '%s help' for usage\n", command)
			return ExitUsage
		}
		if code == ExitOK {
			code = ExitFailure
		}
	}
	return code
}

// options are every command's flags; each command registers its own.
type options struct {
	command                             string // for messages: Command or "billfold-archive"
	dir, server, email, profile, config string
	customers                           string
	workers                             int
	progress                            bool
	from, to, counterparty, status, cur string
	customer                            string
	min, max                            string
	limit                               int
	out                                 string
}

func run(ctx context.Context, command string, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 {
		return ExitUsage, usageError{"a command is required: sync, search, export or verify"}
	}
	cmd := args[0]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprintf(stdout, usage, command)
		return ExitOK, nil
	case "version", "--version":
		fmt.Fprintln(stdout, command, appinfo.Version())
		return ExitOK, nil
	}
	o := options{command: command}
	fs := flag.NewFlagSet(command+" "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.dir, "dir", "", "archive folder")
	// The account: sync signs in with it; the offline commands check that
	// the folder is that account's archive.
	fs.StringVar(&o.server, "server", "", "server URL")
	fs.StringVar(&o.email, "email", "", "e-mail address")
	fs.StringVar(&o.profile, "profile", "", "saved profile (display name, e-mail or id)")
	fs.StringVar(&o.config, "config", "", "the app's configuration folder with profiles.json")
	switch cmd {
	case "sync":
		fs.StringVar(&o.customers, "customer", "", "staff: comma-separated customer ids")
		fs.IntVar(&o.workers, "workers", 0, "parallel renders")
		fs.BoolVar(&o.progress, "progress", false, "print progress to standard error")
	case "search", "export":
		fs.StringVar(&o.from, "from", "", "first issue date, YYYY-MM-DD")
		fs.StringVar(&o.to, "to", "", "last issue date, YYYY-MM-DD")
		fs.StringVar(&o.min, "min", "", "smallest total, minor units")
		fs.StringVar(&o.max, "max", "", "largest total, minor units")
		fs.StringVar(&o.counterparty, "counterparty", "", "seller or buyer name or company contains")
		fs.StringVar(&o.status, "status", "", "status")
		fs.StringVar(&o.cur, "currency", "", "currency")
		fs.StringVar(&o.customer, "customer", "", "customer id")
		fs.IntVar(&o.limit, "limit", 0, "at most this many")
		if cmd == "export" {
			fs.StringVar(&o.out, "out", "", "CSV file")
		}
	case "verify":
	default:
		return ExitUsage, usageError{fmt.Sprintf("unknown command %q: use sync, search, export or verify", cmd)}
	}
	if err := fs.Parse(args[1:]); err != nil {
		return ExitUsage, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return ExitUsage, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if o.dir == "" {
		return ExitUsage, usageError{"--dir is required"}
	}
	switch cmd {
	case "sync":
		return syncCmd(ctx, o, stdout, stderr)
	case "search", "export":
		q, err := o.query()
		if err != nil {
			return ExitUsage, err
		}
		if cmd == "export" && o.out == "" {
			return ExitUsage, usageError{"--out is required"}
		}
		return searchCmd(ctx, o, q, cmd == "export", stdout)
	default:
		return verifyCmd(ctx, o, stdout)
	}
}

func (o options) query() (archive.Query, error) {
	var q archive.Query
	var err error
	date := func(name, s string) time.Time {
		if s == "" || err != nil {
			return time.Time{}
		}
		t, perr := time.Parse(time.DateOnly, s)
		if perr != nil {
			err = usageError{fmt.Sprintf("--%s %q is not a date (YYYY-MM-DD)", name, s)}
		}
		return t
	}
	amount := func(name, s string) *int64 {
		if s == "" || err != nil {
			return nil
		}
		n, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil {
			err = usageError{fmt.Sprintf("--%s %q is not a whole number of minor units", name, s)}
			return nil
		}
		return &n
	}
	q.From, q.To = date("from", o.from), date("to", o.to)
	q.MinTotal, q.MaxTotal = amount("min", o.min), amount("max", o.max)
	if err != nil {
		return q, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return q, usageError{"--to is before --from"}
	}
	if q.MinTotal != nil && q.MaxTotal != nil && *q.MaxTotal < *q.MinTotal {
		return q, usageError{"--max is less than --min"}
	}
	if o.status != "" {
		q.Status = billing.InvoiceStatus(strings.ToLower(o.status))
		if !q.Status.Valid() {
			return q, usageError{fmt.Sprintf("--status %q: use draft, unpaid, paid, cancelled or refunded", o.status)}
		}
	}
	if o.cur != "" {
		q.Currency = billing.Currency(strings.ToUpper(o.cur))
		if !q.Currency.Valid() {
			return q, usageError{fmt.Sprintf("--currency %q is not a supported currency", o.cur)}
		}
	}
	q.Counterparty, q.CustomerID, q.Limit = o.counterparty, o.customer, o.limit
	return q, nil
}

func syncCmd(ctx context.Context, o options, stdout, stderr io.Writer) (int, error) {
	var customers []string
	for c := range strings.SplitSeq(o.customers, ",") {
		if c = strings.TrimSpace(c); c != "" {
			customers = append(customers, c)
		}
	}
	c, role, signOut, err := connect(ctx, o)
	if err != nil {
		return ExitFailure, err
	}
	if signOut {
		// A password session of a scheduled run is not left behind.
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = c.SignOut(sctx)
		}()
	}
	if role == billing.RoleStaff && len(customers) == 0 {
		return ExitUsage, usageError{"a staff account archives chosen customers: give --customer ID[,ID…]"}
	}
	if role != billing.RoleStaff && len(customers) > 0 {
		return ExitUsage, usageError{"--customer is for staff accounts"}
	}
	ar, err := archive.Open(o.dir)
	if err != nil {
		return ExitFailure, err
	}
	defer ar.Close()
	opts := archive.SyncOptions{Customers: customers, Workers: o.workers}
	if o.progress {
		opts.Progress = func(done, total int) { fmt.Fprintf(stderr, "%d/%d\n", done, total) }
	}
	start := time.Now()
	res, err := ar.Sync(ctx, apisource.New(c), opts)
	fmt.Fprintf(stdout, "%s listed: %d new, %d changed (new version), %d unchanged, %d failed in %s\n",
		count(res.Listed, "invoice"), res.New, res.Changed, res.Unchanged, len(res.Failed), time.Since(start).Round(time.Millisecond))
	for _, f := range res.Failed {
		fmt.Fprintf(stderr, "failed: %s (%s): %s\n", printable(f.Number), printable(f.InvoiceID), printable(f.Err.Error()))
	}
	for _, m := range res.Marked {
		fmt.Fprintf(stderr, "archived with a mark: %s (%s): %s; its PDF shows %c there, its JSON is exact\n",
			printable(m.Number), printable(m.InvoiceID), printable(m.Err.Error()), invoicepdf.MissingMark)
	}
	if err != nil {
		return ExitFailure, err
	}
	return ExitOK, nil
}

// connect signs in with a password or resumes a saved profile. signOut is
// true for a password session, which the run ends.
func connect(ctx context.Context, o options) (c *apiclient.Client, role billing.Role, signOut bool, err error) {
	if err := o.checkAccountFlags(); err != nil {
		return nil, "", false, err
	}
	if o.profile != "" {
		p, profiles, store, err := o.findProfile()
		if err != nil {
			return nil, "", false, err
		}
		opts, err := session.ClientOptions()
		if err != nil {
			return nil, "", false, err
		}
		s, err := session.New(profiles, store, opts).Resume(ctx, p)
		if errors.Is(err, secrets.ErrNotFound) {
			return nil, "", false, fmt.Errorf("profile %q has no saved sign-in: sign in with \"remember me\" in the app first", o.profile)
		}
		if err != nil {
			return nil, "", false, fmt.Errorf("resume profile %q: %w", o.profile, err)
		}
		return s.Client, s.User.Role, false, nil
	}
	if o.server == "" {
		return nil, "", false, usageError{"give --server and --email (password in $" + PasswordEnv + "), or --profile"}
	}
	password := os.Getenv(PasswordEnv)
	if password == "" {
		return nil, "", false, usageError{"set the password in $" + PasswordEnv}
	}
	opts, err := session.ClientOptions()
	if err != nil {
		return nil, "", false, err
	}
	c, err = apiclient.New(o.server, opts)
	if err != nil {
		return nil, "", false, fmt.Errorf("server address: %w", err)
	}
	u, err := c.SignIn(ctx, o.email, password)
	if err != nil {
		return nil, "", false, err
	}
	return c, u.Role, true, nil
}

// checkAccountFlags refuses half an account: --server without --email, or
// both forms at once.
func (o options) checkAccountFlags() error {
	switch {
	case o.profile != "" && (o.server != "" || o.email != ""):
		return usageError{"give either --profile or --server and --email, not both"}
	case (o.server == "") != (o.email == ""):
		return usageError{"give --server and --email together"}
	}
	return nil
}

// findProfile looks up --profile among the app's saved profiles.
func (o options) findProfile() (secrets.Profile, *secrets.Profiles, secrets.Store, error) {
	dir := o.config
	if dir == "" {
		var err error
		if dir, err = appinfo.SettingsDir(); err != nil {
			return secrets.Profile{}, nil, nil, fmt.Errorf("configuration folder: %w (give --config)", err)
		}
	}
	store := newStore()
	profiles := secrets.NewProfiles(dir, store)
	list, err := profiles.List()
	if err != nil {
		return secrets.Profile{}, nil, nil, err
	}
	var match []secrets.Profile
	for _, p := range list {
		if p.ID == o.profile || strings.EqualFold(p.Email, o.profile) || strings.EqualFold(p.DisplayName, o.profile) {
			match = append(match, p)
		}
	}
	switch len(match) {
	case 0:
		return secrets.Profile{}, nil, nil, fmt.Errorf("no saved profile %q in %s", o.profile, dir)
	case 1:
		return match[0], profiles, store, nil
	}
	return secrets.Profile{}, nil, nil, fmt.Errorf("%d saved profiles match %q: give the profile's id", len(match), o.profile)
}

// openExisting opens the archive of an offline command, for reading only
// (a copy on read-only media opens, and verify changes nothing it checks):
// the folder must hold one (a mistyped --dir is an error, not an empty
// archive), and when an account is given, be that account's.
func openExisting(ctx context.Context, o options) (*archive.Archive, error) {
	if err := o.checkAccountFlags(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(o.dir, archive.IndexFile)); err != nil {
		return nil, fmt.Errorf("%s holds no archive (no %s): archive into it with '%s sync --dir %s' first", o.dir, archive.IndexFile, o.command, o.dir)
	}
	want := archive.Owner{Server: o.server, Email: o.email}
	if o.profile != "" {
		p, _, _, err := o.findProfile()
		if err != nil {
			return nil, err
		}
		want = archive.Owner{Server: p.ServerURL, Email: p.Email}
	}
	ar, err := archive.OpenReadOnly(o.dir)
	if err != nil {
		return nil, err
	}
	if want.Email != "" {
		if err := ar.CheckOwner(ctx, want); err != nil {
			ar.Close()
			return nil, err
		}
	}
	return ar, nil
}

func searchCmd(ctx context.Context, o options, q archive.Query, export bool, stdout io.Writer) (int, error) {
	ar, err := openExisting(ctx, o)
	if err != nil {
		return ExitFailure, err
	}
	defer ar.Close()
	es, err := ar.Search(ctx, q)
	if err != nil {
		return ExitFailure, err
	}
	if export {
		return exportCSV(o.out, es, stdout)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tISSUED\tSTATUS\tTOTAL\tBUYER\tVERSION\tPDF")
	for _, e := range es {
		buyer := e.Buyer
		if e.BuyerCompany != "" {
			buyer = e.BuyerCompany
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\tv%d\t%s\n", printable(e.Number), printable(e.IssueDate), printable(string(e.Status)),
			billing.Format(e.Total), printable(buyer), e.Version, printable(e.PDFPath))
	}
	if err := tw.Flush(); err != nil {
		return ExitFailure, err
	}
	fmt.Fprintln(stdout, count(len(es), "invoice"))
	return ExitOK, nil
}

func exportCSV(out string, es []archive.Entry, stdout io.Writer) (int, error) {
	if out == "-" {
		return ExitOK, archive.ExportCSV(stdout, es, archive.CSVOptions{}) // into a program: no byte order mark
	}
	// Written next to the target and renamed: never half a file.
	f, err := os.CreateTemp(filepath.Dir(out), ".export-*.csv")
	if err != nil {
		return ExitFailure, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(f.Name())
	err = archive.ExportCSV(f, es, archive.CSVOptions{ForSpreadsheet: true})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), out)
	}
	if err != nil {
		return ExitFailure, fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "%s written to %s\n", count(len(es), "invoice"), out)
	return ExitOK, nil
}

func verifyCmd(ctx context.Context, o options, stdout io.Writer) (int, error) {
	ar, err := openExisting(ctx, o)
	if err != nil {
		return ExitFailure, err
	}
	defer ar.Close()
	rep, err := ar.Verify(ctx)
	if err != nil {
		return ExitFailure, err
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", strings.ToUpper(string(p.Kind)), printable(p.Path), printable(p.Detail))
	}
	for _, u := range rep.Untracked {
		fmt.Fprintf(stdout, "UNTRACKED\t%s\tat the folder's top, not in the archive (not a failure)\n", printable(u))
	}
	if !rep.OK() {
		return ExitFailure, fmt.Errorf("verify: %s in %s (%s, %s checked)", count(len(rep.Problems), "problem"), ar.Dir(), count(rep.Files, "file"), count(rep.Records, "audit record"))
	}
	fmt.Fprintf(stdout, "OK: %s and %s verified; chain head %s\n", count(rep.Files, "file"), count(rep.Records, "audit record"), rep.Head)
	if rep.Records > 0 {
		fmt.Fprintf(stdout, "invoices and chain signed by the server's key %s; chain last signed at record %d on %s\n",
			rep.KeyID, rep.Anchored, rep.AnchoredAt.Format(time.RFC3339))
	}
	return ExitOK, nil
}

// count is "1 invoice", "2 invoices": the messages read as sentences
// ("verify: 1 problems" did not).
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
