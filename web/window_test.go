package web

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	w := NewWindow(time.Minute, 2)
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	if got := w.Add(t0, "a", "b"); got[0] != 0 || got[1] != 0 {
		t.Fatalf("first Add = %v", got)
	}
	if got := w.Add(t0.Add(10*time.Second), "a"); got[0] != 1 {
		t.Fatalf("second Add = %v", got)
	}
	if n := w.Count("a", t0.Add(30*time.Second)); n != 2 {
		t.Fatalf("Count = %d, want 2", n)
	}
	// The first event leaves the window after a minute.
	if n := w.Count("a", t0.Add(65*time.Second)); n != 1 {
		t.Fatalf("Count after the window = %d, want 1", n)
	}
	w.Reset("a")
	if n := w.Count("a", t0.Add(65*time.Second)); n != 0 {
		t.Fatalf("Count after Reset = %d", n)
	}
	// Past maxKeys, keys without recent events are dropped.
	w.Add(t0.Add(2*time.Minute), "c", "d", "e")
	w.Add(t0.Add(4*time.Minute), "f")
	if len(w.events) != 1 {
		t.Fatalf("keys after pruning = %d, want 1", len(w.events))
	}
}
