package apiclient

import (
	"fmt"

	"github.com/go-resty/resty/v2"
	"golang.org/x/text/language"
)

// SetLanguage changes the language the server is asked to answer in: a
// BCP 47 tag ("ja", "en-US"), sent as Accept-Language on every request
// from now on, the event stream's next connect included; "" sends none.
// The app calls it when the user switches its language.
func (c *Client) SetLanguage(tag string) error {
	norm, err := normaliseLanguage(tag)
	if err != nil {
		return err
	}
	c.lang.Store(&norm)
	return nil
}

// Language is the tag sent as Accept-Language ("" when none is).
func (c *Client) Language() string {
	if l := c.lang.Load(); l != nil {
		return *l
	}
	return ""
}

// normaliseLanguage checks a tag and writes it the canonical way, so that
// nothing but a well-formed tag ever reaches a header.
func normaliseLanguage(tag string) (string, error) {
	if tag == "" {
		return "", nil
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", fmt.Errorf("apiclient: language %q: %w", tag, err)
	}
	return t.String(), nil
}

// sendLanguage puts the current language on a request just before it is
// sent: a switch applies to the next request, not to one under way.
func (c *Client) sendLanguage(_ *resty.Client, r *resty.Request) error {
	if l := c.Language(); l != "" {
		r.SetHeader("Accept-Language", l)
	}
	return nil
}
