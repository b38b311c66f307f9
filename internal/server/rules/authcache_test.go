package rules

import (
	"testing"
	"time"
)

// A session that ends while its token is being read must not be cached as
// good afterwards: the read began before the eviction went by.
func TestAuthCacheKeepsNoReadOlderThanAnEviction(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, payload := range []string{"session ses_1", "family fam_1", ""} {
		c := newAuthCache()
		gen := c.generation()                                                                           // the read begins…
		c.ended(payload)                                                                                // …the session ends meanwhile…
		c.put("hash", authEntry{p: Principal{SessionID: "ses_1"}, family: "fam_1", cachedAt: now}, gen) // …and the read ends
		if _, ok := c.get("hash", now); ok {
			t.Errorf("after %q: a token read before the eviction is cached as good", payload)
		}
	}
	c := newAuthCache()
	c.ended("session ses_other")
	c.put("hash", authEntry{p: Principal{SessionID: "ses_1"}, cachedAt: now}, c.generation())
	if _, ok := c.get("hash", now); !ok {
		t.Error("a token read after an eviction is not cached")
	}
}
