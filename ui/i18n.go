package ui

import (
	"fmt"
	"os"
	"sync"

	"fyne.io/fyne/v2/lang"

	"billfold/assets"
)

// systemLanguage is LANGUAGE as the app found it, to go back to when the
// user chooses the system's language again.
var systemLanguage = sync.OnceValue(func() string { return os.Getenv("LANGUAGE") })

// LoadTranslations selects the UI language ("" follows the system, "en",
// "ja") and loads the bundled translations; called again, it switches.
// fyne's lang package reads the language from the environment, so the
// chosen language is put there first.
func LoadTranslations(code string) error {
	v := code
	if v == "" {
		v = systemLanguage()
	} else {
		systemLanguage() // remember the system's before it is replaced
	}
	if err := os.Setenv("LANGUAGE", v); err != nil {
		return fmt.Errorf("set language: %w", err)
	}
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	return nil
}

// Language is the BCP 47 tag of the language the UI shows ("en", "ja"):
// the one the server is asked to answer in.
func Language() string { return lang.X("language-tag", "en") }
