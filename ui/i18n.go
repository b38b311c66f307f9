package ui

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2/lang"

	"billfold/assets"
)

// LoadTranslations selects the UI language ("" follows the system, "en",
// "ja") and loads the bundled translations. fyne's lang package reads the
// language from the environment, so a chosen language is put there first.
func LoadTranslations(code string) error {
	if code != "" {
		if err := os.Setenv("LANGUAGE", code); err != nil {
			return fmt.Errorf("set language: %w", err)
		}
	}
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	return nil
}
