package storage

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"regexp"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// Page sizes of ListSubmissions and the batch of EachSubmission.
const (
	defaultInboxLimit = 25
	maxInboxLimit     = 200
	eachBatch         = 500
)

// numberPattern is a request number typed in the search box.
var numberPattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{7}$`)

// inboxQuery is an InboxFilter compiled for the indexes.
type inboxQuery struct {
	offices     map[string]bool // nil: every office
	officeList  []string
	statuses    map[string]bool
	statusList  []string
	form, tag   []byte
	channel     []byte
	assignee    []byte
	hasAssignee bool
	words       [][]byte
	number      string
	sort        byte   // 'n' newest, 'o' oldest, 'd' due
	from, to    uint64 // created bounds, 0 when open
	overdue     bool
	now         uint64
	none        bool // matches nothing (empty office list)
}

// compileQuery checks f and prepares it; start is the position the
// cursor points after (nil for the first page).
func compileQuery(f modulario.InboxFilter, now uint64) (q *inboxQuery, start []byte, err error) {
	q = &inboxQuery{now: now, overdue: f.Overdue, from: unixNano(f.From), to: unixNano(f.To)}
	switch f.Sort {
	case "", modulario.SortNewest:
		q.sort = 'n'
	case modulario.SortOldest:
		q.sort = 'o'
	case modulario.SortDue:
		q.sort = 'd'
	default:
		return nil, nil, invalidf("Unknown sort %q.", f.Sort)
	}
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err != nil || len(b) != 2+posLen || b[0] != 1 || b[1] != q.sort || b[2+8] != 0 {
			return nil, nil, invalidf("The page cursor is not valid.")
		}
		start = b[2:]
	}
	if f.Offices != nil {
		q.none = len(f.Offices) == 0
		q.offices = map[string]bool{}
		for _, o := range f.Offices {
			if !q.offices[o] {
				q.offices[o] = true
				q.officeList = append(q.officeList, o)
			}
		}
	}
	if len(f.Statuses) > 0 {
		q.statuses = map[string]bool{}
		for _, st := range f.Statuses {
			if !q.statuses[string(st)] {
				q.statuses[string(st)] = true
				q.statusList = append(q.statusList, string(st))
			}
		}
	}
	if f.Form != "" {
		q.form = []byte(f.Form)
	}
	if f.Tag != "" {
		q.tag = []byte(f.Tag)
	}
	if f.Channel != "" {
		q.channel = []byte(f.Channel)
	}
	if f.Assignee != "" {
		q.hasAssignee = true
		if f.Assignee != modulario.AssigneeNone {
			q.assignee = []byte(f.Assignee)
		}
	}
	if text := strings.TrimSpace(f.Text); numberPattern.MatchString(text) {
		q.number = text
	} else {
		q.words = queryWords(text)
	}
	return q, start, nil
}

// encodeCursor is the opaque cursor of the page ending at pos.
func encodeCursor(sort byte, pos []byte) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{1, sort}, pos...))
}

// hit is one matching request: its position in the walk and its ID.
type hit struct {
	pos []byte
	id  uint64
}

// run returns up to limit matches after start, in the query's order.
func (q *inboxQuery) run(tx *bolt.Tx, start []byte, limit int) []hit {
	if q.none {
		return nil
	}
	if q.number != "" {
		return q.runNumber(tx, start)
	}
	streams, driver := q.plan(tx)
	m := newMerger(tx, streams, q.sort != 'n')
	m.seek(q.startPos(start))
	rows := tx.Bucket(bucketSubmissionRows)
	words := tx.Bucket(bucketSubmissionWords)
	var out []hit
	var buf []byte
	for len(out) < limit {
		pos, ok := m.next()
		if !ok || q.beyond(pos) {
			break
		}
		id := pos[9:]
		var match bool
		if match, buf = q.match(rows, words, id, driver, buf); match {
			out = append(out, hit{pos: bytes.Clone(pos), id: binary.BigEndian.Uint64(id)})
		}
	}
	return out
}

// runNumber finds the request with the number searched for.
func (q *inboxQuery) runNumber(tx *bolt.Tx, start []byte) []hit {
	id := tx.Bucket(bucketSubmissionNumbers).Get([]byte(q.number))
	if id == nil || start != nil {
		return nil
	}
	match, _ := q.match(tx.Bucket(bucketSubmissionRows), tx.Bucket(bucketSubmissionWords), id, -1, nil)
	if !match {
		return nil
	}
	r, _ := decodeRow(tx.Bucket(bucketSubmissionRows).Get(id))
	return []hit{{pos: posKey(nil, r.created, binary.BigEndian.Uint64(id)), id: binary.BigEndian.Uint64(id)}}
}

// startPos is where the walk starts (exclusive): the cursor, moved to the
// creation-time bound when that comes first.
func (q *inboxQuery) startPos(cursor []byte) []byte {
	switch {
	case q.sort == 'o' && q.from > 0:
		bound := posKey(nil, q.from, 0)
		if cursor == nil || bytes.Compare(bound, cursor) > 0 {
			return bound
		}
	case q.sort == 'n' && q.to > 0:
		bound := posKey(nil, q.to, 0)
		if cursor == nil || bytes.Compare(bound, cursor) < 0 {
			return bound
		}
	}
	return cursor
}

// beyond reports whether the walk passed the last position that can match.
func (q *inboxQuery) beyond(pos []byte) bool {
	t := binary.BigEndian.Uint64(pos)
	switch q.sort {
	case 'o':
		return q.to > 0 && t >= q.to
	case 'n':
		return q.from > 0 && t < q.from
	}
	return q.overdue && t >= q.now
}

// plan chooses the index walked: the due index for SortDue; otherwise the
// most selective one the filter names (a word, the assignee, a tag, the
// form, offices with statuses, offices) or the creation-time index. It
// returns the key prefixes walked and the index of the driving word in
// q.words (-1 when none), which needs no check.
func (q *inboxQuery) plan(tx *bolt.Tx) (streams []stream, driver int) {
	one := func(bucket []byte, prefix []byte) []stream {
		return []stream{{bucket: bucket, prefix: prefix}}
	}
	if q.sort == 'd' {
		return q.perOffice(tx, bucketSubmissionDue, nil), -1
	}
	switch {
	case len(q.words) > 0:
		driver = 0
		for i, w := range q.words {
			if len(w) > len(q.words[driver]) {
				driver = i
			}
		}
		return one(bucketSubmissionWords, append(bytes.Clone(q.words[driver]), 0)), driver
	case q.hasAssignee:
		return one(bucketSubmissionAssignee, append(bytes.Clone(q.assignee), 0)), -1
	case q.tag != nil:
		return one(bucketSubmissionTags, append(bytes.Clone(q.tag), 0)), -1
	case q.form != nil:
		return one(bucketSubmissionForm, append(bytes.Clone(q.form), 0)), -1
	case q.statuses != nil:
		return q.perOffice(tx, bucketSubmissionOffice, q.statusList), -1
	case q.offices != nil:
		return q.perOffice(tx, bucketSubmissionOfficeAll, nil), -1
	}
	return one(bucketSubmissionCreated, nil), -1
}

// perOffice lists the prefixes office\x00 (or office\x00status\x00 for
// each status) of the filter's offices, or of every office in the index.
func (q *inboxQuery) perOffice(tx *bolt.Tx, bucket []byte, statuses []string) []stream {
	offices := q.officeList
	if q.offices == nil {
		offices = distinctValues(tx.Bucket(bucketSubmissionOfficeAll))
	}
	var out []stream
	for _, o := range offices {
		if statuses == nil {
			out = append(out, stream{bucket: bucket, prefix: valuePrefix(o)})
			continue
		}
		for _, st := range statuses {
			out = append(out, stream{bucket: bucket, prefix: valuePrefix(o, st)})
		}
	}
	return out
}

// distinctValues returns the distinct first key parts of an index,
// jumping from one value to the next instead of walking its entries.
func distinctValues(b *bolt.Bucket) []string {
	var out []string
	c := b.Cursor()
	for k, _ := c.First(); k != nil; {
		i := bytes.IndexByte(k, 0)
		if i < 0 {
			k, _ = c.Next()
			continue
		}
		out = append(out, string(k[:i]))
		k, _ = c.Seek(append(bytes.Clone(k[:i]), 1))
	}
	return out
}

// match checks request id's row against every filter but the driving
// word; other words are point lookups in the word index. buf is scratch
// space, returned for reuse.
func (q *inboxQuery) match(rows, words *bolt.Bucket, id []byte, driver int, buf []byte) (bool, []byte) {
	r, ok := decodeRow(rows.Get(id))
	switch {
	case !ok,
		q.offices != nil && !q.offices[string(r.office)],
		q.statuses != nil && !q.statuses[string(r.status)],
		q.form != nil && !bytes.Equal(r.form, q.form),
		q.hasAssignee && !bytes.Equal(r.assignee, q.assignee),
		q.channel != nil && !bytes.Equal(r.channel, q.channel),
		q.tag != nil && !r.hasTag(q.tag),
		q.from > 0 && r.created < q.from,
		q.to > 0 && r.created >= q.to,
		q.overdue && (modulario.SubmissionStatus(r.status).Closed() || r.due == 0 || q.now <= r.due):
		return false, buf
	}
	for i, w := range q.words {
		if i == driver {
			continue
		}
		buf = append(append(buf[:0], w...), 0)
		buf = binary.BigEndian.AppendUint64(buf, r.created)
		buf = append(append(buf, 0), id...)
		if words.Get(buf) == nil {
			return false, buf
		}
	}
	return true, buf
}

// pageLimit is f.Limit within its bounds.
func pageLimit(n int) int {
	if n <= 0 {
		return defaultInboxLimit
	}
	return min(n, maxInboxLimit)
}

// ListSubmissions returns one page of the requests matching f, walking the
// most selective index in the page's order and checking the other filters
// on each request's compact row; it stops as soon as the page is full (one
// more match tells whether a next page exists). Returns EINVALID for an
// unknown sort or a malformed cursor.
func (s *SubmissionService) ListSubmissions(ctx context.Context, f modulario.InboxFilter) (*modulario.InboxPage, error) {
	q, start, err := compileQuery(f, unixNano(s.db.now()))
	if err != nil {
		return nil, err
	}
	limit := pageLimit(f.Limit)
	page := &modulario.InboxPage{}
	err = s.db.view(ctx, func(tx *bolt.Tx) error {
		page.Items, page.Next = nil, ""
		hits := q.run(tx, start, limit+1)
		if len(hits) > limit {
			hits = hits[:limit]
			page.Next = encodeCursor(q.sort, hits[limit-1].pos)
		}
		for _, h := range hits {
			sub, err := findSubmission(tx, u64(h.id))
			if err != nil {
				return err
			}
			page.Items = append(page.Items, sub)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// EachSubmission calls fn for every request matching f in f.Sort order
// (f.Limit and f.Cursor ignored), reading eachBatch requests per read
// transaction and calling fn outside it, so a long export neither holds a
// transaction open nor sees a half-applied change. A request changed
// between two batches may be seen twice or missed, like in any paged
// list. fn's error stops the walk and is returned.
func (s *SubmissionService) EachSubmission(ctx context.Context, f modulario.InboxFilter, fn func(*modulario.Submission) error) error {
	f.Cursor = ""
	q, _, err := compileQuery(f, unixNano(s.db.now()))
	if err != nil {
		return err
	}
	var start []byte
	for {
		var batch []*modulario.Submission
		err := s.db.view(ctx, func(tx *bolt.Tx) error {
			batch = nil
			hits := q.run(tx, start, eachBatch)
			for _, h := range hits {
				sub, err := findSubmission(tx, u64(h.id))
				if err != nil {
					return err
				}
				batch = append(batch, sub)
			}
			if len(hits) > 0 {
				start = hits[len(hits)-1].pos
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, sub := range batch {
			if err := fn(sub); err != nil {
				return err
			}
		}
		if len(batch) < eachBatch {
			return nil
		}
	}
}
