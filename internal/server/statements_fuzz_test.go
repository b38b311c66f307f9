package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"billfold/api"
	"billfold/billing"
	"billfold/internal/server/servertest"
)

// FuzzStatementUpload sends whatever the fuzzer makes to the upload
// endpoint of a real server (SQLite) with a transfer waiting for ¥30,000:
// the answer is a statement (201/200), or a statement_unreadable,
// body_too_large problem; never a 500. The transfer is credited at most
// once however many files name it, and the ledger stays consistent.
func FuzzStatementUpload(f *testing.F) {
	e := servertest.New(f, servertest.Backends(f)[0])
	staff := e.NewStaff()
	c := e.NewCustomer(billing.JPY)
	p := pendingTransfer(f, e, c, 30_000)
	ref := p.NextAction.Instructions.Reference
	now := e.Clock.Now()
	f.Add(statementFile(f, now, transfer(30_000, squash(ref)+" ﾔﾏﾀﾞ ﾀﾛｳ"), transfer(29_560, "ﾔﾏﾀﾞ "+ref)))
	f.Add(statementFile(f, now, transfer(30_000, strings.ToLower(ref)), transfer(1, "ｱ")))
	files, _ := filepath.Glob("../bankstatement/testdata/*.*")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && !strings.HasSuffix(name, ".md") {
			f.Add(b)
		}
	}
	f.Add([]byte("日付,摘要,摘要内容,支払い金額,預かり金額,差引残高\r\n" + now.Format("2006/1/2") + ",振込,ＢＦ－" + ref[3:] + ",,\"30,000\",\"30,000\"\r\n"))
	f.Add([]byte("1"))
	f.Fuzz(func(t *testing.T, file []byte) {
		req, err := http.NewRequest("POST", e.URL+"/v1/staff/bank-statements", bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Set("Authorization", "Bearer "+staff.Token)
		resp, err := e.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch resp.StatusCode {
		case http.StatusOK, http.StatusCreated:
			var st api.BankStatement
			if err := json.Unmarshal(body, &st); err != nil || st.ID == "" || len(st.Lines) != st.Deposits {
				t.Fatalf("statement %s: %v", body, err)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			var pr api.Problem
			if err := json.Unmarshal(body, &pr); err != nil || (pr.Code != api.CodeStatementUnreadable && pr.Code != api.CodeBodyTooLarge) || pr.Detail == "" {
				t.Fatalf("problem %s", body)
			}
		default:
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		req, _ = http.NewRequest("GET", e.URL+"/v1/billing/summary", nil)
		req.Header.Set("Authorization", "Bearer "+c.Token)
		resp, err = e.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var sum api.Summary
		err = json.NewDecoder(resp.Body).Decode(&sum)
		resp.Body.Close()
		if err != nil || (sum.AvailableCredit.Amount != 0 && sum.AvailableCredit.Amount != 30_000) {
			t.Fatalf("credit %+v %v", sum.AvailableCredit, err)
		}
	})
}
