package desktop

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// The window icon must cost the main thread next to nothing as the window
// is created: GLFW passes an *image.NRGBA to X as it is and converts any
// other image pixel by pixel.
func TestWindowIconIsSmallNRGBA(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(icon))
	if err != nil {
		t.Fatalf("decode the window icon: %v", err)
	}
	if _, ok := img.(*image.NRGBA); !ok {
		t.Errorf("the window icon decodes to %T, want *image.NRGBA (8-bit RGBA, not premultiplied)", img)
	}
	if b := img.Bounds(); b.Dx() > 128 || b.Dy() > 128 {
		t.Errorf("the window icon is %v, want at most 128×128", b.Size())
	}
}
