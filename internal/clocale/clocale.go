// Package clocale makes the C locale with a codeset (LANG=C.UTF-8, the
// default of Debian and Ubuntu containers, SSH sessions and cron jobs)
// read as what it is, untranslated English, before Fyne reads it.
//
// Fyne's lang package asks github.com/jeandeaual/go-locale for the user's
// languages while it initialises, before main runs. go-locale recognises
// only the exact values "C" and "POSIX"; from "C.UTF-8" it strips the
// codeset and hands "C" on as a language tag, which Fyne cannot parse: every
// start, and every `billfold archive` run from cron, printed
// "Fyne error: Error parsing user locale C" on standard error.
//
// The variable go-locale consults after LC_ALL, LC_MESSAGES and LANG is
// LANGUAGE (the app's language setting uses it too), so this package sets
// LANGUAGE=en for such a locale. Programs the app starts (the browser, the
// PDF viewer) see no difference: they either ignore LANGUAGE in the C
// locale, as gettext does, or have no English catalogue to switch to.
//
// It must be imported by main (blank import). It imports nothing but the
// standard library, so Go initialises it before Fyne's packages: packages
// are initialised in import-path order among those whose imports are done,
// and "billfold/…" sorts before "fyne.io/…".
package clocale

import (
	"os"
	"strings"
)

func init() {
	if isCodesetC(messagesLocale(os.Getenv)) && os.Getenv("LANGUAGE") == "" {
		_ = os.Setenv("LANGUAGE", "en") // cannot fail for this name and value
	}
}

// messagesLocale is the locale that decides the language of messages: the
// first of LC_ALL, LC_MESSAGES and LANG that is set (POSIX precedence).
func messagesLocale(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// isCodesetC reports whether loc is the C or POSIX locale with a codeset or
// modifier (C.UTF-8, C.utf8, POSIX@euro); the bare names need no help.
func isCodesetC(loc string) bool {
	name, _, _ := strings.Cut(loc, "@")
	name, _, _ = strings.Cut(name, ".")
	return (name == "C" || name == "POSIX") && loc != name
}
