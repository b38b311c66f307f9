//go:build linux || freebsd || openbsd || netbsd

package opener

import "os"

// useCommand reports whether addresses are opened by running xdg-open
// here: not inside a Flatpak, whose sandbox opens them through the portal.
func useCommand() bool {
	if os.Getenv("FLATPAK_ID") != "" {
		return false
	}
	_, err := os.Stat("/.flatpak-info")
	return err != nil
}
