// Package bankstatement reads the account statements Japanese banks
// deliver into plain lines a reconciliation can match: the Zengin
// 入出金取引明細 (deposit and withdrawal details; 200-byte fixed-length
// records in Shift_JIS, half-width katakana) and the CSV export of MUFG's
// net banking (三菱UFJダイレクト, 入出金明細). The format is detected from the
// content. It also normalises remitter names and finds Billfold transfer
// references in them (reference.go). It stores nothing: the caller keeps the
// statement, deduplicates by Statement.SHA256 and Line.Fingerprint, and
// moves the money.
package bankstatement

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"billfold/billing"
)

// MaxFileSize is the largest statement accepted: a year of a busy account
// is well under 1 MB in either format.
const MaxFileSize = 10 << 20

// ErrTooLarge is returned for a file over MaxFileSize; nothing was parsed.
var ErrTooLarge = fmt.Errorf("the file is larger than %d MB", MaxFileSize>>20)

// Error is a problem with the file's content, at a line when Line > 0. In
// a Zengin file without line breaks, line N is the N-th 200-byte record.
type Error struct {
	Line  int
	Field Phrase // the field, as the format's documentation names it
	Finding
}

func (e *Error) Error() string {
	s := ""
	if e.Line > 0 {
		s = fmt.Sprintf("line %d: ", e.Line)
	}
	if e.Field != "" {
		s += string(e.Field) + ": "
	}
	return s + e.Finding.Error()
}

// Phrase is an English text of what the reader found, with fmt's verbs:
// the key under which the server translates it (internal/server/words
// holds the Japanese of every Phrase constant), filling in its arguments
// after.
type Phrase string

// Finding is what the reader found wrong with a file: a phrase and its
// arguments, of which a Phrase or a Finding is translated too.
type Finding struct {
	Phrase Phrase
	Args   []any
}

func found(p Phrase, args ...any) Finding { return Finding{Phrase: p, Args: args} }

// Error is the finding in English.
func (f Finding) Error() string { return fmt.Sprintf(string(f.Phrase), f.Args...) }

// Format is a statement file format.
type Format string

// Formats.
const (
	FormatZengin  Format = "zengin"   // 全銀協 入出金取引明細, 200-byte records
	FormatMUFGCSV Format = "mufg_csv" // 三菱UFJダイレクト 入出金明細 CSV
)

// Direction says whether money came in or went out.
type Direction string

// Directions.
const (
	Deposit    Direction = "deposit"    // 入金
	Withdrawal Direction = "withdrawal" // 出金
)

// Statement is a parsed file.
type Statement struct {
	Format   Format
	Encoding string // "Shift_JIS" or "UTF-8"
	SHA256   string // of the file's bytes: the same upload twice is the same statement
	Size     int
	Created  time.Time // Zengin 作成日; zero for CSV
	Accounts []Account
	Lines    []Line
}

// Account is the bank account a part of the statement is about. A Zengin
// file may hold several accounts; a CSV export holds one, whose identity and
// balances the file does not state.
type Account struct {
	BankCode, BankName     string
	BranchCode, BranchName string
	Type                   string // 預金種目: 1 普通, 2 当座, 4 貯蓄
	Number, Name           string
	From, To               time.Time     // 勘定日 range
	Opening, Closing       billing.Money // 取引前残高, 取引後残高 (negative: overdraft)
}

// Line is one transaction.
type Line struct {
	Number    int       // line in the file (1-based), for staff and errors
	Account   int       // index into Statement.Accounts
	Date      time.Time // 勘定日 / 日付: the booking date (midnight UTC)
	ValueDate time.Time // 起算日 (Zengin 預入・払出日); Date when the file has none
	Direction Direction
	Amount    billing.Money // yen, always > 0
	Kind      string        // Zengin 取引区分 (振込, 現金, …) or the CSV 摘要
	Remitter  string        // 振込依頼人名 / CSV 摘要内容, as the bank wrote it
	// Zengin only.
	InquiryNumber  string // 照会番号, the bank's reference of the line
	RemitterCode   string // 振込依頼人コード
	RemitterBank   string // 仕向銀行名
	RemitterBranch string // 仕向店名
	Description    string // 摘要内容 (Zengin), メモ (CSV)
	EDI            string // EDI情報
	// CSV only: 差引残高 after the line, when the export states it.
	Balance *billing.Money
	// Fingerprint identifies the transaction across overlapping
	// statements (the same line downloaded twice); it differs for two equal
	// transfers in one file.
	Fingerprint string
}

// Options of Parse.
type Options struct {
	// Now is when the file is read. Zengin dates have two-digit years,
	// normally in the Reiwa era, but some banks write Gregorian ones; the
	// reading that puts the file's 作成日 nearer to Now wins. Zero: time.Now().
	Now time.Time
}

// Read reads at most MaxFileSize bytes from r and parses them.
func Read(r io.Reader, opt Options) (*Statement, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read statement: %w", err)
	}
	return Parse(data, opt)
}

// Parse detects the format of data and parses it. Errors are *Error, or
// ErrTooLarge.
func Parse(data []byte, opt Options) (*Statement, error) {
	if len(data) > MaxFileSize {
		return nil, ErrTooLarge
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	var (
		s   *Statement
		err error
	)
	switch detect(data) {
	case FormatZengin:
		s, err = parseZengin(data, opt.Now)
	case FormatMUFGCSV:
		s, err = parseMUFG(data)
	default:
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, &Error{Finding: found("the file is empty")}
		}
		return nil, &Error{Line: 1, Finding: found("it is neither a Zengin 入出金取引明細 file (200-byte records, the first starting with 1) " +
			"nor an MUFG 入出金明細 CSV (header 日付,摘要,摘要内容,支払い金額,預かり金額,差引残高)")}
	}
	if err != nil {
		return nil, err
	}
	s.SHA256, s.Size = Hash(data), len(data)
	fingerprint(s)
	return s, nil
}

// Hash is the hex SHA-256 of a file: the key that recognises a statement
// uploaded twice.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// detect tells the formats apart by their first bytes: a CSV export
// starts with its header row, a Zengin file with a record.
func detect(data []byte) Format {
	if looksLikeZengin(data) {
		return FormatZengin
	}
	if looksLikeMUFG(data) {
		return FormatMUFGCSV
	}
	return ""
}

// looksLikeZengin: a record kind and digits. A header (kind 1) is enough,
// its 種別コード then says which Zengin file it is; another kind first
// (a file missing its header) must at least be 200 bytes long.
func looksLikeZengin(data []byte) bool {
	if len(data) < 4 || !strings.ContainsRune("1289", rune(data[0])) || !isDigit(data[1]) || !isDigit(data[2]) || !isDigit(data[3]) {
		return false
	}
	if data[0] == '1' {
		return true
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		return i == recordSize
	}
	return len(data)%recordSize == 0
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// fingerprint sets Line.Fingerprint: a digest of the fields that identify
// a transaction, and of how many equal lines came before it in the file.
func fingerprint(s *Statement) {
	seen := map[[sha256.Size]byte]int{}
	h := sha256.New()
	for i := range s.Lines {
		l := &s.Lines[i]
		a := s.Accounts[l.Account]
		h.Reset()
		for _, f := range []string{string(s.Format), a.BankCode, a.BranchCode, a.Number, l.Date.Format(time.DateOnly),
			l.InquiryNumber, string(l.Direction), strconv.FormatInt(l.Amount.Amount, 10), l.Remitter, l.Kind, balanceText(l.Balance)} {
			h.Write([]byte(f))
			h.Write([]byte{0})
		}
		var key [sha256.Size]byte
		h.Sum(key[:0])
		seen[key]++
		h.Reset()
		h.Write(key[:])
		h.Write(strconv.AppendInt(nil, int64(seen[key]), 10))
		l.Fingerprint = hex.EncodeToString(h.Sum(nil)[:16])
	}
}

func balanceText(b *billing.Money) string {
	if b == nil {
		return ""
	}
	return strconv.FormatInt(b.Amount, 10)
}
