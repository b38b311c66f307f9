package nosystemfonts_test

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	_ "billfold/internal/nosystemfonts"
)

// Fyne indexes the system's fonts into the user's cache directory the
// first time it looks for a system face; with the package imported it
// never looks. This test must be the first in its process to measure text.
func TestFyneScansNoSystemFonts(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", t.TempDir())   // where the cache is on macOS
	t.Setenv("LocalAppData", cache) // and on Windows
	test.NewTempApp(t)
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Monospace: true}} {
		fyne.MeasureText("Billfold 請求書 Ω Ж", 14, style)
	}
	var written []string
	_ = filepath.WalkDir(cache, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			written = append(written, path)
		}
		return nil
	})
	if len(written) > 0 {
		t.Errorf("Fyne looked for system fonts and wrote %v", written)
	}
}
