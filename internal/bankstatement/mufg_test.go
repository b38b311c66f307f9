package bankstatement

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func sjis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMUFGFixture reads the hand-made MUFG export (Shift_JIS, CR LF,
// quoted, amounts with thousands separators) and the same text as a
// spreadsheet re-saves it (UTF-8 with a byte order mark).
func TestMUFGFixture(t *testing.T) {
	sjisFile := readFixture(t, "mufg.csv")
	text, err := japanese.ShiftJIS.NewDecoder().Bytes(sjisFile)
	if err != nil {
		t.Fatal(err)
	}
	utf8File := append([]byte{0xEF, 0xBB, 0xBF}, text...)
	for _, tc := range []struct {
		name, encoding string
		data           []byte
	}{{"Shift_JIS", "Shift_JIS", sjisFile}, {"UTF-8 with BOM", "UTF-8", utf8File}} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.data, Options{Now: uploaded})
			if err != nil {
				t.Fatal(err)
			}
			if s.Format != FormatMUFGCSV || s.Encoding != tc.encoding || len(s.Accounts) != 1 ||
				!s.Accounts[0].From.Equal(day(2026, 3, 2)) || !s.Accounts[0].To.Equal(day(2026, 3, 4)) {
				t.Errorf("statement %+v", s)
			}
			want := []string{
				"2 2026-03-02 deposit ¥20,000 振込１ ＢＦ－ＫＦＬＹ－Ｅ６Ｙ２　ヤマダ　タロウ ¥1,020,000 ",
				"3 2026-03-03 deposit ¥9,560 振込１ スズキ　ハナコ ¥1,029,560 先月分",
				"4 2026-03-04 withdrawal ¥5,500 カード ＰＡＹＰＡＹカ－ド ¥1,024,060 ",
			}
			if len(s.Lines) != len(want) {
				t.Fatalf("%d lines", len(s.Lines))
			}
			for i, l := range s.Lines {
				got := fmt.Sprintf("%d %s %s %s %s %s %s %s", l.Number, l.Date.Format("2006-01-02"), l.Direction, l.Amount,
					l.Kind, l.Remitter, l.Balance, l.Description)
				if got != want[i] || !l.ValueDate.Equal(l.Date) || l.Fingerprint == "" {
					t.Errorf("line %d\n got %s\nwant %s", i, got, want[i])
				}
			}
			if refs := FindReferences(s.Lines[0].Remitter); len(refs) != 1 || refs[0] != "BF-KFLY-E6Y2" {
				t.Errorf("references %q", refs)
			}
		})
	}
}

// TestMUFGErrors: each broken row names its line.
func TestMUFGErrors(t *testing.T) {
	const header = `"日付","摘要","摘要内容","支払い金額","預かり金額","差引残高","メモ","未資金化区分","入払区分"` + "\r\n"
	good := `"2026/3/2","振込１","ヤマダ","","20,000","1,020,000","","",""` + "\r\n"
	for _, tc := range []struct {
		name string
		data []byte
		line int
		msg  string
	}{
		{"bad date", sjis(t, header+good+`"2026/13/2","振込１","ヤマダ","","1","1","","",""`+"\r\n"), 3, `日付 (date): "2026/13/2" is not a date`},
		{"both amounts", sjis(t, header+`"2026/3/2","振込１","ヤマダ","5","20,000","1","","",""`+"\r\n"), 2, "exactly one of"},
		{"no amount", sjis(t, header+`"2026/3/2","振込１","ヤマダ","","","1","","",""`+"\r\n"), 2, "exactly one of"},
		{"zero amount", sjis(t, header+`"2026/3/2","振込１","ヤマダ","","0","1","","",""`+"\r\n"), 2, "exactly one of"},
		{"text amount", sjis(t, header+`"2026/3/2","振込１","ヤマダ","","２万","1","","",""`+"\r\n"), 2, `預かり金額 (amount in): "２万" is not an amount`},
		{"bad balance", sjis(t, header+`"2026/3/2","振込１","ヤマダ","","1","1.5","","",""`+"\r\n"), 2, "差引残高 (balance)"},
		{"short row", sjis(t, header+good+`"2026/3/2","振込１"`+"\r\n"), 3, "the row has 2 fields; the header has 9"},
		{"broken quote", sjis(t, header+good+good+`"2026/3/2,"振込１","ヤマダ","","1","1","","",""`+"\r\n"), 4, "the CSV is malformed"},
		{"not Shift_JIS", append(sjis(t, header+good), "\"2026/3/2\",\"\x82\"\r\n"...), 3, "is not Shift_JIS text"},
		{"bad UTF-8 after a BOM", append([]byte("\xEF\xBB\xBF"+strings.ReplaceAll(header+good, `"`, "")), "2026/3/2,\xff\n"...), 3, "not UTF-8"},
		{"control character", sjis(t, header+`"2026/3/2","振込１","ヤ`+"\x01"+`マダ","","1","1","","",""`+"\r\n"), 2, "control character U+0001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.data, Options{Now: uploaded})
			var pe *Error
			if !errors.As(err, &pe) || pe.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v (want line %d, %q)", err, tc.line, tc.msg)
			}
		})
	}
	s, err := Parse(sjis(t, header), Options{})
	if err != nil || len(s.Lines) != 0 {
		t.Errorf("a statement without transactions: %v", err)
	}
}
