// Package words is the server's catalogue of human texts: what it tells
// people in problem details, field errors, gateway descriptions, the credit
// policy and the sandbox checkout page, in English and Japanese.
//
// A text is written in English where it is used, as a Text, the way
// gettext and golang.org/x/text/message key their catalogues: the English
// is the key, and ja holds its Japanese. A text with %-verbs is a format;
// its arguments are filled in after translation, and arguments that are
// themselves a Text or a Msg are translated too. TestCatalogueIsComplete
// finds every Text constant in the server and fails for one without
// Japanese, or for Japanese that nothing uses.
//
// The language is negotiated per request from Accept-Language (Negotiate);
// layers below HTTP never pick one: they return Msgs, rendered at the edge.
package words

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Text is a text for people, in English: the key of its translations.
type Text string

// Lang is a language the server answers in.
type Lang string

// The languages the server speaks; English is the fallback.
const (
	English  Lang = "en"
	Japanese Lang = "ja"
)

// Langs are the languages the server speaks, the fallback first.
var Langs = []Lang{English, Japanese}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Japanese})

// maxHeader bounds the Accept-Language the server reads: a real browser's
// is well under 200 bytes, and a longer one is answered in English.
const maxHeader = 1024

// Negotiate is the language to answer an Accept-Language header in:
// quality values and regional tags (ja-JP, en-GB) count, anything the
// server does not speak, an empty or malformed header falls back to
// English. It never fails: a bad header is not worth refusing a request.
func Negotiate(acceptLanguage string) Lang {
	if acceptLanguage == "" || len(acceptLanguage) > maxHeader {
		return English
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return Langs[i]
}

// ForLocale is the language of an account's locale (its invoices',
// "ja" or "en"): what its documents are written in, whoever reads them.
func ForLocale(locale string) Lang {
	if strings.HasPrefix(locale, "ja") {
		return Japanese
	}
	return English
}

// T is text in l.
func (l Lang) T(t Text) string {
	if l == Japanese {
		if s, ok := ja[t]; ok {
			return s
		}
	}
	return string(t)
}

// Msg is a text with the arguments of its verbs, rendered once the
// language is known.
type Msg struct {
	Text Text
	Args []any
}

// M is text with args.
func M(text Text, args ...any) Msg { return Msg{Text: text, Args: args} }

// In renders m in l.
func (m Msg) In(l Lang) string {
	if len(m.Args) == 0 {
		return l.T(m.Text)
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch a := a.(type) {
		case Text:
			args[i] = l.T(a)
		case Msg:
			args[i] = a.In(l)
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(l.T(m.Text), args...)
}

// String is m in English, for logs.
func (m Msg) String() string { return m.In(English) }
