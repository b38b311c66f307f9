package bankstatement

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkParseZenginMaxSize parses a Zengin file just under MaxFileSize
// with CR LF (one account, ~51,900 transfers with references): the
// largest upload.
func BenchmarkParseZenginMaxSize(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	s, _ := randomStatement(rng)
	s.Accounts = s.Accounts[:1]
	template := s.Lines[0]
	template.Account = 0
	s.Lines = s.Lines[:0]
	for range MaxFileSize/(recordSize+2) - 3 {
		l := template
		l.Remitter = typedReference(rng, randomReference(rng), kanaName(rng))
		s.Lines = append(s.Lines, l)
	}
	data, err := EncodeZengin(s, ZenginOptions{LineBreak: "\r\n"})
	if err != nil {
		b.Fatal(err)
	}
	if len(data) > MaxFileSize {
		b.Fatalf("%d bytes is over the limit", len(data))
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data, Options{Now: uploaded}); err != nil {
			b.Fatal(err)
		}
	}
}
