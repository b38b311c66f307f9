package bankstatement

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// ZenginOptions shape a file EncodeZengin writes.
type ZenginOptions struct {
	LineBreak      string // between records: "" (none, the standard), "\r\n" or "\n"
	GregorianYears bool   // two-digit Gregorian years, as some banks write, instead of Reiwa
}

// EncodeZengin writes s as a Zengin 入出金取引明細 file, as a bank would:
// per account a header, its lines in order and a trailer whose counts, sums
// and closing balance are computed from the lines; then the end record.
// Text is converted to half-width (ヤマダ → ﾔﾏﾀﾞ); text that has no
// half-width form (kanji) or does not fit its field is an error. It makes
// the demo's statement and the tests' files.
func EncodeZengin(s *Statement, opt ZenginOptions) ([]byte, error) {
	if len(s.Accounts) == 0 {
		return nil, fmt.Errorf("zengin: a statement needs an account")
	}
	era := reiwa
	if opt.GregorianYears {
		era = gregorian
	}
	for i, l := range s.Lines {
		if l.Account < 0 || l.Account >= len(s.Accounts) {
			return nil, fmt.Errorf("zengin: line %d belongs to account %d of %d", i+1, l.Account, len(s.Accounts))
		}
	}
	w := &writer{era: era}
	records := 0
	for ai, a := range s.Accounts {
		var in, out, n int64
		h := w.record('1')
		h.put(hType, "03")
		h.put(hCode, "0")
		h.date(hCreated, s.Created)
		h.date(hFrom, a.From)
		h.date(hTo, a.To)
		h.num(hBankCode, a.BankCode)
		h.text(hBankName, a.BankName)
		h.num(hBranchCode, a.BranchCode)
		h.text(hBranchName, a.BranchName)
		h.put(hFiller, "000")
		h.put(hAcctType, a.Type)
		h.num(hAcctNumber, a.Number)
		h.text(hAcctName, a.Name)
		h.balance(hSign, hOpening, a.Opening.Amount)
		for _, l := range s.Lines {
			if l.Account != ai {
				continue
			}
			d := w.record('2')
			d.num(dInquiry, l.InquiryNumber)
			d.date(dDate, l.Date)
			if !l.ValueDate.IsZero() {
				d.date(dValueDate, l.ValueDate)
			}
			switch l.Direction {
			case Deposit:
				d.put(dDirection, "1")
				in += l.Amount.Amount
			case Withdrawal:
				d.put(dDirection, "2")
				out += l.Amount.Amount
			default:
				d.fail(dDirection, "direction %q", l.Direction)
			}
			d.put(dKind, kindCode(l.Kind))
			d.num(dAmount, fmt.Sprint(l.Amount.Amount))
			d.text(dRemitterCode, l.RemitterCode)
			d.text(dRemitter, l.Remitter)
			d.text(dRemitterBank, l.RemitterBank)
			d.text(dRemitterBr, l.RemitterBranch)
			d.text(dDescription, l.Description)
			d.text(dEDI, l.EDI)
			n++
		}
		t := w.record('8')
		t.num(tInCount, fmt.Sprint(countOf(s.Lines, ai, Deposit)))
		t.num(tInSum, fmt.Sprint(in))
		t.num(tOutCount, fmt.Sprint(countOf(s.Lines, ai, Withdrawal)))
		t.num(tOutSum, fmt.Sprint(out))
		t.balance(tSign, tClosing, a.Opening.Amount+in-out)
		t.num(tDataCount, fmt.Sprint(n))
		records += 2 + int(n)
	}
	e := w.record('9')
	e.num(eRecords, fmt.Sprint(records))
	e.num(eAccounts, fmt.Sprint(len(s.Accounts)))
	if w.err != nil {
		return nil, w.err
	}
	var out bytes.Buffer
	for i, r := range w.records {
		if i > 0 {
			out.WriteString(opt.LineBreak)
		}
		out.Write(r)
	}
	out.WriteString(opt.LineBreak)
	return out.Bytes(), nil
}

func countOf(lines []Line, account int, d Direction) int {
	n := 0
	for _, l := range lines {
		if l.Account == account && l.Direction == d {
			n++
		}
	}
	return n
}

// kindCode is the 取引区分 of a kind's name; a name the table lacks is
// left for put to refuse.
func kindCode(kind string) string {
	for code, name := range transactionKinds {
		if name == kind {
			return code
		}
	}
	return kind
}

// writer builds records; the first error sticks.
type writer struct {
	records [][]byte
	era     int
	err     error
}

type recWriter struct {
	w *writer
	b []byte
}

func (w *writer) record(kind byte) recWriter {
	b := bytes.Repeat([]byte{' '}, recordSize)
	b[0] = kind
	w.records = append(w.records, b)
	return recWriter{w: w, b: b}
}

func (r recWriter) fail(f field, format string, args ...any) {
	if r.w.err == nil {
		r.w.err = fmt.Errorf("zengin: record %d, %s: %s", len(r.w.records), f.name, fmt.Sprintf(format, args...))
	}
}

// put writes bytes that must fill the field exactly.
func (r recWriter) put(f field, s string) {
	if len(s) != f.to-f.from {
		r.fail(f, "%q does not fill %d bytes", s, f.to-f.from)
		return
	}
	copy(r.b[f.from:f.to], s)
}

// num writes digits right-aligned and zero-filled; blank stays blank.
func (r recWriter) num(f field, digits string) {
	size := f.to - f.from
	if digits == "" {
		return
	}
	if !allDigits(digits) || len(digits) > size {
		r.fail(f, "%q is not a number of at most %d digits", digits, size)
		return
	}
	r.put(f, strings.Repeat("0", size-len(digits))+digits)
}

// balance writes a 貸越区分 and the amount without its sign.
func (r recWriter) balance(sign, amount field, n int64) {
	if n < 0 {
		r.put(sign, "2")
		n = -n
	} else {
		r.put(sign, "1")
	}
	r.num(amount, fmt.Sprint(n))
}

func (r recWriter) date(f field, t time.Time) {
	y := t.Year() - r.w.era
	if y < 0 || y > 99 {
		r.fail(f, "%s cannot be written with a two-digit year", t.Format(time.DateOnly))
		return
	}
	r.put(f, fmt.Sprintf("%02d%02d%02d", y, t.Month(), t.Day()))
}

// text writes a C field: half-width Shift_JIS, left-aligned.
func (r recWriter) text(f field, s string) {
	b, err := zenginText(s)
	if err != nil {
		r.fail(f, "%q %v", s, err)
		return
	}
	if len(b) > f.to-f.from {
		r.fail(f, "%q is %d bytes; the field holds %d", s, len(b), f.to-f.from)
		return
	}
	copy(r.b[f.from:], b)
}

// zenginText converts s to the half-width Shift_JIS bytes Zengin text
// fields hold: ガ becomes ｶﾞ (a base and a voiced mark), Ａ becomes A.
func zenginText(s string) ([]byte, error) {
	s = norm.NFD.String(s)
	s = strings.NewReplacer("\u3099", "ﾞ", "\u309a", "ﾟ").Replace(s)
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(width.Narrow.String(s)))
	if err != nil {
		return nil, fmt.Errorf("has characters Shift_JIS lacks")
	}
	for _, c := range b {
		if !(c >= 0x20 && c <= 0x7e) && !(c >= 0xa1 && c <= 0xdf) {
			return nil, fmt.Errorf("has characters without a half-width form (Zengin text is half-width katakana, A–Z, 0–9 and symbols)")
		}
	}
	return b, nil
}
