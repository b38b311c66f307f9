package apiclient_test

import (
	"context"
	"testing"

	"billfold/apiclient"
	"billfold/internal/server/servertest"
)

// Every request asks for the UI's language, the sign-in, a retried call
// and the event stream included, and SetLanguage switches it for the
// requests that follow, the stream's next connect too.
func TestAcceptLanguageFollowsTheUILanguage(t *testing.T) {
	each(t, func(t *testing.T, b servertest.Backend) {
		f := newFaultEnv(t, b, func(o *apiclient.Options) { o.Language = "ja-jp" })
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		lastSent := func(method, path string) string {
			t.Helper()
			reqs := f.proxy.requests(method, path)
			if len(reqs) == 0 {
				t.Fatalf("no %s %s", method, path)
			}
			return reqs[len(reqs)-1].header.Get("Accept-Language")
		}
		if got := lastSent("POST", "/v1/sessions"); got != "ja-JP" {
			t.Fatalf("sign-in sent Accept-Language %q, want ja-JP", got)
		}
		if f.c.Language() != "ja-JP" {
			t.Fatalf("Language() = %q", f.c.Language())
		}
		got(f.c.Summary(ctx)).ok(t)
		if got := lastSent("GET", "/v1/billing/summary"); got != "ja-JP" {
			t.Fatalf("summary sent %q", got)
		}
		f.proxy.inject(fault{kind: cutStream, path: "/v1/events", times: 1, after: 0})
		updates := f.c.Events(ctx)
		waitFor(t, updates, "the stream", isState(apiclient.StreamLive))
		if got := lastSent("GET", "/v1/events"); got != "ja-JP" {
			t.Fatalf("event stream sent %q", got)
		}

		if err := f.c.SetLanguage("en"); err != nil {
			t.Fatal(err)
		}
		f.proxy.inject(fault{kind: unavailable, method: "GET", path: "/v1/billing/summary", times: 1})
		got(f.c.Summary(ctx)).ok(t)
		tries := f.proxy.requests("GET", "/v1/billing/summary")[1:]
		if len(tries) != 2 || tries[0].header.Get("Accept-Language") != "en" || tries[1].header.Get("Accept-Language") != "en" {
			t.Fatalf("after the switch: %d attempts; %v", len(tries), tries)
		}
		// The stream dropped after its first connect; it reconnects in English.
		waitFor(t, updates, "the stream again", isState(apiclient.StreamLive))
		if got := lastSent("GET", "/v1/events"); got != "en" {
			t.Fatalf("reconnected stream sent %q", got)
		}

		if err := f.c.SetLanguage(""); err != nil {
			t.Fatal(err)
		}
		got(f.c.Me(ctx)).ok(t)
		if h := f.proxy.requests("GET", "/v1/me"); h[len(h)-1].header.Values("Accept-Language") != nil {
			t.Fatalf("no language chosen, yet sent %q", h[len(h)-1].header.Values("Accept-Language"))
		}
	})
}

// A tag that is not BCP 47 (one that would smuggle a header, say) is
// refused, and the language stays as it was.
func TestSetLanguageRefusesMalformedTags(t *testing.T) {
	c, err := apiclient.New("http://127.0.0.1:1", apiclient.Options{Language: "ja"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"ja\r\nX-Evil: 1", "日本語", "en_US_", "x", "--"} {
		if err := c.SetLanguage(tag); err == nil {
			t.Errorf("%q accepted", tag)
		}
	}
	if c.Language() != "ja" {
		t.Fatalf("language now %q", c.Language())
	}
	if _, err := apiclient.New("http://127.0.0.1:1", apiclient.Options{Language: "ja\nX: 1"}); err == nil {
		t.Fatal("New accepted a malformed language")
	}
}
