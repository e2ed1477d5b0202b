package storage

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// stream is the walk of one key prefix of an index bucket.
type stream struct {
	bucket []byte
	prefix []byte
	c      *bolt.Cursor
	pos    []byte // position of the current key; nil when done
}

// merger walks several streams as one, in position order (ascending, or
// descending with desc): a k-way merge by the 17-byte positions.
type merger struct {
	streams []stream
	desc    bool
}

func newMerger(tx *bolt.Tx, streams []stream, asc bool) *merger {
	for i := range streams {
		streams[i].c = tx.Bucket(streams[i].bucket).Cursor()
	}
	return &merger{streams: streams, desc: !asc}
}

// seek positions every stream after start (exclusive; nil: the beginning).
func (m *merger) seek(start []byte) {
	for i := range m.streams {
		m.streams[i].seek(start, m.desc)
	}
}

// next returns the next position of the merged walk. The slice is only
// valid until the following call.
func (m *merger) next() ([]byte, bool) {
	best := -1
	for i := range m.streams {
		p := m.streams[i].pos
		if p == nil {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		cmp := bytes.Compare(p, m.streams[best].pos)
		if (m.desc && cmp > 0) || (!m.desc && cmp < 0) {
			best = i
		}
	}
	if best < 0 {
		return nil, false
	}
	s := &m.streams[best]
	pos := s.pos
	if m.desc {
		s.accept(s.c.Prev())
	} else {
		s.accept(s.c.Next())
	}
	return pos, true
}

// seek moves the stream to the first key after start in walk order.
func (s *stream) seek(start []byte, desc bool) {
	var target []byte
	switch {
	case start != nil:
		target = append(bytes.Clone(s.prefix), start...)
	case desc && len(s.prefix) > 0:
		target = bytes.Clone(s.prefix)
		target[len(target)-1]++ // just past every key of the prefix
	case !desc:
		target = s.prefix
	}
	if desc {
		if target == nil {
			s.accept(s.c.Last())
			return
		}
		if k, _ := s.c.Seek(target); k == nil {
			s.accept(s.c.Last())
		} else {
			s.accept(s.c.Prev())
		}
		return
	}
	k, v := s.c.Seek(target)
	if start != nil && bytes.Equal(k, target) {
		k, v = s.c.Next()
	}
	s.accept(k, v)
}

// accept takes k as the current key if it belongs to the stream; a key of
// another prefix ends the stream.
func (s *stream) accept(k, _ []byte) {
	if k == nil || len(k) != len(s.prefix)+posLen || !bytes.HasPrefix(k, s.prefix) {
		s.pos = nil
		return
	}
	s.pos = k[len(s.prefix):]
}
