package rules

import (
	"strings"
	"sync"
	"time"
)

// authCache remembers recently verified access tokens (by hash) so a
// request does not need a database round trip to learn who is calling.
// Sign-out and refresh-token revocation evict at once, in every replica
// (they publish store.TopicSessions); entries also expire after
// authCacheTTL. Expiry of the token is still checked on every request.
//
// A token read as good just before its session ended must not be cached
// after the eviction went by: it would be answered as good until the entry
// expired (a sign-out whose event stream stayed open; with a clock that
// does not move, for ever). Every eviction moves gen on, and put keeps an
// entry only if no eviction happened since the read it comes from began.
type authCache struct {
	mu      sync.Mutex
	entries map[string]authEntry
	gen     uint64 // evictions so far
}

type authEntry struct {
	p        Principal
	family   string
	cachedAt time.Time
}

const (
	authCacheTTL = 10 * time.Second
	authCacheMax = 50_000
)

func newAuthCache() *authCache { return &authCache{entries: map[string]authEntry{}} }

func (c *authCache) get(hash string, now time.Time) (authEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || now.Sub(e.cachedAt) > authCacheTTL || now.Before(e.cachedAt) {
		return authEntry{}, false
	}
	return e, true
}

// generation is the number of evictions so far: take it before reading a
// session, and give it to put.
func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put caches e unless an eviction happened since generation gen, which
// the read of e began at.
func (c *authCache) put(hash string, e authEntry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) >= authCacheMax {
		clear(c.entries) // cheap and rare; entries refill on demand
	}
	c.entries[hash] = e
}

// ended evicts what a store.TopicSessions notification names: "session
// ID", "family ID", or everything (an empty payload: notifications may
// have been lost).
func (c *authCache) ended(payload string) {
	kind, id, _ := strings.Cut(payload, " ")
	switch {
	case payload == "":
		c.mu.Lock()
		clear(c.entries)
		c.gen++
		c.mu.Unlock()
	case kind == "session":
		c.evict(id, "")
	case kind == "family":
		c.evict("", id)
	}
}

// evict drops every cached token of a session or of a session family.
func (c *authCache) evict(sessionID, family string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.entries {
		if (sessionID != "" && e.p.SessionID == sessionID) || (family != "" && e.family == family) {
			delete(c.entries, k)
		}
	}
}
