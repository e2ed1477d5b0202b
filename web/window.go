package web

import (
	"sync"
	"time"
)

// Window counts events per key over a sliding window, in memory, for rate
// limits (staff logins, citizens' lookups). It is per process: enough for
// the one-binary deployment; a restart forgets the counts.
type Window struct {
	mu   sync.Mutex
	span time.Duration
	// maxKeys bounds memory under a flood of distinct keys: past it, keys
	// without recent events are dropped.
	maxKeys int
	events  map[string][]time.Time
}

// NewWindow returns a window of span that keeps about maxKeys keys.
func NewWindow(span time.Duration, maxKeys int) *Window {
	return &Window{span: span, maxKeys: maxKeys, events: map[string][]time.Time{}}
}

// Count returns the events of key in the window ending at now.
func (w *Window) Count(key string, now time.Time) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.recent(key, now)
}

// Add records one event at now for each key and returns, in the same
// order and atomically, how many each had in the window before it.
func (w *Window) Add(now time.Time, keys ...string) []int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.events) > w.maxKeys {
		for k := range w.events {
			w.recent(k, now)
		}
	}
	counts := make([]int, len(keys))
	for i, k := range keys {
		counts[i] = w.recent(k, now)
	}
	for _, k := range keys {
		w.events[k] = append(w.events[k], now)
	}
	return counts
}

// Reset forgets the events of key.
func (w *Window) Reset(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.events, key)
}

// recent drops the events of key older than the window and counts the
// rest; w.mu is held.
func (w *Window) recent(key string, now time.Time) int {
	cutoff := now.Add(-w.span)
	ts := w.events[key]
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	if i == len(ts) {
		delete(w.events, key)
		return 0
	}
	w.events[key] = ts[i:]
	return len(ts) - i
}
