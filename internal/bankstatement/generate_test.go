package bankstatement

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"billfold/billing"
)

// The generator of test statements: random accounts and lines in the
// shapes banks send (half-width names, references typed every which way,
// withdrawals between the transfers), written by EncodeZengin and read back.

// kanaSyllables are full-width katakana the generator builds names from,
// voiced and semi-voiced ones included (they become two half-width bytes).
var kanaSyllables = []string{
	"ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ", "サ", "シ", "ス", "セ", "ソ", "タ", "チ", "ツ", "テ", "ト",
	"ナ", "ニ", "ヌ", "ネ", "ノ", "ハ", "ヒ", "フ", "ヘ", "ホ", "マ", "ミ", "ム", "メ", "モ", "ヤ", "ユ", "ヨ", "ラ", "リ",
	"ル", "レ", "ロ", "ワ", "ン", "ガ", "ギ", "グ", "ゲ", "ゴ", "ザ", "ジ", "ズ", "ゼ", "ゾ", "ダ", "デ", "ド", "バ", "ビ",
	"ブ", "ベ", "ボ", "パ", "ピ", "プ", "ペ", "ポ", "ヴ", "ー",
}

// referenceAlphabet is the alphabet of the server's transfer references.
const referenceAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func kanaName(rng *rand.Rand) string {
	var b strings.Builder
	for range 2 + rng.IntN(4) {
		b.WriteString(kanaSyllables[rng.IntN(len(kanaSyllables)-1)]) // no leading ー
	}
	b.WriteString(" ")
	for range 2 + rng.IntN(3) {
		b.WriteString(kanaSyllables[rng.IntN(len(kanaSyllables))])
	}
	return b.String()
}

func randomReference(rng *rand.Rand) string {
	b := []byte("BF-XXXX-XXXX")
	for _, i := range []int{3, 4, 5, 6, 8, 9, 10, 11} {
		b[i] = referenceAlphabet[rng.IntN(len(referenceAlphabet))]
	}
	return string(b)
}

// typedReference writes ref the way a customer or a bank might: hyphens
// kept, dropped or replaced, spaces added, before or after the name.
func typedReference(rng *rand.Rand, ref, name string) string {
	dash := []string{"-", "", " ", "ｰ", "－"}[rng.IntN(5)]
	r := strings.ReplaceAll(ref, "-", dash)
	if rng.IntN(3) == 0 {
		r = strings.ToLower(r)
	}
	if rng.IntN(2) == 0 {
		return r + " " + name
	}
	return name + " " + r
}

// randomStatement makes 1–3 accounts with up to 40 lines each; each
// deposit carries a reference in its remitter name, which it returns.
func randomStatement(rng *rand.Rand) (*Statement, []string) {
	created := time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	s := &Statement{Format: FormatZengin, Encoding: "Shift_JIS", Created: created}
	var refs []string
	for ai := range 1 + rng.IntN(3) {
		from := created.AddDate(0, 0, -rng.IntN(30))
		a := Account{BankCode: "0005", BankName: "ﾐﾂﾋﾞｼUFJ", BranchCode: "001", BranchName: "ﾎﾝﾃﾝ", Type: "1",
			Number: "1234567", Name: "ｶ)ﾋﾞﾙﾌｫｰﾙﾄﾞ", From: from, To: created,
			Opening: billing.New(rng.Int64N(10_000_000)-1_000_000, billing.JPY)}
		closing := a.Opening.Amount
		for i := range rng.IntN(41) {
			day := from.AddDate(0, 0, rng.IntN(int(created.Sub(from).Hours()/24)+1))
			l := Line{Account: ai, Date: day, ValueDate: day, Direction: Deposit, Kind: "振込",
				Amount: billing.New(1+rng.Int64N(2_000_000), billing.JPY), InquiryNumber: strconv.Itoa(i + 1)}
			if rng.IntN(4) == 0 {
				l.Direction, l.Kind, l.Description = Withdrawal, "振替", "ﾃｽｳﾘﾖｳ"
			} else {
				ref := randomReference(rng)
				refs = append(refs, ref)
				l.Remitter = typedReference(rng, ref, kanaName(rng))
				l.RemitterBank, l.RemitterBranch = "ﾐｽﾞﾎ", "ｼﾌﾞﾔ"
			}
			if l.Direction == Deposit {
				closing += l.Amount.Amount
			} else {
				closing -= l.Amount.Amount
			}
			s.Lines = append(s.Lines, l)
		}
		a.Closing = billing.New(closing, billing.JPY)
		s.Accounts = append(s.Accounts, a)
	}
	return s, refs
}
