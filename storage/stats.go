package storage

import (
	"fmt"
	"os"
	"time"
)

// DBStats are figures about the database file for monitoring. Reading
// them touches no bucket, so a metrics scrape can ask on every request.
type DBStats struct {
	// FileBytes is the size of the file on disk.
	FileBytes int64
	// FreePages and PendingPages are pages the file holds but no data
	// uses: free now, or free once the read transactions that may still
	// see them end. Many free pages mean the file could be compacted.
	FreePages, PendingPages int
	// FreeBytes is the size of the free pages.
	FreeBytes int
	// ReadTx counts read transactions started since the file was opened;
	// OpenReadTx those open now.
	ReadTx, OpenReadTx int
	// PageWrites counts pages written to disk since opening, and
	// WriteTime the time spent writing them.
	PageWrites int64
	WriteTime  time.Duration
}

// Stats returns the current figures of the database.
func (db *DB) Stats() (DBStats, error) {
	fi, err := os.Stat(db.Path())
	if err != nil {
		return DBStats{}, fmt.Errorf("storage: %w", err)
	}
	s := db.bolt.Stats()
	return DBStats{
		FileBytes:    fi.Size(),
		FreePages:    s.FreePageN,
		PendingPages: s.PendingPageN,
		FreeBytes:    s.FreeAlloc,
		ReadTx:       s.TxN,
		OpenReadTx:   s.OpenTxN,
		PageWrites:   s.TxStats.GetWrite(),
		WriteTime:    s.TxStats.GetWriteTime(),
	}, nil
}
