package builder

import (
	"sync"
	"time"
)

// The dashboard keeps its numbers for a minute, per scope and filters, so
// reloading the page is cheap; at most dashCacheMax sets are kept.
const (
	dashCacheTTL = time.Minute
	dashCacheMax = 128
)

// dashCache is a small bounded in-memory cache of dashboard numbers.
type dashCache struct {
	mu      sync.Mutex
	entries map[string]*dashStats
}

// dashCacheOf returns s's cache, creating it on first use.
func dashCacheOf(s *Server) *dashCache {
	s.dashOnce.Do(func() { s.dash = &dashCache{entries: map[string]*dashStats{}} })
	return s.dash
}

// get returns the numbers stored under key if computed less than
// dashCacheTTL before now.
func (c *dashCache) get(key string, now time.Time) *dashStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.entries[key]
	if st == nil || !dashFresh(st, now) {
		return nil
	}
	return st
}

// fresh reports whether st is still valid at now.
func dashFresh(st *dashStats, now time.Time) bool {
	age := now.Sub(st.ComputedAt)
	return age >= 0 && age < dashCacheTTL
}

// put stores st under key, first dropping stale entries and, if the cache
// is still full, the oldest one.
func (c *dashCache) put(key string, st *dashStats, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= dashCacheMax {
		oldest := ""
		for k, e := range c.entries {
			if !dashFresh(e, now) {
				delete(c.entries, k)
				continue
			}
			if oldest == "" || e.ComputedAt.Before(c.entries[oldest].ComputedAt) {
				oldest = k
			}
		}
		if len(c.entries) >= dashCacheMax && oldest != "" {
			delete(c.entries, oldest)
		}
	}
	c.entries[key] = st
}

// count returns the number of entries (for tests).
func (c *dashCache) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
