package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/bankstatement"
	"billfold/internal/server"
	"billfold/internal/server/servertest"
	"billfold/internal/server/store"
)

// Bank statements: files written by bankstatement.EncodeZengin as a bank
// writes them (half-width katakana, Shift_JIS), uploaded through the API.

// statementFile is a Zengin statement of the provider's account with lines.
func statementFile(t testing.TB, created time.Time, lines ...bankstatement.Line) []byte {
	t.Helper()
	day := created.Truncate(24*time.Hour).AddDate(0, 0, -7)
	st := &bankstatement.Statement{Created: created, Accounts: []bankstatement.Account{{
		BankCode: "0005", BankName: "ﾐｽﾞﾅﾐ", BranchCode: "001", BranchName: "ﾏﾙﾉｳﾁ", Type: "1", Number: "1234567",
		Name: "ｶ)ﾋﾞﾙﾌｫｰﾙﾄﾞﾎｽﾃｨﾝｸﾞ", From: day, To: created, Opening: billing.New(1_000_000, billing.JPY)}}}
	for i, l := range lines {
		if l.Date.IsZero() {
			l.Date = day.AddDate(0, 0, i%7)
		}
		l.ValueDate = l.Date
		if l.Kind == "" {
			l.Kind = "振込"
		}
		if l.Direction == "" {
			l.Direction = bankstatement.Deposit
		}
		if l.InquiryNumber == "" {
			l.InquiryNumber = fmt.Sprint(100 + i)
		}
		st.Lines = append(st.Lines, l)
	}
	b, err := bankstatement.EncodeZengin(st, bankstatement.ZenginOptions{LineBreak: "\r\n"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// transfer is a deposit of yen from remitter.
func transfer(yen int64, remitter string) bankstatement.Line {
	return bankstatement.Line{Amount: billing.New(yen, billing.JPY), Remitter: remitter}
}

// upload posts a statement file as staff and returns the answer.
func upload(e *servertest.Env, staff servertest.Customer, file []byte) servertest.Response {
	e.T.Helper()
	return e.Do("POST", "/v1/staff/bank-statements", staff.Token, file, map[string]string{"Content-Type": "application/octet-stream"})
}

// pendingTransfer opens a bank-transfer deposit of yen for c: its payment.
func pendingTransfer(t testing.TB, e *servertest.Env, c servertest.Customer, yen int64) api.Payment {
	t.Helper()
	inv := addFunds(t, e, c, yen, "bank_transfer")
	return pay(t, e, c, inv.ID, "bank_transfer")
}

// moneyMoved is moneyState without the audit trail, which records every
// staff action, reads included.
func moneyMoved(t *testing.T, e *servertest.Env) [7]int64 {
	t.Helper()
	s := moneyState(t, e)
	s[1] = 0
	return s
}

// squash writes a reference as customers and banks do: no hyphens.
func squash(ref string) string { return strings.ReplaceAll(ref, "-", "") }

func resolve(e *servertest.Env, staff servertest.Customer, lineID string, req api.ResolveLineRequest, key map[string]string) servertest.Response {
	e.T.Helper()
	return e.Do("POST", "/v1/staff/bank-statement-lines/"+lineID+"/resolve", staff.Token, req, key)
}

func lineOf(t testing.TB, st api.BankStatement, n int) api.BankStatementLine {
	t.Helper()
	for _, l := range st.Lines {
		if l.Line == n {
			return l
		}
	}
	t.Fatalf("statement has no line %d: %+v", n, st.Lines)
	return api.BankStatementLine{}
}

func TestStatementMatchesTransfersAndQueuesTheRest(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		yamada, sato, tanaka := e.NewCustomer(billing.JPY), e.NewCustomer(billing.JPY), e.NewCustomer(billing.JPY)
		exact := pendingTransfer(t, e, yamada, 30_000)
		short := pendingTransfer(t, e, sato, 30_000)
		ref, shortRef := exact.NextAction.Instructions.Reference, short.NextAction.Instructions.Reference
		file := statementFile(t, e.Clock.Now(),
			transfer(30_000, strings.ToLower(squash(ref))+" ﾔﾏﾀﾞ ﾀﾛｳ"), // line 2: half-width, lower case, no hyphens
			transfer(29_560, "ｻﾄｳ ｼﾞﾛｳ "+squash(shortRef)),             // line 3: ¥440 bank fee deducted
			transfer(5_000, "ﾀﾅｶ ｲﾁﾛｳ"),                                // line 4: nothing to go by
			transfer(12_345, "ﾆｾﾓﾉ ｼﾖｳｼﾞ"),                             // line 5: not ours
			bankstatement.Line{Amount: billing.New(5_500, billing.JPY), Direction: bankstatement.Withdrawal, Kind: "振替", Description: "ﾃｽｳﾘﾖｳ"})
		var st api.BankStatement
		e.MustJSON(upload(e, staff, file), http.StatusCreated, &st)
		if st.Format != "zengin" || st.Encoding != "Shift_JIS" || st.Deposits != 4 || st.Withdrawals != 1 || st.Matched != 1 || st.Queued != 3 ||
			!strings.Contains(st.Account, "1234567") || st.UploadedBy != staff.Email || len(st.Lines) != 4 {
			t.Fatalf("statement: %+v", st)
		}
		matched := lineOf(t, st, 2)
		if matched.State != api.LineMatched || matched.Reference != ref || matched.Payment == nil || matched.Payment.PaymentID != exact.ID ||
			matched.Payment.CustomerID != yamada.ID || matched.Payment.InvoiceNumber == "" || matched.Payment.State != billing.PaymentSucceeded {
			t.Fatalf("matched line: %+v", matched)
		}
		if l := lineOf(t, st, 3); l.State != api.LineQueued || l.Reason != api.QueueAmountDiffers || l.Payment == nil || l.Payment.PaymentID != short.ID {
			t.Fatalf("short line: %+v", l)
		}
		if l := lineOf(t, st, 4); l.State != api.LineQueued || l.Reason != api.QueueNoMatch || l.Payment != nil {
			t.Fatalf("unknown line: %+v", l)
		}
		// Credited exactly as a staff confirmation, audited with the line.
		entries := checkLedger(t, e, yamada.Token)
		if len(entries) != 1 || entries[0].Amount.Amount != 30_000 || entries[0].PaymentID != exact.ID || entries[0].Actor != staff.Email {
			t.Fatalf("ledger: %+v", entries)
		}
		var audit api.AuditPage
		e.MustJSON(e.Do("GET", "/v1/staff/audit?customer_id="+yamada.ID, staff.Token, nil, nil), http.StatusOK, &audit)
		if len(audit.Items) == 0 || audit.Items[0].Action != "bank_statement.match" || !strings.Contains(audit.Items[0].Detail, st.ID+" line 2") {
			t.Fatalf("audit: %+v", audit.Items)
		}

		// The same file again: the same statement, nothing changed.
		before := moneyMoved(t, e)
		var again api.BankStatement
		e.MustJSON(upload(e, staff, file), http.StatusOK, &again)
		if again.ID != st.ID || again.Matched != 1 || again.Queued != 3 || moneyMoved(t, e) != before {
			t.Fatalf("second upload: %+v", again)
		}

		// The queue. Assigning the short transfer as it is, or accepting a
		// shortfall larger than a bank fee, is refused.
		shortLine := lineOf(t, st, 3)
		bigShort := pendingTransfer(t, e, tanaka, 10_000)
		before = moneyMoved(t, e)
		wantProblem(t, resolve(e, staff, shortLine.ID, api.ResolveLineRequest{Action: api.ActionAssign, PaymentID: short.ID}, servertest.Key()),
			http.StatusUnprocessableEntity, api.CodeTransferAmount)
		wantProblem(t, resolve(e, staff, lineOf(t, st, 4).ID, api.ResolveLineRequest{Action: api.ActionAcceptShortfall, PaymentID: bigShort.ID}, servertest.Key()),
			http.StatusUnprocessableEntity, api.CodeTransferAmount)
		wantProblem(t, resolve(e, staff, shortLine.ID, api.ResolveLineRequest{Action: "refund"}, servertest.Key()), http.StatusBadRequest, api.CodeValidation)
		wantProblem(t, resolve(e, staff, shortLine.ID, api.ResolveLineRequest{Action: api.ActionAcceptShortfall, PaymentID: short.ID}, nil),
			http.StatusBadRequest, api.CodeIdempotencyRequired)
		if moneyMoved(t, e) != before {
			t.Fatal("a refused resolution changed money")
		}

		// The ¥440 bank fee, accepted in one action; a retry replays it.
		key := servertest.Key()
		var done api.BankStatementLine
		e.MustJSON(resolve(e, staff, shortLine.ID, api.ResolveLineRequest{Action: api.ActionAcceptShortfall, PaymentID: short.ID}, key), http.StatusOK, &done)
		if done.State != api.LineResolved || done.Resolution != api.ResolveShortfall || !strings.Contains(done.Note, "¥440") ||
			done.Payment == nil || done.Payment.State != billing.PaymentSucceeded || done.ResolvedBy != staff.Email {
			t.Fatalf("shortfall accepted: %+v", done)
		}
		r := resolve(e, staff, shortLine.ID, api.ResolveLineRequest{Action: api.ActionAcceptShortfall, PaymentID: short.ID}, key)
		if r.Status != http.StatusOK || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry: %d %s", r.Status, r.Body)
		}
		wantProblem(t, resolve(e, staff, shortLine.ID, api.ResolveLineRequest{Action: api.ActionNotOurs, Reason: "changed my mind"}, servertest.Key()),
			http.StatusConflict, api.CodeLineNotQueued)
		if s := summary(t, e, sato.Token); s.AvailableCredit.Amount != 30_000 {
			t.Fatalf("credit after the accepted shortfall: %+v", s.AvailableCredit)
		}

		// Credited to a customer as an adjustment; set aside as not ours.
		e.MustJSON(resolve(e, staff, lineOf(t, st, 4).ID, api.ResolveLineRequest{Action: api.ActionCredit, CustomerID: tanaka.ID,
			Reason: "Transfer from ﾀﾅｶ ｲﾁﾛｳ without a reference"}, servertest.Key()), http.StatusOK, &done)
		if done.Resolution != api.ResolveCredit || done.EntryID == "" {
			t.Fatalf("credited: %+v", done)
		}
		tl := checkLedger(t, e, tanaka.Token)
		if len(tl) != 1 || tl[0].Kind != billing.LedgerAdjustment || tl[0].Amount.Amount != 5_000 || tl[0].ID != done.EntryID {
			t.Fatalf("tanaka's ledger: %+v", tl)
		}
		e.MustJSON(resolve(e, staff, lineOf(t, st, 5).ID, api.ResolveLineRequest{Action: api.ActionNotOurs, Reason: "Returned to the sender"}, servertest.Key()),
			http.StatusOK, &done)
		if done.Resolution != api.ResolveNotOurs || done.Note != "Returned to the sender" {
			t.Fatalf("not ours: %+v", done)
		}
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements/"+st.ID, staff.Token, nil, nil), http.StatusOK, &st)
		if st.Matched != 1 || st.Queued != 0 || st.Resolved != 3 {
			t.Fatalf("statement after the queue: %+v", st)
		}
		var page api.BankStatementPage
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements", staff.Token, nil, nil), http.StatusOK, &page)
		if len(page.Items) != 1 || page.Items[0].ID != st.ID || page.Items[0].Lines != nil {
			t.Fatalf("list: %+v", page)
		}
		e.MustJSON(e.Do("GET", "/v1/staff/audit", staff.Token, nil, nil), http.StatusOK, &audit)
		resolved := 0
		for _, a := range audit.Items {
			if a.Action == "bank_statement.resolve" {
				resolved++
			}
		}
		if resolved != 3 {
			t.Fatalf("%d resolutions audited, want 3", resolved)
		}
	})
}

// TestStatementNameAndAmountAndAssign: a transfer without a reference from
// a remitter whose name is the customer's, of their pending transfer's
// amount, is queued with that payment; staff assign it.
func TestStatementNameAndAmountAndAssign(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		id, err := e.Server.CreateUser(context.Background(), server.NewUser{Email: "suzuki@example.jp", Password: "pw-suzuki-1234",
			Name: "スズキ ハナコ", Role: billing.RoleCustomer, Locale: "ja", Currency: billing.JPY})
		if err != nil {
			t.Fatal(err)
		}
		suzuki := servertest.Customer{ID: id, Email: "suzuki@example.jp", Password: "pw-suzuki-1234", Currency: billing.JPY}
		suzuki.Token = e.SignIn(suzuki.Email, suzuki.Password).AccessToken
		p := pendingTransfer(t, e, suzuki, 8_800)
		var st api.BankStatement
		e.MustJSON(upload(e, staff, statementFile(t, e.Clock.Now(), transfer(8_800, "ｽｽﾞｷ ﾊﾅｺ"))), http.StatusCreated, &st)
		l := lineOf(t, st, 2)
		if l.State != api.LineQueued || l.Reason != api.QueueNameAndAmount || l.Payment == nil || l.Payment.PaymentID != p.ID || l.Payment.CustomerName != "スズキ ハナコ" {
			t.Fatalf("line: %+v", l)
		}
		if s := summary(t, e, suzuki.Token); s.AvailableCredit.Amount != 0 {
			t.Fatal("credited on a name alone")
		}
		var done api.BankStatementLine
		e.MustJSON(resolve(e, staff, l.ID, api.ResolveLineRequest{Action: api.ActionAssign, PaymentID: p.ID}, servertest.Key()), http.StatusOK, &done)
		if done.Resolution != api.ResolveAssign || done.Payment.State != billing.PaymentSucceeded {
			t.Fatalf("assigned: %+v", done)
		}
		if s := summary(t, e, suzuki.Token); s.AvailableCredit.Amount != 8_800 {
			t.Fatalf("credit: %+v", s.AvailableCredit)
		}
		checkLedger(t, e, suzuki.Token)
	})
}

// TestMUFGCSVStatement: the CSV export is detected and matched the same.
func TestMUFGCSVStatement(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		c := e.NewCustomer(billing.JPY)
		p := pendingTransfer(t, e, c, 12_000)
		day := e.Clock.Now().Format("2006/1/2")
		csv := "\ufeff日付,摘要,摘要内容,支払い金額,預かり金額,差引残高,メモ\r\n" +
			day + ",振込,\"ＢＦ－" + strings.Join(strings.Split(strings.TrimPrefix(p.NextAction.Instructions.Reference, "BF-"), "-"), "－") + "　ヤマダ\",,\"12,000\",\"1,012,000\",\r\n"
		var st api.BankStatement
		e.MustJSON(e.Do("POST", "/v1/staff/bank-statements", staff.Token, csv, map[string]string{"Content-Type": "text/csv"}), http.StatusCreated, &st)
		if st.Format != "mufg_csv" || st.Encoding != "UTF-8" || st.Matched != 1 {
			t.Fatalf("statement: %+v", st)
		}
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 12_000 {
			t.Fatalf("credit: %+v", s.AvailableCredit)
		}
	})
}

// TestBadStatementsChangeNothing: every refusal says what is wrong, and
// nothing is recorded.
func TestBadStatementsChangeNothing(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		c := e.NewCustomer(billing.JPY)
		p := pendingTransfer(t, e, c, 30_000)
		good := statementFile(t, e.Clock.Now(), transfer(30_000, squash(p.NextAction.Instructions.Reference)))
		// The trailer's deposit sum no longer adds up.
		broken := bytes.Replace(good, []byte("000000030000"), []byte("000000030001"), 1)
		before := moneyMoved(t, e)
		for name, tc := range map[string]struct {
			body        []byte
			contentType string
			status      int
			code, want  string
			language    string // Accept-Language
		}{
			"garbage":         {[]byte("hello, bank"), "text/plain", 400, api.CodeStatementUnreadable, "line 1: it is neither", ""},
			"empty":           {[]byte{}, "application/octet-stream", 400, api.CodeStatementUnreadable, "reads: the file is empty.", ""},
			"amount tampered": {broken, "application/octet-stream", 400, api.CodeStatementUnreadable, "line 3, 入金額合計 (deposit total): says 30000, but the account's data records add up to 30001", ""},
			// The reader's finding speaks the answer's language too.
			"amount tampered, in Japanese": {broken, "application/octet-stream", 400, api.CodeStatementUnreadable,
				"入出金明細ではありません（3 行目、入金額合計：30000 となっていますが、口座のデータレコードの合計は 30001 です）", "ja"},
			"cut short":          {good[:len(good)-150], "application/octet-stream", 400, api.CodeStatementUnreadable, "line", ""},
			"eleven megabytes":   {bytes.Repeat([]byte("1"), 11<<20), "application/octet-stream", 413, api.CodeBodyTooLarge, "10 MB", ""},
			"sent as JSON":       {good, "application/json", 415, api.CodeUnsupportedMediaType, "application/octet-stream", ""},
			"sent as a web form": {good, "multipart/form-data; boundary=x", 415, api.CodeUnsupportedMediaType, "text/csv", ""},
		} {
			t.Run(name, func(t *testing.T) {
				headers := map[string]string{"Content-Type": tc.contentType}
				if tc.language != "" {
					headers["Accept-Language"] = tc.language
				}
				r := e.Do("POST", "/v1/staff/bank-statements", staff.Token, tc.body, headers)
				if pr := wantProblem(t, r, tc.status, tc.code); !strings.Contains(pr.Detail, tc.want) {
					t.Errorf("detail %q does not say %q", pr.Detail, tc.want)
				}
			})
		}
		wantProblem(t, e.Do("POST", "/v1/staff/bank-statements", c.Token, good, map[string]string{"Content-Type": "application/octet-stream"}),
			http.StatusForbidden, api.CodeForbidden)
		var page api.BankStatementPage
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements", staff.Token, nil, nil), http.StatusOK, &page)
		if len(page.Items) != 0 || moneyMoved(t, e) != before {
			t.Fatalf("a refused file left %d statements or moved money", len(page.Items))
		}
		wantProblem(t, e.Do("GET", "/v1/staff/bank-statements/bst_nope", staff.Token, nil, nil), http.StatusNotFound, api.CodeNotFound)
		wantProblem(t, resolve(e, staff, "bsl_nope", api.ResolveLineRequest{Action: api.ActionNotOurs, Reason: "nope"}, servertest.Key()),
			http.StatusNotFound, api.CodeNotFound)
	})
}

// TestOverlappingStatementsUploadedAtOnceCreditOnce: two statements that
// share a transfer (downloaded for overlapping weeks), each uploaded
// twice, all at once: the transfer is credited once, and the statement
// that did not record it first shows it as a duplicate of the one that did.
func TestOverlappingStatementsUploadedAtOnceCreditOnce(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		c := e.NewCustomer(billing.JPY)
		p := pendingTransfer(t, e, c, 20_000)
		now := e.Clock.Now()
		shared := transfer(20_000, squash(p.NextAction.Instructions.Reference)+" ﾔﾏﾀﾞ")
		shared.Date, shared.InquiryNumber = now.Truncate(24*time.Hour).AddDate(0, 0, -3), "5001"
		first := statementFile(t, now, transfer(1_000, "ﾀﾞﾚｶ"), shared)
		second := statementFile(t, now.Add(time.Hour), shared, transfer(2_000, "ﾍﾞﾂﾉﾋﾄ"))
		files := [][]byte{first, second, first, second}
		answers := make([]api.BankStatement, len(files))
		parallel(len(files), func(i int) {
			r := upload(e, staff, files[i])
			if r.Status != http.StatusCreated && r.Status != http.StatusOK {
				t.Errorf("upload %d: %d %s", i, r.Status, r.Body)
				return
			}
			e.MustJSON(r, r.Status, &answers[i])
		})
		if answers[0].ID != answers[2].ID || answers[1].ID != answers[3].ID || answers[0].ID == answers[1].ID {
			t.Fatalf("statements %s %s %s %s", answers[0].ID, answers[1].ID, answers[2].ID, answers[3].ID)
		}
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 20_000 {
			t.Fatalf("credit %+v", s.AvailableCredit)
		}
		if entries := checkLedger(t, e, c.Token); len(entries) != 1 {
			t.Fatalf("ledger: %+v", entries)
		}
		var a, bst api.BankStatement
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements/"+answers[0].ID, staff.Token, nil, nil), http.StatusOK, &a)
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements/"+answers[1].ID, staff.Token, nil, nil), http.StatusOK, &bst)
		la, lb := lineOf(t, a, 3), lineOf(t, bst, 2)
		if la.State != api.LineMatched || lb.State != api.LineMatched || (la.DuplicateOf == "") == (lb.DuplicateOf == "") ||
			la.Payment == nil || lb.Payment == nil || la.Payment.PaymentID != p.ID || lb.Payment.PaymentID != p.ID {
			t.Fatalf("shared line: %+v / %+v", la, lb)
		}
	})
}

// TestQueuedLineResolvedTwiceAtOnce: two staff members decide the same
// line at the same moment, crediting different customers: one wins, the
// other is told the line is resolved already, and only one is credited.
func TestQueuedLineResolvedTwiceAtOnce(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		a, c := e.NewCustomer(billing.JPY), e.NewCustomer(billing.JPY)
		var st api.BankStatement
		e.MustJSON(upload(e, staff, statementFile(t, e.Clock.Now(), transfer(7_000, "ﾅﾅｼ"))), http.StatusCreated, &st)
		line := lineOf(t, st, 2).ID
		targets := []servertest.Customer{a, c, a, c}
		status := make([]int, len(targets))
		parallel(len(targets), func(i int) {
			r := resolve(e, staff, line, api.ResolveLineRequest{Action: api.ActionCredit, CustomerID: targets[i].ID, Reason: "Unreferenced transfer"}, servertest.Key())
			status[i] = r.Status
		})
		ok := 0
		for _, s := range status {
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
			default:
				t.Fatalf("statuses %v", status)
			}
		}
		total := summary(t, e, a.Token).AvailableCredit.Amount + summary(t, e, c.Token).AvailableCredit.Amount
		if ok != 1 || total != 7_000 {
			t.Fatalf("statuses %v, ¥%d credited in all", status, total)
		}
	})
}

// TestALargeStatementIsRecordedInParts: a statement's deposits are recorded
// a part at a time, so that a year's statement does not hold SQLite's one
// writer for seconds (a 60,000-line file kept a customer's deposit waiting
// 6 s). The same large file uploaded twice at once records every deposit
// once, one upload continuing what the other began, with one audit record
// of the upload; a transfer among them is credited once.
func TestALargeStatementIsRecordedInParts(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		c := e.NewCustomer(billing.JPY)
		p := pendingTransfer(t, e, c, 20_000)
		const n = 1_201 // three parts
		lines := make([]bankstatement.Line, n)
		for i := range lines {
			lines[i] = transfer(1_000+int64(i), fmt.Sprintf("ﾃｽﾄ ﾀﾛｳ %04d", i))
		}
		lines[n-1] = transfer(20_000, squash(p.NextAction.Instructions.Reference)+" ﾔﾏﾀﾞ")
		file := statementFile(t, e.Clock.Now(), lines...)
		answers := make([]api.BankStatement, 2)
		parallel(len(answers), func(i int) {
			r := upload(e, staff, file)
			if r.Status != http.StatusCreated && r.Status != http.StatusOK {
				t.Errorf("upload %d: %d %s", i, r.Status, r.Body)
				return
			}
			e.MustJSON(r, r.Status, &answers[i])
		})
		if answers[0].ID != answers[1].ID || answers[0].Deposits != n || answers[1].Deposits != n {
			t.Fatalf("answers: %s %d, %s %d", answers[0].ID, answers[0].Deposits, answers[1].ID, answers[1].Deposits)
		}
		var st api.BankStatement
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements/"+answers[0].ID, staff.Token, nil, nil), http.StatusOK, &st)
		seen := map[int]bool{}
		for _, l := range st.Lines {
			if seen[l.Line] {
				t.Fatalf("line %d recorded twice", l.Line)
			}
			seen[l.Line] = true
		}
		if len(seen) != n || st.Matched != 1 {
			t.Fatalf("%d lines recorded, %d matched", len(seen), st.Matched)
		}
		if s := summary(t, e, c.Token); s.AvailableCredit.Amount != 20_000 {
			t.Fatalf("credit %+v", s.AvailableCredit)
		}
		var audit api.AuditPage
		e.MustJSON(e.Do("GET", "/v1/staff/audit?limit=200", staff.Token, nil, nil), http.StatusOK, &audit)
		uploads := 0
		for _, a := range audit.Items {
			if a.Action == "bank_statement.upload" && strings.Contains(a.Detail, fmt.Sprintf("%d deposits, 1 matched", n)) {
				uploads++
			}
		}
		if uploads != 1 {
			t.Fatalf("%d upload records: %+v", uploads, audit.Items)
		}
	})
}

// A statement whose upload stopped before all its deposits were recorded
// says so, in the list and on itself, until the same file uploaded again
// records the rest; a statement recorded whole says it is complete.
func TestAnUnfinishedStatementSaysSo(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		e := servertest.New(t, b)
		staff := e.NewStaff()
		file := statementFile(t, e.Clock.Now(), transfer(1_000, "ﾃｽﾄ ﾀﾛｳ"), transfer(2_000, "ﾃｽﾄ ｼﾞﾛｳ"))
		parsed, err := bankstatement.Parse(file, bankstatement.Options{Now: e.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		// What an upload cut short after its first transaction leaves: the
		// statement, none of its deposits.
		cut := api.BankStatement{ID: "bst_cut", Format: string(parsed.Format), Encoding: parsed.Encoding, SHA256: parsed.SHA256,
			Size: int64(parsed.Size), Account: "0005-001-1234567", UploadedBy: staff.ID, UploadedAt: e.Clock.Now()}
		if err := e.Server.DB().WriteTx(context.Background(), "", func(tx *store.Tx) error { return tx.InsertStatement(cut) }); err != nil {
			t.Fatal(err)
		}
		var list api.BankStatementPage
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements", staff.Token, nil, nil), http.StatusOK, &list)
		if len(list.Items) != 1 || !list.Items[0].Incomplete || list.Items[0].Deposits != 0 {
			t.Fatalf("cut short, listed as %+v", list.Items)
		}
		var st api.BankStatement
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements/bst_cut", staff.Token, nil, nil), http.StatusOK, &st)
		if !st.Incomplete {
			t.Fatalf("cut short, read as complete: %+v", st)
		}
		st = api.BankStatement{} // "incomplete" is left out when false
		e.MustJSON(upload(e, staff, file), http.StatusOK, &st)
		if st.ID != "bst_cut" || st.Incomplete || st.Deposits != 2 {
			t.Fatalf("uploaded again: %s incomplete=%v, %d deposits", st.ID, st.Incomplete, st.Deposits)
		}
		list = api.BankStatementPage{}
		e.MustJSON(e.Do("GET", "/v1/staff/bank-statements", staff.Token, nil, nil), http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].Incomplete {
			t.Fatalf("finished, listed as %+v", list.Items)
		}
		fresh := statementFile(t, e.Clock.Now(), transfer(3_000, "ﾃｽﾄ ｻﾌﾞﾛｳ"))
		st = api.BankStatement{}
		e.MustJSON(upload(e, staff, fresh), http.StatusCreated, &st)
		if st.Incomplete {
			t.Fatalf("a new statement's answer: %+v", st)
		}
	})
}
