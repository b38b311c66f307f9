package appinfo

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// The ID in FyneApp.toml (what `fyne package` names the desktop entry,
// icon and bundle after) and the one the app runs with must be the same,
// or the installed desktop entry would not match the running window.
func TestIDMatchesFyneAppToml(t *testing.T) {
	toml, err := os.ReadFile(filepath.Join("..", "..", "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ID\s*=\s*"([^"]*)"`).FindSubmatch(toml)
	if m == nil || string(m[1]) != ID {
		t.Fatalf("FyneApp.toml ID %q, appinfo.ID %q", m, ID)
	}
}

func TestSettingsDirIsFynesStorageRoot(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	config := func() (string, error) { return "/home/u/.config", nil }
	for goos, want := range map[string]string{
		"linux":   "/home/u/.config/fyne/" + ID,
		"freebsd": "/home/u/.config/fyne/" + ID,
		"windows": filepath.Join("/home/u", "AppData", "Roaming", "fyne", ID),
		"darwin":  "/home/u/Library/Preferences/fyne/" + ID, // not os.UserConfigDir's Application Support
	} {
		if got, err := settingsDir(goos, home, config); err != nil || got != filepath.FromSlash(want) {
			t.Errorf("%s: %q, %v; want %q", goos, got, err, want)
		}
	}
	fail := func() (string, error) { return "", errors.New("no home") }
	if _, err := settingsDir("darwin", fail, config); err == nil {
		t.Error("darwin without a home folder: no error")
	}
	if _, err := settingsDir("linux", home, fail); err == nil {
		t.Error("linux without a config folder: no error")
	}
}

// Without a stamp, a test binary has no module version: "devel".
func TestVersionFallsBackWithoutStamp(t *testing.T) {
	if got := Version(); got != "devel" {
		t.Fatalf("Version() = %q, want devel", got)
	}
	version = "v1.2.0-3-gabc1234"
	t.Cleanup(func() { version = "" })
	if got := Version(); got != "v1.2.0-3-gabc1234" {
		t.Fatalf("stamped Version() = %q", got)
	}
}
