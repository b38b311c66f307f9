package bankstatement

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"billfold/billing"
)

// The Zengin 入出金取引明細 (全銀協規定形式, 種別コード 03): 200-byte records in
// Shift_JIS, with or without CR/LF between them:
//
//	1 header   one per account: bank, branch, account, 勘定日 range, 取引前残高
//	2 data     one per transaction
//	8 trailer  per account: deposit and withdrawal counts and sums, 取引後残高
//	9 end      once: record and account counts
//
// Numbers (N) are right-aligned and zero-filled; text (C) is left-aligned,
// space-filled half-width katakana, A–Z, 0–9 and a few symbols. Dates are
// YYMMDD in the Japanese era (Reiwa), or Gregorian at some banks.
const recordSize = 200

type field struct {
	name     Phrase // the Japanese name, glossed in English
	from, to int    // byte offsets, to exclusive
}

// Header record.
var (
	hKind       = field{"データ区分 (record kind)", 0, 1}
	hType       = field{"種別コード (file type)", 1, 3}
	hCode       = field{"コード区分 (character code)", 3, 4}
	hCreated    = field{"作成日 (created)", 4, 10}
	hFrom       = field{"勘定日(自) (first booking date)", 10, 16}
	hTo         = field{"勘定日(至) (last booking date)", 16, 22}
	hBankCode   = field{"銀行コード (bank code)", 22, 26}
	hBankName   = field{"銀行名 (bank name)", 26, 41}
	hBranchCode = field{"支店コード (branch code)", 41, 44}
	hBranchName = field{"支店名 (branch name)", 44, 59}
	hFiller     = field{"ダミー (filler)", 59, 62}
	hAcctType   = field{"預金種目 (account type)", 62, 63}
	hAcctNumber = field{"口座番号 (account number)", 63, 73}
	hAcctName   = field{"口座名 (account name)", 73, 113}
	hSign       = field{"貸越区分 (balance sign)", 113, 114}
	hOpening    = field{"取引前残高 (opening balance)", 115, 129}
)

// Data record.
var (
	dInquiry      = field{"照会番号 (inquiry number)", 1, 9}
	dDate         = field{"勘定日 (booking date)", 9, 15}
	dValueDate    = field{"預入・払出日 (value date)", 15, 21}
	dDirection    = field{"入払区分 (deposit or withdrawal)", 21, 22}
	dKind         = field{"取引区分 (transaction kind)", 22, 24}
	dAmount       = field{"取引金額 (amount)", 24, 36}
	dRemitterCode = field{"振込依頼人コード (remitter code)", 71, 81}
	dRemitter     = field{"振込依頼人名 (remitter name)", 81, 129}
	dRemitterBank = field{"仕向銀行名 (remitting bank)", 129, 144}
	dRemitterBr   = field{"仕向店名 (remitting branch)", 144, 159}
	dDescription  = field{"摘要内容 (description)", 159, 179}
	dEDI          = field{"EDI情報 (EDI information)", 179, 199}
)

// Trailer record.
var (
	tInCount   = field{"入金件数 (deposit count)", 1, 7}
	tInSum     = field{"入金額合計 (deposit total)", 7, 20}
	tOutCount  = field{"出金件数 (withdrawal count)", 20, 26}
	tOutSum    = field{"出金額合計 (withdrawal total)", 26, 39}
	tSign      = field{"貸越区分 (balance sign)", 39, 40}
	tClosing   = field{"取引後残高 (closing balance)", 40, 54}
	tDataCount = field{"データレコード件数 (data record count)", 54, 61}
)

// End record.
var (
	eRecords  = field{"レコード総件数 (record count)", 1, 11}
	eAccounts = field{"口座数 (account count)", 11, 16}
)

// transactionKinds are the 取引区分 codes.
var transactionKinds = map[string]string{
	"10": "現金", "11": "振込", "12": "他店券入金", "13": "交換", "14": "振替", "15": "継続", "18": "その他", "19": "訂正",
}

// accountTypes are the 預金種目 whose records have this layout (time
// deposits, 定期, carry interest fields instead of the remitter).
var accountTypes = map[string]bool{"1": true, "2": true, "4": true}

// record is one 200-byte record being read. The first error sticks, and
// later reads return zero values, so a parser reads all fields and then
// checks err once.
type record struct {
	line int
	b    []byte
	err  *Error
	era  int // year offset of two-digit years: 2018 (Reiwa) or 2000
}

func (r *record) fail(f field, format Phrase, args ...any) { r.failed(f, found(format, args...)) }

func (r *record) failed(f field, what Finding) {
	if r.err == nil {
		r.err = &Error{Line: r.line, Field: f.name, Finding: what}
	}
}

func (r *record) raw(f field) []byte { return r.b[f.from:f.to] }

// num reads an N field: digits, zero- or space-filled on the left.
func (r *record) num(f field) int64 {
	if r.err != nil {
		return 0
	}
	s := strings.TrimLeft(string(r.raw(f)), " ")
	if s == "" {
		r.fail(f, "is blank; it must be a number")
		return 0
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			r.fail(f, "%q is not a number", printable(r.raw(f)))
			return 0
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n
}

// code reads a short code field as text, checked against allowed.
func (r *record) code(f field, allowed func(string) bool, what Phrase) string {
	if r.err != nil {
		return ""
	}
	s := string(r.raw(f))
	if !allowed(s) {
		r.fail(f, "%q is not %s", printable(r.raw(f)), what)
	}
	return s
}

// text reads a C field: Shift_JIS, trailing spaces dropped.
func (r *record) text(f field) string {
	if r.err != nil {
		return ""
	}
	// No Shift_JIS trail byte is a space: trimming the bytes first is safe.
	s, bad := decodeShiftJIS(bytes.TrimRight(r.raw(f), " "))
	if bad == nil {
		bad = cleanText(s)
	}
	if bad != nil {
		r.failed(f, *bad)
		return ""
	}
	return strings.TrimRight(s, "\u3000")
}

// date reads a YYMMDD field in the file's era; blank or zero is allowed
// only when optional.
func (r *record) date(f field, optional bool) time.Time {
	if r.err != nil {
		return time.Time{}
	}
	s := string(r.raw(f))
	if optional && (strings.Trim(s, " ") == "" || s == "000000") {
		return time.Time{}
	}
	y, m, d, ok := yymmdd(s)
	if !ok {
		r.fail(f, "%q is not a date (YYMMDD)", printable(r.raw(f)))
		return time.Time{}
	}
	t := time.Date(r.era+y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		r.fail(f, "%q is not a date (YYMMDD): there is no %d-%02d-%02d", s, r.era+y, m, d)
		return time.Time{}
	}
	return t
}

func yymmdd(s string) (y, m, d int, ok bool) {
	if len(s) != 6 {
		return 0, 0, 0, false
	}
	for i := range 6 {
		if !isDigit(s[i]) {
			return 0, 0, 0, false
		}
	}
	y = int(s[0]-'0')*10 + int(s[1]-'0')
	m = int(s[2]-'0')*10 + int(s[3]-'0')
	d = int(s[4]-'0')*10 + int(s[5]-'0')
	return y, m, d, m >= 1 && m <= 12 && d >= 1 && d <= 31
}

// eraOffset decides how the file's two-digit years read: as Reiwa years
// (the standard) or as Gregorian ones, whichever puts 作成日 nearer to now.
// The whole file is read in that one era.
func eraOffset(created []byte, now time.Time) int {
	y, m, d, ok := yymmdd(string(created))
	if !ok {
		return reiwa
	}
	distance := func(offset int) time.Duration {
		dist := time.Date(offset+y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Sub(now)
		return max(dist, -dist)
	}
	if distance(gregorian) < distance(reiwa) {
		return gregorian
	}
	return reiwa
}

// Year offsets: Reiwa 1 is 2019.
const (
	reiwa     = 2018
	gregorian = 2000
)

// printable shows a field's bytes in an error message: Shift_JIS decoded
// where it can be, bytes as hex where not.
func printable(b []byte) string {
	if s, bad := decodeShiftJIS(b); bad == nil && cleanText(s) == nil {
		return s
	}
	return fmt.Sprintf("% X", b)
}

// splitRecords cuts the file into 200-byte records: at line breaks (CR LF,
// LF or CR) when it has them, else every 200 bytes. A DOS end-of-file mark
// and line breaks after the last record are allowed.
func splitRecords(data []byte) ([]record, error) {
	data = bytes.TrimRight(data, "\x1a")
	var out []record
	if !bytes.ContainsAny(data, "\r\n") {
		if n := len(data) % recordSize; n != 0 {
			return nil, &Error{Line: len(data)/recordSize + 1, Finding: found(
				"the file has no line breaks and is %d bytes long: the last record has %d of its %d bytes", len(data), n, recordSize)}
		}
		for i := 0; i < len(data); i += recordSize {
			out = append(out, record{line: i/recordSize + 1, b: data[i : i+recordSize]})
		}
		return out, nil
	}
	data = bytes.TrimRight(data, "\r\n")
	for line := 1; ; line++ {
		end := bytes.IndexAny(data, "\r\n")
		if end < 0 {
			end = len(data)
		}
		if end != recordSize {
			return nil, &Error{Line: line, Finding: found("the line is %d bytes long; Zengin records are %d bytes", end, recordSize)}
		}
		out = append(out, record{line: line, b: data[:end]})
		if end == len(data) {
			return out, nil
		}
		if data[end] == '\r' && end+1 < len(data) && data[end+1] == '\n' {
			end++ // CR LF is one break
		}
		data = data[end+1:]
	}
}

// parseZengin reads the records in order: per account a header, its data
// and a trailer whose counts, sums and closing balance must agree with the
// data; then one end record.
func parseZengin(data []byte, now time.Time) (*Statement, error) {
	recs, err := splitRecords(data)
	if err != nil {
		return nil, err
	}
	s := &Statement{Format: FormatZengin, Encoding: "Shift_JIS", Lines: make([]Line, 0, len(recs))}
	era := eraOffset(recs[0].b[hCreated.from:hCreated.to], now)
	var (
		acct    *Account // the account being read, between header and trailer
		in, out struct{ count, sum int64 }
		data0   int // index of the account's first line
		ended   bool
	)
	for i := range recs {
		r := &recs[i]
		r.era = era
		kind := r.b[0]
		switch {
		case ended:
			return nil, &Error{Line: r.line, Finding: found("there are records after the end record (data kind 9)")}
		case kind == '1' && acct == nil:
			a, created := readHeader(r)
			if r.err != nil {
				return nil, r.err
			}
			if len(s.Accounts) == 0 {
				s.Created = created
			}
			s.Accounts = append(s.Accounts, a)
			acct = &s.Accounts[len(s.Accounts)-1]
			in, out, data0 = struct{ count, sum int64 }{}, struct{ count, sum int64 }{}, len(s.Lines)
		case kind == '2' && acct != nil:
			l := readData(r, len(s.Accounts)-1)
			if r.err != nil {
				return nil, r.err
			}
			if l.Date.Before(acct.From) || l.Date.After(acct.To) {
				return nil, &Error{Line: r.line, Field: dDate.name, Finding: found("%s is outside the header's range %s to %s",
					l.Date.Format(time.DateOnly), acct.From.Format(time.DateOnly), acct.To.Format(time.DateOnly))}
			}
			tally := &in
			if l.Direction == Withdrawal {
				tally = &out
			}
			tally.count++
			tally.sum += l.Amount.Amount
			s.Lines = append(s.Lines, l)
		case kind == '8' && acct != nil:
			if err := checkTrailer(r, acct, in, out, int64(len(s.Lines)-data0)); err != nil {
				return nil, err
			}
			acct = nil
		case kind == '9' && acct == nil && len(s.Accounts) > 0:
			if err := checkEnd(r, int64(i), int64(len(s.Accounts))); err != nil {
				return nil, err
			}
			ended = true
		default:
			return nil, &Error{Line: r.line, Field: hKind.name, Finding: unexpectedRecord(kind, acct != nil, len(s.Accounts) > 0)}
		}
	}
	if !ended {
		return nil, &Error{Line: recs[len(recs)-1].line, Finding: found("the file ends without its end record (data kind 9): it may be cut short")}
	}
	return s, nil
}

func unexpectedRecord(kind byte, inAccount, afterAccount bool) Finding {
	switch {
	case kind != '1' && kind != '2' && kind != '8' && kind != '9':
		return found("%q is not a record kind (1 header, 2 data, 8 trailer, 9 end)", printable([]byte{kind}))
	case inAccount:
		return found("a record of kind %c inside an account; after the data records comes the trailer (8)", kind)
	case afterAccount:
		return found("a record of kind %c after a trailer; next comes a header (1) or the end record (9)", kind)
	}
	return found("the file starts with a record of kind %c; it must start with a header (1)", kind)
}

func readHeader(r *record) (a Account, created time.Time) {
	r.code(hType, func(s string) bool { return s == "03" }, "03 (入出金取引明細)")
	if r.err != nil && string(r.raw(hType)) == "01" {
		r.err.Finding = found("01 is a 振込入金通知 (transfer notice) file; export the 入出金取引明細 (種別コード 03) instead")
	}
	r.code(hCode, func(s string) bool { return s == "0" }, "0 (JIS/Shift_JIS; EBCDIC files cannot be read)")
	created = r.date(hCreated, false)
	a = Account{
		From: r.date(hFrom, false), To: r.date(hTo, false),
		BankCode: r.code(hBankCode, allDigits, "a 4-digit bank code"), BankName: r.text(hBankName),
		BranchCode: r.code(hBranchCode, allDigits, "a 3-digit branch code"), BranchName: r.text(hBranchName),
		Type:   r.code(hAcctType, func(s string) bool { return accountTypes[s] }, "1 (普通), 2 (当座) or 4 (貯蓄): other accounts have another layout"),
		Number: accountNumber(r.code(hAcctNumber, allDigits, "an account number")),
		Name:   r.text(hAcctName),
	}
	a.Opening = billing.New(signed(r, hSign, r.num(hOpening)), billing.JPY)
	if r.err == nil && a.To.Before(a.From) {
		r.fail(hTo, "%s is before 勘定日(自) %s", a.To.Format(time.DateOnly), a.From.Format(time.DateOnly))
	}
	return a, created
}

// accountNumber drops the zero padding of the 10-digit field down to the
// 7 digits Japanese account numbers have.
func accountNumber(s string) string {
	for len(s) > 7 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// signed applies a 貸越区分: 2 marks an overdraft (a negative balance);
// 1, 0 or blank a positive one.
func signed(r *record, f field, n int64) int64 {
	switch r.code(f, func(s string) bool { return s == "1" || s == "2" || s == "0" || s == " " }, "1 (positive) or 2 (overdraft)") {
	case "2":
		return -n
	}
	return n
}

func readData(r *record, account int) Line {
	l := Line{Number: r.line, Account: account}
	l.InquiryNumber = strings.TrimSpace(r.text(dInquiry))
	l.Date = r.date(dDate, false)
	l.ValueDate = r.date(dValueDate, true)
	switch r.code(dDirection, func(s string) bool { return s == "1" || s == "2" }, "1 (deposit) or 2 (withdrawal)") {
	case "1":
		l.Direction = Deposit
	case "2":
		l.Direction = Withdrawal
	}
	kind := r.code(dKind, func(s string) bool { _, ok := transactionKinds[s]; return ok }, "a 取引区分 (10, 11, 12, 13, 14, 15, 18 or 19)")
	l.Kind = transactionKinds[kind]
	amount := r.num(dAmount)
	if r.err == nil && amount == 0 {
		r.fail(dAmount, "is zero")
	}
	l.Amount = billing.New(amount, billing.JPY)
	l.RemitterCode = strings.TrimSpace(r.text(dRemitterCode))
	l.Remitter = r.text(dRemitter)
	l.RemitterBank = r.text(dRemitterBank)
	l.RemitterBranch = r.text(dRemitterBr)
	l.Description = r.text(dDescription)
	l.EDI = r.text(dEDI)
	if l.ValueDate.IsZero() {
		l.ValueDate = l.Date
	}
	return l
}

// checkTrailer compares the trailer with the account's data records. The
// sums cannot overflow: 10 MB hold ~52,000 records of at most 12 digits.
func checkTrailer(r *record, a *Account, in, out struct{ count, sum int64 }, lines int64) error {
	for _, c := range []struct {
		f         field
		got, want int64
	}{
		{tInCount, r.num(tInCount), in.count},
		{tInSum, r.num(tInSum), in.sum},
		{tOutCount, r.num(tOutCount), out.count},
		{tOutSum, r.num(tOutSum), out.sum},
		{tDataCount, r.num(tDataCount), lines},
	} {
		if r.err != nil {
			return r.err
		}
		if c.got != c.want {
			return &Error{Line: r.line, Field: c.f.name, Finding: found("says %d, but the account's data records add up to %d", c.got, c.want)}
		}
	}
	closing := signed(r, tSign, r.num(tClosing))
	if r.err != nil {
		return r.err
	}
	if want := a.Opening.Amount + in.sum - out.sum; closing != want {
		return &Error{Line: r.line, Field: tClosing.name, Finding: found(
			"is %d, but 取引前残高 %d + deposits %d - withdrawals %d = %d", closing, a.Opening.Amount, in.sum, out.sum, want)}
	}
	a.Closing = billing.New(closing, billing.JPY)
	return nil
}

// checkEnd compares the end record's counts: レコード総件数 counts the
// records before it (headers, data, trailers).
func checkEnd(r *record, records, accounts int64) error {
	for _, c := range []struct {
		f         field
		got, want int64
	}{{eRecords, r.num(eRecords), records}, {eAccounts, r.num(eAccounts), accounts}} {
		if r.err != nil {
			return r.err
		}
		if c.got != c.want {
			return &Error{Line: r.line, Field: c.f.name, Finding: found("says %d, but the file has %d", c.got, c.want)}
		}
	}
	return nil
}
