package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage/storagetest"
	bolt "go.etcd.io/bbolt"
)

// newIndexBuckets are the buckets the previous version did not have.
var newIndexBuckets = [][]byte{bucketSubmissionRows, bucketSubmissionOfficeAll, bucketSubmissionAssignee,
	bucketSubmissionTags, bucketSubmissionCreated, bucketSubmissionWords, bucketSubmissionDue}

// TestMigrateIndexes writes requests, turns the file into the previous
// version's layout (no inbox buckets, no version marker) and reopens it:
// the indexes are rebuilt, in more than one batch, and queries work.
func TestMigrateIndexes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "modulario.db")
	db, _ := openTestDB(t, path)
	subs := NewSubmissionService(db)
	n := migrateBatch + 7
	batch := make([]*modulario.Submission, n)
	for i := range batch {
		data, _ := json.Marshal(map[string]string{"descrizione": fmt.Sprintf("Lampione spento numero%d", i%3)})
		batch[i] = &modulario.Submission{FormSlug: "segnalazione", Office: []string{"urp", "tecnico"}[i%2],
			Assignee: []string{"", "u-1"}[i%2], Tags: []string{"urgente"}, Data: data,
			CreatedAt: storagetest.Start}
	}
	mustNil(t, subs.ImportSubmissions(ctx, batch))
	mustNil(t, db.Close())

	raw, err := bolt.Open(path, 0o600, nil)
	mustNil(t, err)
	mustNil(t, raw.Update(func(tx *bolt.Tx) error {
		for _, b := range newIndexBuckets {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Delete(metaIndexVersion)
	}))
	mustNil(t, raw.Close())

	db, _ = openTestDB(t, path)
	subs = NewSubmissionService(db)
	err = db.bolt.View(func(tx *bolt.Tx) error {
		if v := storedIndexVersion(tx); v != inboxIndexVersion {
			t.Errorf("index version after reopening = %d", v)
		}
		if k := tx.Bucket(bucketSubmissionRows).Stats().KeyN; k != n {
			t.Errorf("%d rows rebuilt, want %d", k, n)
		}
		return nil
	})
	mustNil(t, err)
	count := 0
	mustNil(t, subs.EachSubmission(ctx, modulario.InboxFilter{Offices: []string{"tecnico"}, Assignee: "u-1",
		Tag: "urgente", Text: "lampione numero1"}, func(s *modulario.Submission) error {
		if s.Office != "tecnico" {
			t.Errorf("request %d of office %q", s.ID, s.Office)
		}
		count++
		return nil
	}))
	// Odd positions are tecnico; among them every third says numero1.
	want := 0
	for i := 1; i < n; i += 2 {
		if i%3 == 1 {
			want++
		}
	}
	if count != want || want == 0 {
		t.Fatalf("%d requests found after the rebuild, want %d", count, want)
	}
}
