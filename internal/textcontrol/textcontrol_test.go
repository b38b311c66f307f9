package textcontrol

import "testing"

func TestIs(t *testing.T) {
	for _, r := range "\x00\n\r\t\x1b\x7f\u0085\u202e\u2066\u200f\u2028\u2029" {
		if !Is(r) {
			t.Errorf("%U shows", r)
		}
	}
	for _, r := range "a 1¥円山\u3000\ufffd😀" {
		if Is(r) {
			t.Errorf("%U acts on the text", r)
		}
	}
}
