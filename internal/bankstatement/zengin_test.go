package bankstatement

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"billfold/billing"
)

// uploaded is when the tests' files are read: March 2026 (Reiwa 8).
var uploaded = time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func yenp(n int64) billing.Money { return billing.New(n, billing.JPY) }

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestZenginFixtures reads the hand-made files (testdata/README.md): two
// accounts with CR LF and Reiwa years, and the same records without line
// breaks, with Gregorian years and a DOS end-of-file mark.
func TestZenginFixtures(t *testing.T) {
	for _, name := range []string{"two-accounts-crlf.zengin", "gregorian-no-breaks.zengin"} {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			s, err := Parse(data, Options{Now: uploaded})
			if err != nil {
				t.Fatal(err)
			}
			if s.Format != FormatZengin || s.Encoding != "Shift_JIS" || s.SHA256 != Hash(data) || s.Size != len(data) || !s.Created.Equal(day(2026, 3, 5)) {
				t.Errorf("statement %+v", s)
			}
			wantAccounts := []Account{
				{BankCode: "0005", BankName: "ﾐﾂﾋﾞｼUFJ", BranchCode: "001", BranchName: "ﾎﾝﾃﾝ", Type: "1", Number: "1234567",
					Name: "ｶ)ﾋﾞﾙﾌｫｰﾙﾄﾞ", From: day(2026, 3, 2), To: day(2026, 3, 4), Opening: yenp(1_000_000), Closing: yenp(1_024_060)},
				{BankCode: "0005", BankName: "ﾐﾂﾋﾞｼUFJ", BranchCode: "001", BranchName: "ﾎﾝﾃﾝ", Type: "2", Number: "7654321",
					Name: "ｶ)ﾋﾞﾙﾌｫｰﾙﾄﾞ", From: day(2026, 3, 1), To: day(2026, 3, 5), Opening: yenp(-300), Closing: yenp(700)},
			}
			if !slices.Equal(s.Accounts, wantAccounts) {
				t.Errorf("accounts\n got %+v\nwant %+v", s.Accounts, wantAccounts)
			}
			want := []Line{
				{Number: 2, Date: day(2026, 3, 2), Direction: Deposit, Amount: yenp(20_000), Kind: "振込", Remitter: "BFKFLYE6Y2 ﾔﾏﾀﾞ ﾀﾛｳ", InquiryNumber: "00000101", RemitterBank: "ﾐｽﾞﾎ", RemitterBranch: "ｼﾌﾞﾔ"},
				{Number: 3, Date: day(2026, 3, 3), Direction: Deposit, Amount: yenp(9_560), Kind: "振込", Remitter: "ｽｽﾞｷ ﾊﾅｺ", InquiryNumber: "00000102", RemitterBank: "ﾕｳﾁﾖ", EDI: "BF-DEMO-0012"},
				{Number: 4, Date: day(2026, 3, 4), Direction: Withdrawal, Amount: yenp(5_500), Kind: "振替", InquiryNumber: "00000103", Description: "ﾃｽｳﾘﾖｳ"},
				{Number: 7, Account: 1, Date: day(2026, 3, 5), Direction: Deposit, Amount: yenp(1_000), Kind: "現金", Remitter: "ﾀﾅｶ(ｶ", InquiryNumber: "00000001", RemitterCode: "0000000042"},
			}
			if len(s.Lines) != len(want) {
				t.Fatalf("%d lines", len(s.Lines))
			}
			for i, w := range want {
				got := s.Lines[i]
				w.ValueDate, w.Fingerprint = w.Date, got.Fingerprint
				if fmt.Sprint(got) != fmt.Sprint(w) || len(got.Fingerprint) != 32 {
					t.Errorf("line %d\n got %+v\nwant %+v", i, got, w)
				}
			}
		})
	}
}

// TestZenginRoundTrip writes generated statements with EncodeZengin in
// every layout and reads them back: every field survives, trailers agree,
// and each deposit's reference is found in its half-width remitter name.
func TestZenginRoundTrip(t *testing.T) {
	for seed := range uint64(150) {
		rng := rand.New(rand.NewPCG(seed, 12))
		in, refs := randomStatement(rng)
		opt := ZenginOptions{LineBreak: []string{"", "\r\n", "\n"}[seed%3], GregorianYears: seed%2 == 1}
		data, err := EncodeZengin(in, opt)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		out, err := Parse(data, Options{Now: uploaded})
		if err != nil {
			t.Fatalf("seed %d (%+v): %v", seed, opt, err)
		}
		if !slices.Equal(out.Accounts, in.Accounts) || !out.Created.Equal(in.Created) || len(out.Lines) != len(in.Lines) {
			t.Fatalf("seed %d: accounts\n got %+v\nwant %+v", seed, out.Accounts, in.Accounts)
		}
		lineOf, n := map[int]int{}, 0
		for ai := range in.Accounts {
			n++ // header
			for i, l := range in.Lines {
				if l.Account == ai {
					n++
					lineOf[i] = n
				}
			}
			n++ // trailer
		}
		var found []string
		for i, l := range out.Lines {
			w := in.Lines[i]
			if l.Number != lineOf[i] || l.Account != w.Account || !l.Date.Equal(w.Date) || !l.ValueDate.Equal(w.ValueDate) ||
				l.Direction != w.Direction || l.Amount != w.Amount || l.Kind != w.Kind || l.Description != w.Description ||
				NormalizeName(l.Remitter) != NormalizeName(w.Remitter) || strings.TrimLeft(l.InquiryNumber, "0") != w.InquiryNumber {
				t.Fatalf("seed %d line %d\n got %+v\nwant %+v (line %d)", seed, i, l, w, lineOf[i])
			}
			found = append(found, FindReferences(l.Remitter)...)
		}
		if !slices.Equal(found, refs) {
			t.Fatalf("seed %d: references\n got %q\nwant %q", seed, found, refs)
		}
	}
}

// mutated returns the CR LF fixture with record n (1-based) overwritten at
// byte offset off: what a corrupted or hand-edited file looks like.
func mutated(t *testing.T, n, off int, repl string) []byte {
	t.Helper()
	recs := records(t)
	copy(recs[n-1][off:], repl)
	return joined(recs...)
}

// records are the CR LF fixture's records, each a fresh copy.
func records(t *testing.T) [][]byte {
	t.Helper()
	return bytes.Split(bytes.TrimSuffix(readFixture(t, "two-accounts-crlf.zengin"), []byte("\r\n")), []byte("\r\n"))
}

func joined(recs ...[]byte) []byte { return append(bytes.Join(recs, []byte("\r\n")), "\r\n"...) }

// TestZenginErrors: a broken file is refused with the line, the field and
// what is wrong, so staff can tell the bank or fix the export.
func TestZenginErrors(t *testing.T) {
	r := records(t)
	sjisLeadAtFieldEnd := mutated(t, 2, 128, "\x83") // first byte of a two-byte character, cut by the next field
	for _, tc := range []struct {
		name       string
		data       []byte
		line       int
		field, msg string
	}{
		{"a short line", joined(r[0], r[1][:199], r[2]), 2, "", "199 bytes long"},
		{"no breaks, cut short", bytes.Join(r, nil)[:1799], 9, "", "199 of its 200 bytes"},
		{"starts with data", joined(r[1:]...), 1, "record kind", "must start with a header"},
		{"transfer notice", mutated(t, 1, 1, "01"), 1, "種別コード", "振込入金通知"},
		{"EBCDIC", mutated(t, 1, 3, "1"), 1, "コード区分", "EBCDIC"},
		{"time deposit", mutated(t, 1, 62, "6"), 1, "預金種目", "another layout"},
		{"no 31 February", mutated(t, 2, 9, "080231"), 2, "勘定日", "there is no 2026-02-31"},
		{"letter in a date", mutated(t, 1, 4, "08O305"), 1, "作成日", "not a date"},
		{"letter O for zero", mutated(t, 2, 24, "00000002O000"), 2, "取引金額", `"00000002O000" is not a number`},
		{"blank amount", mutated(t, 2, 24, strings.Repeat(" ", 12)), 2, "取引金額", "is blank"},
		{"zero amount", mutated(t, 2, 24, strings.Repeat("0", 12)), 2, "取引金額", "is zero"},
		{"direction 3", mutated(t, 2, 21, "3"), 2, "入払区分", `"3" is not 1 (deposit) or 2 (withdrawal)`},
		{"kind 99", mutated(t, 3, 22, "99"), 3, "取引区分", "is not a 取引区分"},
		{"cut Shift_JIS character", sjisLeadAtFieldEnd, 2, "振込依頼人名", "byte 48 of the field (0x83)"},
		{"not Shift_JIS", mutated(t, 2, 90, "\xff"), 2, "振込依頼人名", "(0xFF) does not start a character"},
		{"NUL in a name", mutated(t, 2, 85, "\x00"), 2, "振込依頼人名", "control character U+0000"},
		{"booked before the header's range", mutated(t, 2, 9, "080301"), 2, "勘定日", "outside the header's range 2026-03-02 to 2026-03-04"},
		{"range backwards", mutated(t, 1, 16, "080301"), 1, "勘定日(至)", "is before 勘定日(自)"},
		{"trailer deposit count", mutated(t, 5, 1, "000003"), 5, "入金件数", "says 3, but the account's data records add up to 2"},
		{"trailer deposit sum", mutated(t, 5, 7, "0000000029561"), 5, "入金額合計", "says 29561, but"},
		{"trailer withdrawal sum", mutated(t, 5, 26, "0000000005499"), 5, "出金額合計", "says 5499"},
		{"trailer record count", mutated(t, 5, 54, "0000004"), 5, "データレコード件数", "says 4, but"},
		{"closing balance", mutated(t, 5, 40, "00000001024061"), 5, "取引後残高", "1000000 + deposits 29560 - withdrawals 5500 = 1024060"},
		{"overdraft sign lost", mutated(t, 6, 113, "1"), 8, "取引後残高", "is 700, but 取引前残高 300"},
		{"end record count", mutated(t, 9, 1, "0000000006"), 9, "レコード総件数", "says 6, but the file has 8"},
		{"end account count", mutated(t, 9, 11, "00001"), 9, "口座数", "says 1, but the file has 2"},
		{"no end record", joined(r[:8]...), 8, "", "without its end record"},
		{"after the end", joined(append(r[:9:9], r[8])...), 10, "", "after the end record"},
		{"data after a trailer", joined(r[0], r[1], r[2], r[3], r[4], r[1]), 6, "record kind", "after a trailer"},
		{"header inside an account", joined(r[0], r[1], r[0]), 3, "record kind", "inside an account"},
		{"unknown kind", mutated(t, 3, 0, "7"), 3, "record kind", `"7" is not a record kind`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.data, Options{Now: uploaded})
			var pe *Error
			if !errors.As(err, &pe) || s != nil {
				t.Fatalf("err = %v", err)
			}
			if pe.Line != tc.line || !strings.Contains(string(pe.Field), tc.field) || !strings.Contains(pe.Finding.Error(), tc.msg) {
				t.Errorf("got %q (line %d, field %q)\nwant line %d, field %q, message with %q", err, pe.Line, pe.Field, tc.line, tc.field, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("line %d: ", tc.line)) {
				t.Errorf("the message does not name the line: %q", err)
			}
		})
	}
}

// TestZenginEra: two-digit years are Reiwa unless the Gregorian reading
// puts the file's 作成日 nearer to the upload.
func TestZenginEra(t *testing.T) {
	reiwaFile := readFixture(t, "two-accounts-crlf.zengin")       // 080305
	gregorianFile := readFixture(t, "gregorian-no-breaks.zengin") // 260305
	for _, tc := range []struct {
		data []byte
		now  time.Time
		want time.Time
	}{
		{reiwaFile, uploaded, day(2026, 3, 5)},
		{gregorianFile, uploaded, day(2026, 3, 5)},
		{reiwaFile, day(2012, 1, 1), day(2008, 3, 5)},     // an old Gregorian file
		{gregorianFile, day(2044, 6, 1), day(2044, 3, 5)}, // Reiwa 26
	} {
		s, err := Parse(tc.data, Options{Now: tc.now})
		if err != nil {
			t.Fatal(err)
		}
		if !s.Created.Equal(tc.want) || !s.Lines[0].Date.Equal(tc.want.AddDate(0, 0, -3)) {
			t.Errorf("now %s: created %s, first line %s", tc.now.Format(time.DateOnly), s.Created.Format(time.DateOnly), s.Lines[0].Date.Format(time.DateOnly))
		}
	}
}

// TestParseLimitsAndDetection: the size limit, an empty file and a file
// in neither format.
func TestParseLimitsAndDetection(t *testing.T) {
	big := bytes.Repeat([]byte(" "), MaxFileSize+1)
	if _, err := Parse(big, Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse of 10 MB + 1: %v", err)
	}
	if _, err := Read(bytes.NewReader(big), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read of 10 MB + 1: %v", err)
	}
	if _, err := Read(bytes.NewReader(big[:MaxFileSize]), Options{}); errors.Is(err, ErrTooLarge) || err == nil {
		t.Errorf("Read of exactly 10 MB: %v", err)
	}
	for name, tc := range map[string]struct {
		data []byte
		msg  string
	}{
		"empty":           {nil, "the file is empty"},
		"blank":           {[]byte(" \r\n"), "the file is empty"},
		"a PDF":           {[]byte("%PDF-1.7\n"), "it is neither a Zengin 入出金取引明細 file"},
		"another CSV":     {[]byte("取引日,入出金(円),取引後残高(円),入出金内容\n"), "nor an MUFG 入出金明細 CSV"},
		"a 120-byte 総合振込": {append([]byte("1210"), bytes.Repeat([]byte(" "), 116)...), "the file has no line breaks and is 120 bytes"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(tc.data, Options{})
			var pe *Error
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

// TestFingerprints: a line downloaded in two overlapping statements keeps
// its fingerprint; two equal transfers in one file get different ones.
func TestFingerprints(t *testing.T) {
	in, _ := randomStatement(rand.New(rand.NewPCG(7, 7)))
	in.Accounts = in.Accounts[:1]
	in.Lines = slices.DeleteFunc(in.Lines, func(l Line) bool { return l.Account != 0 })
	in.Lines = append(in.Lines, in.Lines[0])
	full := parseEncoded(t, in)
	twin := full.Lines[len(full.Lines)-1]
	if twin.Fingerprint == full.Lines[0].Fingerprint {
		t.Error("two equal transfers share a fingerprint")
	}
	in.Lines = in.Lines[:1]
	part := parseEncoded(t, in)
	if part.Lines[0].Fingerprint != full.Lines[0].Fingerprint {
		t.Error("the same line in another statement has another fingerprint")
	}
}

func parseEncoded(t *testing.T, s *Statement) *Statement {
	t.Helper()
	data, err := EncodeZengin(s, ZenginOptions{LineBreak: "\r\n"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Parse(data, Options{Now: uploaded})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEncodeZenginRefuses what a Zengin field cannot hold.
func TestEncodeZenginRefuses(t *testing.T) {
	base := func() *Statement {
		s, _ := randomStatement(rand.New(rand.NewPCG(1, 1)))
		return s
	}
	for name, mutate := range map[string]func(*Statement){
		"kanji":                func(s *Statement) { s.Lines[0].Remitter = "山田太郎" },
		"too long":             func(s *Statement) { s.Lines[0].Remitter = strings.Repeat("ｱ", 49) },
		"voiced kana too long": func(s *Statement) { s.Lines[0].Remitter = strings.Repeat("ガ", 25) }, // 50 bytes half-width
		"unknown kind":         func(s *Statement) { s.Lines[0].Kind = "両替" },
		"account out of range": func(s *Statement) { s.Lines[0].Account = 9 },
		"year 2200":            func(s *Statement) { s.Created = day(2200, 1, 1) },
		"amount too large":     func(s *Statement) { s.Lines[0].Amount = yenp(1_000_000_000_000) },
	} {
		t.Run(name, func(t *testing.T) {
			s := base()
			mutate(s)
			if _, err := EncodeZengin(s, ZenginOptions{}); err == nil {
				t.Error("encoded")
			}
		})
	}
}
