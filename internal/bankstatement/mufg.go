package bankstatement

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"billfold/billing"
)

// The MUFG CSV: 三菱UFJ銀行's net banking (三菱UFJダイレクト) exports the
// 入出金明細 of an account as CSV, in Shift_JIS with CR LF, fields usually
// quoted, one header row:
//
//	日付        booking date, 2026/7/24
//	摘要        kind: 振込１, カード, 口座振替…
//	摘要内容    the counterparty; for a transfer in, the remitter's name (full-width katakana)
//	支払い金額  amount out, "1,234" (blank for money in)
//	預かり金額  amount in (blank for money out)
//	差引残高    balance after the line
//	メモ        the customer's own note
//	未資金化区分, 入払区分  further columns, not needed here
//
// The file re-saved by a spreadsheet as "CSV UTF-8" (with a byte order
// mark) reads the same. Columns are found by their header names.
var mufgColumns = struct{ date, kind, content, out, in, balance, memo string }{
	"日付", "摘要", "摘要内容", "支払い金額", "預かり金額", "差引残高", "メモ",
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeCSV turns the file into UTF-8 text: UTF-8 when it has a byte order
// mark or is valid UTF-8, Shift_JIS otherwise. Shift_JIS is decoded line by
// line (no Shift_JIS trail byte is a line feed) so that an error can name
// its line.
func decodeCSV(data []byte) (text, encoding string, err error) {
	if rest, ok := bytes.CutPrefix(data, utf8BOM); ok || utf8.Valid(data) {
		for i, line := range bytes.Split(rest, []byte("\n")) {
			if !utf8.Valid(line) {
				return "", "", &Error{Line: i + 1, Finding: found("the file starts with a UTF-8 byte order mark, but this line is not UTF-8")}
			}
		}
		return string(rest), "UTF-8", nil
	}
	var b strings.Builder
	for i, line := range bytes.Split(data, []byte("\n")) {
		s, bad := decodeShiftJIS(line)
		if bad != nil {
			return "", "", &Error{Line: i + 1, Finding: found("the line %v", *bad)}
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	return b.String(), "Shift_JIS", nil
}

// looksLikeMUFG reports whether the first line is the MUFG header.
func looksLikeMUFG(data []byte) bool {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	text, _, err := decodeCSV(first)
	if err != nil {
		return false
	}
	header, err := csv.NewReader(strings.NewReader(text)).Read()
	if err != nil {
		return false
	}
	_, bad := mufgIndex(header)
	return bad == nil
}

type mufgCols struct{ date, kind, content, out, in, balance, memo int }

// mufgIndex finds the columns by name; メモ may be missing.
func mufgIndex(header []string) (mufgCols, *Finding) {
	at := map[string]int{}
	for i, h := range header {
		at[strings.TrimSpace(h)] = i
	}
	c := mufgCols{memo: -1}
	for _, col := range []struct {
		name string
		to   *int
	}{{mufgColumns.date, &c.date}, {mufgColumns.kind, &c.kind}, {mufgColumns.content, &c.content},
		{mufgColumns.out, &c.out}, {mufgColumns.in, &c.in}, {mufgColumns.balance, &c.balance}} {
		i, ok := at[col.name]
		if !ok {
			return c, new(found("the header has no %s column", col.name))
		}
		*col.to = i
	}
	if i, ok := at[mufgColumns.memo]; ok {
		c.memo = i
	}
	return c, nil
}

func parseMUFG(data []byte) (*Statement, error) {
	text, enc, err := decodeCSV(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	cols, bad := mufgIndex(header)
	if bad != nil {
		return nil, &Error{Line: 1, Finding: *bad}
	}
	s := &Statement{Format: FormatMUFGCSV, Encoding: enc, Accounts: []Account{{}}}
	acct := &s.Accounts[0]
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		l, err := mufgLine(row, cols, len(header), line)
		if err != nil {
			return nil, err
		}
		if acct.From.IsZero() || l.Date.Before(acct.From) {
			acct.From = l.Date
		}
		if l.Date.After(acct.To) {
			acct.To = l.Date
		}
		s.Lines = append(s.Lines, l)
	}
	return s, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Line: pe.Line, Finding: found("the CSV is malformed: %v", pe.Err)}
	}
	return &Error{Finding: found("the CSV is malformed: %v", err)}
}

func mufgLine(row []string, c mufgCols, width, line int) (Line, error) {
	if len(row) < width {
		return Line{}, &Error{Line: line, Finding: found("the row has %d fields; the header has %d", len(row), width)}
	}
	for i, f := range row {
		if bad := cleanText(f); bad != nil {
			return Line{}, &Error{Line: line, Finding: found("field %d %v", i+1, *bad)}
		}
	}
	fail := func(col Phrase, what Finding) (Line, error) {
		return Line{}, &Error{Line: line, Field: col, Finding: what}
	}
	date, err := time.Parse("2006/1/2", strings.TrimSpace(row[c.date]))
	if err != nil {
		return fail("日付 (date)", found("%q is not a date like 2026/7/24", row[c.date]))
	}
	out, okOut, bad := yen(row[c.out])
	if bad != nil {
		return fail("支払い金額 (amount out)", *bad)
	}
	in, okIn, bad := yen(row[c.in])
	if bad != nil {
		return fail("預かり金額 (amount in)", *bad)
	}
	l := Line{Number: line, Date: date, ValueDate: date, Kind: strings.TrimSpace(row[c.kind]),
		Remitter: strings.TrimSpace(row[c.content])}
	switch {
	case okIn && !okOut && in > 0:
		l.Direction, l.Amount = Deposit, billing.New(in, billing.JPY)
	case okOut && !okIn && out > 0:
		l.Direction, l.Amount = Withdrawal, billing.New(out, billing.JPY)
	default:
		return fail("", found("exactly one of %s and %s must hold an amount above zero", mufgColumns.out, mufgColumns.in))
	}
	if b, ok, bad := yen(row[c.balance]); bad != nil {
		return fail("差引残高 (balance)", *bad)
	} else if ok {
		bal := billing.New(b, billing.JPY)
		l.Balance = &bal
	}
	if c.memo >= 0 {
		l.Description = strings.TrimSpace(row[c.memo])
	}
	return l, nil
}

// yen reads "1,234", "-1,234" or blank (ok false).
func yen(s string) (n int64, ok bool, bad *Finding) {
	t := strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if t == "" {
		return 0, false, nil
	}
	neg := strings.HasPrefix(t, "-")
	digits := strings.TrimPrefix(t, "-")
	if digits == "" || len(digits) > 15 {
		return 0, false, new(found("%q is not an amount in yen", s))
	}
	for i := 0; i < len(digits); i++ {
		if !isDigit(digits[i]) {
			return 0, false, new(found("%q is not an amount in yen", s))
		}
		n = n*10 + int64(digits[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true, nil
}
