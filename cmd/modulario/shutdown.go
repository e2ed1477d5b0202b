package main

import (
	"log/slog"
	"sync"
	"time"
)

// waitBackground waits for the background loops to return, at most
// timeout. The outbox dispatcher finishes the sends it has started before
// returning, and a send may hang up to the dispatcher's send timeout; past
// the shutdown budget the process stops anyway: a message sent but not yet
// recorded keeps its lease and is sent again after the restart (its stable
// Message-ID / webhook id lets the receiver drop the duplicate).
func waitBackground(wg *sync.WaitGroup, timeout time.Duration, logger *slog.Logger) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		logger.Info("background work stopped")
	case <-t.C:
		logger.Warn("background work did not stop in time; closing the database anyway", "timeout", timeout)
	}
}
