// Package appinfo names this build of Billfold: the desktop app's
// application ID, where Fyne keeps its settings, and the version that
// `make` stamps in from `git describe`.
package appinfo

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
)

// ID is the desktop app's reverse-DNS application ID (FyneApp.toml's too):
// it names the settings folder, the desktop entry and icon
// (io.github.billfold.Billfold.desktop), the macOS bundle and the Windows
// notifications. The project lives at github.com/billfold, hence
// io.github.billfold. Changing it orphans every user's settings.
const ID = "io.github.billfold.Billfold"

// version is stamped by make: -X billfold/internal/appinfo.version=… for
// make build, and in the source of the copy that make package builds from
// (scripts/package.sh rewrites this line).
var version string

// Version is the stamped `git describe` version (v1.2.0, v1.2.0-3-gabc1234,
// …-dirty); without a stamp, the version the go command recorded (a
// pseudo-version from the checkout's commit), else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// SettingsDir is the folder where the desktop app keeps its preferences
// and saved profiles (profiles.json): Fyne's storage root for ID, which is
// not os.UserConfigDir on macOS.
func SettingsDir() (string, error) {
	return settingsDir(runtime.GOOS, os.UserHomeDir, os.UserConfigDir)
}

// settingsDir follows fyne.io/fyne/v2/internal/app.rootConfigDir.
func settingsDir(goos string, home, config func() (string, error)) (string, error) {
	var root string
	switch goos {
	case "windows", "darwin":
		h, err := home()
		if err != nil {
			return "", err
		}
		root = filepath.Join(h, "AppData", "Roaming")
		if goos == "darwin" {
			root = filepath.Join(h, "Library", "Preferences")
		}
	default:
		c, err := config()
		if err != nil {
			return "", err
		}
		root = c
	}
	return filepath.Join(root, "fyne", ID), nil
}
