package storage

import (
	"bytes"
	"encoding/binary"
	"slices"
	"time"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// The inbox indexes. Every key ends in a 17-byte position, be(t)\x00be(id),
// where t is the creation time (the due time in the due index), so a walk
// of one key prefix lists requests in time order and the walk of several
// prefixes merges by position. A compact row per request holds what the
// filters check, so a query never decodes a request it does not return.

// posLen is the length of a key's position suffix.
const posLen = 17

// indexEntry is one key of a request in one index bucket.
type indexEntry struct {
	bucket []byte
	key    []byte
}

// posKey returns prefix followed by the position (t, id).
func posKey(prefix []byte, t uint64, id uint64) []byte {
	k := make([]byte, 0, len(prefix)+posLen)
	k = append(k, prefix...)
	k = binary.BigEndian.AppendUint64(k, t)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, id)
}

// valuePrefix is the key prefix of one index value: value\x00.
func valuePrefix(parts ...string) []byte {
	var p []byte
	for _, s := range parts {
		p = append(append(p, s...), 0)
	}
	return p
}

// unixNano is t as an index time (0 for the zero time).
func unixNano(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixNano())
}

// submissionEntries lists the inbox index keys of sub: office+status,
// form, office, assignee, tags, creation time, due time (open requests
// with a deadline) and the words given (submissionWords of sub, or none).
func submissionEntries(sub *modulario.Submission, words []string) []indexEntry {
	created, id := unixNano(sub.CreatedAt), sub.ID
	at := func(prefix []byte) []byte { return posKey(prefix, created, id) }
	out := []indexEntry{
		{bucketSubmissionOffice, at(valuePrefix(sub.Office, string(sub.Status)))},
		{bucketSubmissionForm, at(valuePrefix(sub.FormSlug))},
		{bucketSubmissionOfficeAll, at(valuePrefix(sub.Office))},
		{bucketSubmissionAssignee, at(valuePrefix(sub.Assignee))},
		{bucketSubmissionCreated, at(nil)},
	}
	for _, tag := range sub.Tags {
		out = append(out, indexEntry{bucketSubmissionTags, at(valuePrefix(tag))})
	}
	if sub.DueAt != nil && sub.Open() {
		out = append(out, indexEntry{bucketSubmissionDue, posKey(valuePrefix(sub.Office), unixNano(*sub.DueAt), id)})
	}
	return append(out, wordEntries(sub, words)...)
}

// wordEntries lists sub's search index keys for the words given
// (submissionWords of sub).
func wordEntries(sub *modulario.Submission, words []string) []indexEntry {
	created, id := unixNano(sub.CreatedAt), sub.ID
	var out []indexEntry
	for _, w := range words {
		out = append(out, indexEntry{bucketSubmissionWords, posKey(valuePrefix(w), created, id)})
	}
	return out
}

// putInboxIndexes writes sub's row and every inbox index entry; words are
// submissionWords(sub), computed by the caller outside the transaction
// when it can, since every writer waits for it.
func putInboxIndexes(tx *bolt.Tx, sub *modulario.Submission, words []string) error {
	var eb entryBatch
	if err := eb.add(tx, sub, words); err != nil {
		return err
	}
	return eb.flush(tx)
}

// putRow writes sub's inbox row.
func putRow(tx *bolt.Tx, sub *modulario.Submission) error {
	return indexBucket(tx, bucketSubmissionRows).Put(u64(sub.ID), encodeRow(sub))
}

// entryBatch collects the index entries of many requests written in one
// transaction (an import, a rebuild) to put them in key order: bbolt only
// splits pages when the transaction commits, so thousands of entries put
// in random order into one page would each move all the others.
type entryBatch []indexEntry

// add collects sub's index entries (with words) and writes its row.
func (eb *entryBatch) add(tx *bolt.Tx, sub *modulario.Submission, words []string) error {
	*eb = append(*eb, submissionEntries(sub, words)...)
	return putRow(tx, sub)
}

// flush puts the collected entries in bucket and key order.
func (eb *entryBatch) flush(tx *bolt.Tx) error {
	slices.SortFunc(*eb, func(a, b indexEntry) int {
		if c := bytes.Compare(a.bucket, b.bucket); c != 0 {
			return c
		}
		return bytes.Compare(a.key, b.key)
	})
	for _, e := range *eb {
		if err := indexBucket(tx, e.bucket).Put(e.key, nil); err != nil {
			return err
		}
	}
	*eb = (*eb)[:0]
	return nil
}

// indexFill is the fill of index pages split by a write. Index keys
// mostly arrive in order at the end of their prefix (new requests), so
// the default half-full split would leave every page half empty forever.
const indexFill = 0.9

// indexBucket returns the named bucket of tx set to fill pages to
// indexFill (the setting lasts for the transaction's bucket handle).
func indexBucket(tx *bolt.Tx, name []byte) *bolt.Bucket {
	b := tx.Bucket(name)
	b.FillPercent = indexFill
	return b
}

// moveInboxIndexes replaces old's index entries with sub's (the same
// request after a change of status, office, assignee or tags) and rewrites
// its row. Words are left alone: answers and creation time never change.
func moveInboxIndexes(tx *bolt.Tx, old, sub *modulario.Submission) error {
	before, after := submissionEntries(old, nil), submissionEntries(sub, nil)
	has := func(list []indexEntry, e indexEntry) bool {
		for _, o := range list {
			if bytes.Equal(o.bucket, e.bucket) && bytes.Equal(o.key, e.key) {
				return true
			}
		}
		return false
	}
	for _, e := range before {
		if !has(after, e) {
			if err := tx.Bucket(e.bucket).Delete(e.key); err != nil {
				return err
			}
		}
	}
	for _, e := range after {
		if !has(before, e) {
			if err := tx.Bucket(e.bucket).Put(e.key, nil); err != nil {
				return err
			}
		}
	}
	return putRow(tx, sub)
}

// rowVersion starts every encoded row.
const rowVersion = 1

// encodeRow is the compact row of sub: version, created, due and closed
// times (8 bytes each, 0 when unset), then length-prefixed status,
// channel, office, form, assignee and the tags.
func encodeRow(sub *modulario.Submission) []byte {
	b := make([]byte, 0, 64)
	b = append(b, rowVersion)
	b = binary.BigEndian.AppendUint64(b, unixNano(sub.CreatedAt))
	var due, closed uint64
	if sub.DueAt != nil {
		due = unixNano(*sub.DueAt)
	}
	if sub.ClosedAt != nil {
		closed = unixNano(*sub.ClosedAt)
	}
	b = binary.BigEndian.AppendUint64(b, due)
	b = binary.BigEndian.AppendUint64(b, closed)
	for _, s := range []string{string(sub.Status), string(sub.Channel), sub.Office, sub.FormSlug, sub.Assignee} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(sub.Tags)))
	for _, t := range sub.Tags {
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
	}
	return b
}

// row is a decoded row; its byte slices point into the transaction's
// memory and are only valid inside it.
type row struct {
	created, due, closed                    uint64
	status, channel, office, form, assignee []byte
	tags                                    []byte // uvarint count, then length-prefixed tags
}

// decodeRow parses an encoded row; ok is false for a damaged one.
func decodeRow(b []byte) (r row, ok bool) {
	if len(b) < 25 || b[0] != rowVersion {
		return r, false
	}
	r.created = binary.BigEndian.Uint64(b[1:])
	r.due = binary.BigEndian.Uint64(b[9:])
	r.closed = binary.BigEndian.Uint64(b[17:])
	b = b[25:]
	for _, dst := range []*[]byte{&r.status, &r.channel, &r.office, &r.form, &r.assignee} {
		if *dst, b, ok = nextField(b); !ok {
			return r, false
		}
	}
	r.tags = b
	return r, true
}

// nextField splits one length-prefixed field off b.
func nextField(b []byte) (field, rest []byte, ok bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return nil, nil, false
	}
	return b[k : k+int(n)], b[k+int(n):], true
}

// hasTag reports whether the row carries tag.
func (r *row) hasTag(tag []byte) bool {
	n, k := binary.Uvarint(r.tags)
	if k <= 0 {
		return false
	}
	b := r.tags[k:]
	for range n {
		var t []byte
		var ok bool
		if t, b, ok = nextField(b); !ok {
			return false
		}
		if bytes.Equal(t, tag) {
			return true
		}
	}
	return false
}
