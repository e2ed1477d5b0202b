package storage

import (
	"context"

	"github.com/modulario/modulario"
)

// Placeholder until the inbox indexes are built.

func (s *SubmissionService) UpdateSubmission(ctx context.Context, id uint64, c modulario.Change, outbox ...*modulario.OutboxMessage) (*modulario.Submission, error) {
	return nil, modulario.Errorf(modulario.EINTERNAL, "not built")
}

func (s *SubmissionService) ListSubmissions(ctx context.Context, f modulario.InboxFilter) (*modulario.InboxPage, error) {
	return &modulario.InboxPage{}, nil
}

func (s *SubmissionService) EachSubmission(ctx context.Context, f modulario.InboxFilter, fn func(*modulario.Submission) error) error {
	return nil
}

func (s *SubmissionService) QueueMessages(ctx context.Context, id uint64, outbox ...*modulario.OutboxMessage) error {
	return modulario.Errorf(modulario.EINTERNAL, "not built")
}
