package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// lockWait is how long opening the database waits for another process's
// lock before giving up with a clear message.
const lockWait = 2 * time.Second

// store is the opened database with the domain services wired to it: the
// one place that knows the concrete storage types.
type store struct {
	db *storage.DB
	// outbox is Outbox with the figures the metrics and readiness read.
	outbox      *storage.OutboxService
	Forms       modulario.FormService
	Drafts      modulario.DraftService
	Submissions modulario.SubmissionService
	Attachments modulario.AttachmentService
	Ratings     modulario.RatingService
	Offices     modulario.OfficeService
	Webhooks    modulario.WebhookService
	Outbox      modulario.OutboxService
	Users       modulario.UserService
	Sessions    modulario.SessionService
	Audit       modulario.AuditService
	Pages       modulario.PageService
	Media       modulario.MediaService
	Settings    modulario.SettingsService
	Tokens      modulario.TokenService
	Calendars   modulario.CalendarService
	Bookings    modulario.BookingService
}

// openStore opens (creating if needed) the bbolt file and its directory.
func openStore(path string) (*store, error) {
	db, err := storage.Open(path, storage.Options{Timeout: lockWait})
	if errors.Is(err, storage.ErrLocked) {
		return nil, fmt.Errorf("database %s is in use by another modulario process (stop it, or use another --data-dir): %w", path, storage.ErrLocked)
	} else if err != nil {
		return nil, err
	}
	outbox := storage.NewOutboxService(db)
	return &store{
		db:          db,
		outbox:      outbox,
		Forms:       storage.NewFormService(db),
		Drafts:      storage.NewDraftService(db),
		Submissions: storage.NewSubmissionService(db),
		Attachments: storage.NewAttachmentService(db),
		Offices:     storage.NewOfficeService(db),
		Webhooks:    storage.NewWebhookService(db),
		Outbox:      outbox,
		Ratings:     storage.NewRatingService(db),
		Users:       storage.NewUserService(db),
		Sessions:    storage.NewSessionService(db),
		Audit:       storage.NewAuditService(db),
		Pages:       storage.NewPageService(db),
		Media:       storage.NewMediaService(db),
		Settings:    storage.NewSettingsService(db),
		Tokens:      storage.NewTokenService(db),
		Calendars:   storage.NewCalendarService(db),
		Bookings:    storage.NewBookingService(db),
	}, nil
}

// Close closes the database.
func (s *store) Close() error { return s.db.Close() }
