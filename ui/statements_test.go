package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"billfold/api"
	"billfold/apiclient"
	"billfold/billing"
	"billfold/internal/bankstatement"
	"billfold/internal/server/servertest"
	"billfold/internal/server/store"
)

// customerClient signs cust in with a client of its own.
func customerClient(t *testing.T, env *servertest.Env, cust servertest.Customer) *apiclient.Client {
	t.Helper()
	c, err := apiclient.New(env.URL, apiclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SignIn(context.Background(), cust.Email, cust.Password); err != nil {
		t.Fatal(err)
	}
	return c
}

// openTransfer has the customer add yen of funds by bank transfer; it
// returns the payment waiting for the money.
func openTransfer(t *testing.T, c *apiclient.Client, yen int64) api.Payment {
	t.Helper()
	ctx := context.Background()
	inv, err := c.AddFunds(ctx, apiclient.NewIdempotencyKey(), api.AddFundsRequest{Amount: billing.New(yen, billing.JPY), Gateway: "bank_transfer", PolicyVersion: "2026-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Pay(ctx, apiclient.NewIdempotencyKey(), inv.ID, api.PayRequest{Gateway: "bank_transfer"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// zenginFile writes the bank's statement of the day with deposits.
func zenginFile(t *testing.T, deposits ...bankstatement.Line) string {
	t.Helper()
	day := time.Now().UTC().Truncate(24 * time.Hour)
	st := &bankstatement.Statement{Created: day, Accounts: []bankstatement.Account{{BankCode: "0005", BankName: "ﾐｽﾞﾅﾐ",
		BranchCode: "001", BranchName: "ﾏﾙﾉｳﾁ", Type: "1", Number: "1234567", Name: "ｶ)ﾋﾞﾙﾌｫｰﾙﾄﾞ", From: day, To: day,
		Opening: billing.New(0, billing.JPY)}}}
	for i, l := range deposits {
		l.Date, l.ValueDate, l.Direction, l.Kind, l.InquiryNumber = day, day, bankstatement.Deposit, "振込", string(rune('1'+i))
		st.Lines = append(st.Lines, l)
	}
	b, err := bankstatement.EncodeZengin(st, bankstatement.ZenginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "nyushukkin.txt")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// openStatements starts the staff app on the Bank statements screen, its
// list loaded.
func openStatements(t *testing.T, env *servertest.Env) (*staffShell, *statementsScreen, *recorder) {
	t.Helper()
	a, rec := startStaff(t, env, nil)
	var s *statementsScreen
	rec.onUI(func() {
		s = a.statements.get()
		a.nav.Select(1)
	})
	rec.wait(t, TaskStatements, 0)
	return a, s, rec
}

// TestStaffReconcilesABankStatement: staff open the Bank statements
// screen, upload the bank's file (the file dialog hands it over): the
// transfer with the reference is matched and shows its customer, invoice
// and amount; the one ¥440 short waits with its transfer chosen, and one
// click accepts the bank fee; an unknown deposit is set aside with a
// reason. The same file again changes nothing.
func TestStaffReconcilesABankStatement(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	exactCust, shortCust := env.NewCustomer(billing.JPY), env.NewCustomer(billing.JPY)
	exactClient, shortClient := customerClient(t, env, exactCust), customerClient(t, env, shortCust)
	exact, short := openTransfer(t, exactClient, 30_000), openTransfer(t, shortClient, 30_000)
	squash := func(p api.Payment) string { return strings.ReplaceAll(p.NextAction.Instructions.Reference, "-", "") }
	path := zenginFile(t,
		bankstatement.Line{Amount: billing.New(30_000, billing.JPY), Remitter: squash(exact) + " ﾃｽﾄ"},
		bankstatement.Line{Amount: billing.New(29_560, billing.JPY), Remitter: "ﾃｽﾄ " + squash(short)},
		bankstatement.Line{Amount: billing.New(4_000, billing.JPY), Remitter: "ﾀﾞﾚｶ"})

	a, s, rec := openStatements(t, env)
	rec.onUI(func() {
		test.Tap(s.upload)
		if a.win.Canvas().Overlays().Top() == nil {
			t.Fatal("Upload statement… opened no file dialog")
		}
		a.win.Canvas().Overlays().Top().Hide()
	})
	upload := func() {
		t.Helper()
		r, err := storage.Reader(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		uploaded := rec.mark(TaskUploadStatement)
		rec.onUI(func() {
			s.uploadFrom(r)
			if s.progress.Hidden || !s.upload.Disabled() {
				t.Error("no progress while uploading")
			}
		})
		rec.wait(t, TaskUploadStatement, uploaded)
	}
	upload()
	rec.until(t, "the statement in the list", func() bool { return len(s.list) == 1 })
	rec.onUI(func() {
		// Stacked on a small screen, the list is as tall as its one
		// statement, and the statement open below takes the rest.
		a.win.Resize(smallScreen)
		placedObjects(a.win)
		if h, row := s.statements.Size().Height, s.statements.MinSize().Height; h > row+1 {
			t.Errorf("the list of one statement is %v tall, a row %v", h, row)
		}
	})
	rec.onUI(func() {
		if !strings.Contains(s.status.Text, "nyushukkin.txt uploaded. 3 deposits: 1 matched · 2 queued") || !s.progress.Hidden {
			t.Fatalf("status %q", s.status.Text)
		}
		m := s.current.Lines[0].Payment
		matched := lineState(s.current.Lines[0])
		if m == nil || m.PaymentID != exact.ID || m.InvoiceNumber == "" ||
			matched != "Matched · "+m.CustomerName+" · "+m.InvoiceNumber+" · ¥30,000" || !strings.HasPrefix(m.CustomerName, "Test customer") {
			t.Fatalf("matched line: %q", matched)
		}
		if text := dump(s.detail); !strings.Contains(text, matched) || !strings.Contains(text, "¥29,560") {
			t.Fatalf("lines on screen:\n%s", text)
		}
		// The period and the lines' days are written as every other date.
		day := time.Now().UTC()
		if text := dump(s.detail); strings.Count(text, day.Format("2 Jan 2006")) < 5 || strings.Contains(text, day.Format(time.DateOnly)) {
			t.Fatalf("dates on screen (period, three lines):\n%s", text)
		}
		s.lines.Select(1) // ¥440 short
	})
	rec.until(t, "the short transfer chosen", func() bool { return s.queue.chosenTransfer() != nil })
	rec.onUI(func() {
		if s.queue.chosenTransfer().paymentID != short.ID || s.queue.shortfall.Disabled() || s.queue.shortfall.Text != "Accept ¥440 shortfall" ||
			!s.queue.assign.Disabled() {
			t.Fatalf("actions for the short line: transfer %+v, %q disabled %v, assign disabled %v", s.queue.chosenTransfer(),
				s.queue.shortfall.Text, s.queue.shortfall.Disabled(), s.queue.assign.Disabled())
		}
		test.Tap(s.queue.shortfall)
	})
	rec.wait(t, TaskResolveLine, 0)
	rec.until(t, "the statement reloaded", func() bool { return s.current.Queued == 1 })
	if sum, err := shortClient.Summary(context.Background()); err != nil || sum.AvailableCredit.Amount != 30_000 {
		t.Fatalf("credit after the accepted shortfall: %v %v", sum.AvailableCredit, err)
	}

	rec.onUI(func() {
		if got := lineState(s.current.Lines[1]); !strings.HasPrefix(got, "Bank fee accepted (bank fee of ¥440 accepted.") {
			t.Fatalf("short line after: %q", got)
		}
		s.lines.Select(2) // nobody's
	})
	rec.until(t, "the customers to choose from", func() bool { return len(s.queue.customer.Options) > 0 })
	rec.onUI(func() {
		if !s.queue.notOurs.Disabled() || !s.queue.credit.Disabled() {
			t.Fatal("not ours or credit possible without a reason")
		}
		test.Type(s.queue.reason, "Returned to the sender")
		test.Tap(s.queue.notOurs)
	})
	rec.wait(t, TaskResolveLine, 1)
	rec.until(t, "the queue empty", func() bool { return s.current.Queued == 0 && s.current.Resolved == 2 })

	upload()
	rec.onUI(func() {
		if s.status.Text != "nyushukkin.txt was uploaded before; nothing changed." {
			t.Fatalf("second upload: %q", s.status.Text)
		}
	})
	if sum, err := exactClient.Summary(context.Background()); err != nil || sum.AvailableCredit.Amount != 30_000 {
		t.Fatalf("credit after two uploads: %v %v", sum.AvailableCredit, err)
	}
}

// TestAnUnfinishedStatementSaysWhatToDo: a statement whose upload stopped
// before its deposits were all recorded says so in the list and on
// itself, and uploading its file again records the rest and says that.
func TestAnUnfinishedStatementSaysWhatToDo(t *testing.T) {
	env := servertest.New(t, servertest.Backends(t)[0])
	path := zenginFile(t, bankstatement.Line{Amount: billing.New(4_000, billing.JPY), Remitter: "ﾀﾞﾚｶ"})
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := bankstatement.Parse(file, bankstatement.Options{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	cut := api.BankStatement{ID: "bst_cut", Format: string(parsed.Format), Encoding: parsed.Encoding, SHA256: parsed.SHA256,
		Size: int64(parsed.Size), Account: "0005-001-1234567", UploadedBy: "staff", UploadedAt: time.Now(),
		PeriodFrom: time.Now().UTC().Format(time.DateOnly), PeriodTo: time.Now().UTC().Format(time.DateOnly)}
	if err := env.Server.DB().WriteTx(context.Background(), "", func(tx *store.Tx) error { return tx.InsertStatement(cut) }); err != nil {
		t.Fatal(err)
	}

	_, s, rec := openStatements(t, env)
	rec.until(t, "the statement in the list", func() bool { return len(s.list) == 1 })
	rec.onUI(func() {
		if text := dump(s.statements); !strings.Contains(text, "Not complete: upload the file again") {
			t.Fatalf("the list:\n%s", text)
		}
		s.statements.Select(0)
	})
	rec.until(t, "the statement open", func() bool { return s.current != nil })
	rec.onUI(func() {
		if text := dump(s.detail); !strings.Contains(text, "Upload the same file again to record") {
			t.Fatalf("the statement:\n%s", text)
		}
	})
	r, err := storage.Reader(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	uploaded := rec.mark(TaskUploadStatement)
	rec.onUI(func() { s.uploadFrom(r) })
	rec.wait(t, TaskUploadStatement, uploaded)
	rec.until(t, "the list reloaded", func() bool { return len(s.list) == 1 && !s.list[0].Incomplete })
	rec.onUI(func() {
		if want := "nyushukkin.txt: the rest of its deposits recorded. 1 deposit: 0 matched · 1 queued"; !strings.HasPrefix(s.status.Text, want) {
			t.Fatalf("status %q, want %q…", s.status.Text, want)
		}
		if text := dump(s.statements) + dump(s.detail); strings.Contains(text, "Not complete") || strings.Contains(text, "Upload the same file again") {
			t.Fatalf("finished, still says it is not:\n%s", text)
		}
	})
}
