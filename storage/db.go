// Package storage implements Modulario's domain services on bbolt, an
// embedded key/value store: one file, one writer, many readers. Values are
// JSON; keys are big-endian sequences where order matters; secondary indexes
// are buckets of their own so queries never scan everything.
package storage

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	// The request-number year follows the comune's clock (Europe/Rome) even
	// on hosts without a zoneinfo database.
	_ "time/tzdata"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Bucket names. Index buckets map a composite key to an ID (or hold empty
// values when the key itself carries the ID).
var (
	bucketForms               = []byte("forms")                 // slug → Form
	bucketVersions            = []byte("versions")              // slug\x00be(number) → Version
	bucketDrafts              = []byte("drafts")                // token → Draft
	bucketDraftExpiry         = []byte("draft_expiry")          // be(unixnano)\x00token → ""
	bucketSubmissions         = []byte("submissions")           // be(id) → Submission
	bucketSubmissionTokens    = []byte("submission_tokens")     // token → be(id)
	bucketSubmissionNumbers   = []byte("submission_numbers")    // number → be(id)
	bucketSubmissionOffice    = []byte("submission_office")     // office\x00status\x00be(unixnano)\x00be(id) → ""
	bucketSubmissionForm      = []byte("submission_form")       // slug\x00be(unixnano)\x00be(id) → ""
	bucketAttachments         = []byte("attachments")           // id → attachmentRecord
	bucketAttachmentData      = []byte("attachment_contents")   // id → bytes
	bucketAttachmentOwners    = []byte("attachment_owners")     // owner\x00id → ""
	bucketCounters            = []byte("counters")              // year → be(last number)
	bucketRatings             = []byte("ratings")               // be(id) → Rating
	bucketRatingsByForm       = []byte("ratings_by_form")       // slug\x00be(id) → ""
	bucketRatingsBySubmission = []byte("ratings_by_submission") // be(submission id) → be(id)
	bucketDraftSubmissions    = []byte("draft_submissions")     // draft token → be(id)be(expiry unixnano)
	bucketOffices             = []byte("offices")               // slug → Office
	bucketWebhooks            = []byte("webhooks")              // name → WebhookEndpoint
	bucketOutbox              = []byte("outbox")                // id → OutboxMessage
	bucketOutboxDue           = []byte("outbox_due")            // be(next attempt unixnano)\x00id → "" (pending only)
	bucketOutboxBySubmission  = []byte("outbox_by_submission")  // be(submission id)\x00id → ""
	bucketOutboxCreated       = []byte("outbox_created")        // be(created unixnano)\x00id → ""
	bucketUsers               = []byte("users")                 // id → User
	bucketUserEmails          = []byte("user_emails")           // lower-case e-mail → id
	bucketSessions            = []byte("sessions")              // id → Session
	bucketSessionsByUser      = []byte("sessions_by_user")      // user id\x00session id → ""
	bucketAudit               = []byte("audit")                 // be(seq) → AuditEntry
	bucketAuditByActor        = []byte("audit_by_actor")        // actor\x00be(seq) → ""
	bucketAuditByTarget       = []byte("audit_by_target")       // target\x00be(seq) → ""
	bucketAuditByKind         = []byte("audit_by_kind")         // target kind ("form")\x00be(seq) → ""
	bucketPages               = []byte("pages")                 // slug → Page
	bucketMedia               = []byte("media")                 // id → Media (without Data)
	bucketMediaData           = []byte("media_data")            // id → bytes
	bucketSettings            = []byte("settings")              // "site" → Settings
	bucketTokens              = []byte("api_tokens")            // id → APIToken
	bucketTokenHashes         = []byte("api_token_hashes")      // hex sha256 of secret → id
	bucketMeta                = []byte("meta")                  // name → value (index version)

	// Inbox indexes (see inbox_index.go); keys end in be(time)\x00be(id).
	bucketSubmissionRows      = []byte("submission_rows")       // be(id) → compact row
	bucketSubmissionOfficeAll = []byte("submission_office_all") // office\x00be(created)\x00be(id) → ""
	bucketSubmissionAssignee  = []byte("submission_assignee")   // assignee ("" none)\x00be(created)\x00be(id) → ""
	bucketSubmissionTags      = []byte("submission_tags")       // tag\x00be(created)\x00be(id) → ""
	bucketSubmissionCreated   = []byte("submission_created")    // be(created)\x00be(id) → ""
	bucketSubmissionWords     = []byte("submission_words")      // word\x00be(created)\x00be(id) → ""
	bucketSubmissionDue       = []byte("submission_due")        // office\x00be(due)\x00be(id) → "" (open only)

	// Calendars and bookings (see booking.go).
	bucketCalendars      = []byte("calendars")           // slug → Calendar
	bucketBookings       = []byte("bookings")            // id → Booking
	bucketBookingSlots   = []byte("booking_slots")       // calendar\x00be(start unix)\x00id → be(hold expiry unixnano) status
	bucketBookingHolders = []byte("booking_holders")     // holder\x00field → id (holds only)
	bucketHoldExpiry     = []byte("booking_hold_expiry") // be(expiry unixnano)\x00id → "" (holds only)
)

var allBuckets = [][]byte{
	bucketForms, bucketVersions, bucketDrafts, bucketDraftExpiry,
	bucketSubmissions, bucketSubmissionTokens, bucketSubmissionNumbers,
	bucketSubmissionOffice, bucketSubmissionForm,
	bucketAttachments, bucketAttachmentData, bucketAttachmentOwners, bucketCounters,
	bucketRatings, bucketRatingsByForm, bucketRatingsBySubmission,
	bucketDraftSubmissions,
	bucketOffices, bucketWebhooks,
	bucketOutbox, bucketOutboxDue, bucketOutboxBySubmission, bucketOutboxCreated,
	bucketUsers, bucketUserEmails, bucketSessions, bucketSessionsByUser,
	bucketAudit, bucketAuditByActor, bucketAuditByTarget, bucketAuditByKind,
	bucketPages, bucketMedia, bucketMediaData, bucketSettings,
	bucketTokens, bucketTokenHashes, bucketMeta,
	bucketSubmissionRows, bucketSubmissionOfficeAll, bucketSubmissionAssignee,
	bucketSubmissionTags, bucketSubmissionCreated, bucketSubmissionWords, bucketSubmissionDue,
	bucketCalendars, bucketBookings, bucketBookingSlots, bucketBookingHolders, bucketHoldExpiry,
}

// ErrLocked is returned (wrapped) by Open when another process holds the
// database file beyond Options.Timeout.
var ErrLocked = errors.New("database is locked by another process")

// Defaults for Options.
const (
	DefaultTimeout           = 2 * time.Second
	DefaultMaxBatchSize      = 64
	DefaultMaxBatchDelay     = 2 * time.Millisecond
	DefaultMaxAttachmentSize = 25 << 20
)

// Options tune Open. The zero value gives sensible defaults.
type Options struct {
	// Timeout is how long Open waits for the file lock held by another
	// process before failing. Default DefaultTimeout.
	Timeout time.Duration
	// MaxBatchSize is how many concurrent writers share one commit (group
	// commit). Match it to the expected concurrency. Default 64.
	MaxBatchSize int
	// MaxBatchDelay is the longest a writer waits for others to join its
	// commit. Default 2 ms.
	MaxBatchDelay time.Duration
	// Location decides the calendar year of request numbers. Default Europe/Rome.
	Location *time.Location
	// MaxAttachmentSize caps one attachment's content in bytes. Default 25 MB.
	MaxAttachmentSize int64
	// Logger receives the progress of index rebuilds on Open (counts
	// only, nothing personal). Default slog.Default().
	Logger *slog.Logger
}

// DB is a Modulario store in one bbolt file.
type DB struct {
	bolt *bolt.DB
	loc  *time.Location

	maxAttachmentSize int64
	writers           atomic.Int32 // callers inside batch
	// wake is signalled after a commit that made outbox messages due.
	wake chan struct{}

	// Now returns the current time; tests replace it to control expiry
	// and request-number years.
	Now func() time.Time
}

// openBolt opens the bbolt file at path, waiting up to timeout for the
// lock another process holds; it returns ErrLocked (bare: callers wrap it
// with their own message) when the wait runs out.
func openBolt(path string, readOnly bool, timeout time.Duration) (*bolt.DB, error) {
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: readOnly, Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, ErrLocked
	}
	return bdb, err
}

// Open opens (creating if needed) the database file at path and its parent
// directory. It fails with a clear error if another process holds the file.
func Open(path string, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("storage: create data directory: %w", err)
	}
	bdb, err := openBolt(path, false, opts.Timeout)
	if errors.Is(err, ErrLocked) {
		return nil, fmt.Errorf("storage: %s: %w (is another modulario running?)", path, ErrLocked)
	} else if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	bdb.MaxBatchSize = opts.MaxBatchSize
	bdb.MaxBatchDelay = opts.MaxBatchDelay
	bdb.NoSync = false // acknowledged writes must survive a crash

	err = bdb.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("storage: create buckets: %w", err)
	}
	if err := migrateIndexes(bdb, opts.Logger); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("storage: rebuild indexes: %w", err)
	}
	return &DB{
		bolt:              bdb,
		loc:               opts.Location,
		maxAttachmentSize: opts.MaxAttachmentSize,
		wake:              make(chan struct{}, 1),
		Now:               time.Now,
	}, nil
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBatchSize <= 0 {
		o.MaxBatchSize = DefaultMaxBatchSize
	}
	if o.MaxBatchDelay <= 0 {
		o.MaxBatchDelay = DefaultMaxBatchDelay
	}
	if o.Location == nil {
		if loc, err := time.LoadLocation("Europe/Rome"); err == nil {
			o.Location = loc
		} else {
			o.Location = time.UTC
		}
	}
	if o.MaxAttachmentSize <= 0 {
		o.MaxAttachmentSize = DefaultMaxAttachmentSize
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Close closes the database file.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("storage: close: %w", err)
	}
	return nil
}

// Path returns the database file name.
func (db *DB) Path() string { return db.bolt.Path() }

// OutboxWake is signalled (without blocking the writer) after a commit
// that made outbox messages due: a new submission or status change with
// notifications, or a retry. One pending signal stands for any number.
func (db *DB) OutboxWake() <-chan struct{} { return db.wake }

// signalWake records that messages became due, never blocking.
func (db *DB) signalWake() {
	select {
	case db.wake <- struct{}{}:
	default:
	}
}

// now returns the injected clock's time with its monotonic reading dropped,
// so stored and returned times compare equal.
func (db *DB) now() time.Time { return db.Now().Round(0) }

// view runs fn in a read-only transaction.
func (db *DB) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap(db.bolt.View(fn))
}

// update runs fn in a write transaction that is committed (and fsynced)
// before it returns.
func (db *DB) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return wrap(db.bolt.Update(fn))
}

// batch runs fn in a write transaction shared with concurrent callers
// (group commit). fn may run more than once, so it must only change the
// transaction and variables it fully reassigns. A lone writer commits at
// once instead of waiting MaxBatchDelay for company.
func (db *DB) batch(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer db.writers.Add(-1)
	if db.writers.Add(1) == 1 {
		return wrap(db.bolt.Update(fn))
	}
	return wrap(db.bolt.Batch(fn))
}

// wrap passes *modulario.Error through and turns anything else (bbolt,
// encoding) into EINTERNAL with the cause kept for logs.
func wrap(err error) error {
	var e *modulario.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	if diskUnavailable(err) {
		return &modulario.Error{Code: modulario.EUNAVAILABLE, Err: err}
	}
	return &modulario.Error{Code: modulario.EINTERNAL, Message: "Internal error.", Err: err}
}

// getJSON decodes the value under key into v; it reports false if missing.
// json.Unmarshal copies, so nothing outlives the transaction.
func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	buf := b.Get(key)
	if buf == nil {
		return false, nil
	}
	if err := json.Unmarshal(buf, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	buf, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	return b.Put(key, buf)
}

// u64 encodes v big-endian so byte order equals numeric order.
func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// timeKey encodes t for ordered index keys.
func timeKey(t time.Time) []byte { return u64(uint64(t.UnixNano())) }

// joinKey concatenates parts with a NUL separator, which never appears in
// slugs, tokens or statuses, so prefixes cannot collide ("a" vs "ab").
func joinKey(parts ...[]byte) []byte {
	n := len(parts)
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			k = append(k, 0)
		}
		k = append(k, p...)
	}
	return k
}

// newToken returns n random bytes as unpadded base64url.
func newToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it crashes instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

func invalidf(format string, args ...any) error {
	return modulario.Errorf(modulario.EINVALID, format, args...)
}

func notFoundf(format string, args ...any) error {
	return modulario.Errorf(modulario.ENOTFOUND, format, args...)
}
