package bankstatement

import (
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// TestSingleByteFastPathMatchesTheDecoder: every byte the fast path takes
// decodes as golang.org/x/text's Shift_JIS decoder decodes it.
func TestSingleByteFastPathMatchesTheDecoder(t *testing.T) {
	taken := 0
	for c := range 256 {
		b := []byte{byte(c), 'A', byte(c)}
		fast, ok := decodeSingleBytes(b)
		if !ok {
			continue
		}
		taken++
		slow, err := japanese.ShiftJIS.NewDecoder().Bytes(b)
		if err != nil || fast != string(slow) {
			t.Errorf("byte %#02x: fast path %q, decoder %q (%v)", c, fast, slow, err)
		}
	}
	if taken != 128+63 {
		t.Errorf("the fast path took %d byte values, want ASCII and the 63 half-width katakana", taken)
	}
}
