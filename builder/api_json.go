package builder

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/modulario/modulario"
)

// apiRequest is the stable JSON shape of a request in the API. Every key
// is always present (null or empty when unset). The tracking token is
// never included: it is the citizen's key.
type apiRequest struct {
	ID              uint64                     `json:"id"`
	Number          string                     `json:"number"`
	Form            string                     `json:"form"`
	Version         int                        `json:"version"`
	Office          string                     `json:"office"`
	Status          modulario.SubmissionStatus `json:"status"`
	Channel         modulario.Channel          `json:"channel"`
	Assignee        *string                    `json:"assignee"`
	Tags            []string                   `json:"tags"`
	Priority        string                     `json:"priority"`
	EnteredBy       *string                    `json:"entered_by"`
	CreatedAt       time.Time                  `json:"created_at"`
	UpdatedAt       time.Time                  `json:"updated_at"`
	TakenInChargeAt *time.Time                 `json:"taken_in_charge_at"`
	DueAt           *time.Time                 `json:"due_at"`
	ClosedAt        *time.Time                 `json:"closed_at"`
	Overdue         bool                       `json:"overdue"`
	Data            json.RawMessage            `json:"data"`
	Attachments     []apiAttachment            `json:"attachments"`
	References      map[string]string          `json:"references"`
	Timeline        []apiEvent                 `json:"timeline"`
}

// apiAttachment describes a file of a request; URL downloads it with the
// same token.
type apiAttachment struct {
	ID          string    `json:"id"`
	Field       string    `json:"field"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
}

// apiEvent is one timeline entry. Internal events (notes, assignments,
// re-routing) are included, marked internal: the API is staff-side.
type apiEvent struct {
	Type        string                     `json:"type"`
	At          time.Time                  `json:"at"`
	Status      modulario.SubmissionStatus `json:"status,omitempty"`
	Message     string                     `json:"message,omitempty"`
	Actor       string                     `json:"actor,omitempty"`
	ActorName   string                     `json:"actor_name,omitempty"`
	Internal    bool                       `json:"internal"`
	Office      string                     `json:"office,omitempty"`
	Assignee    string                     `json:"assignee,omitempty"`
	Attachments []string                   `json:"attachments,omitempty"`
}

// apiList is the answer of GET /api/v1/submissions. NextCursor is empty on
// the last page.
type apiList struct {
	Items      []*apiRequest `json:"items"`
	NextCursor string        `json:"next_cursor"`
}

// apiOffice is an office in GET /api/v1/offices.
type apiOffice struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// apiOptional returns &v, or nil for "".
func apiOptional(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// toAPIRequest converts a stored request to its API shape at time now.
func toAPIRequest(sub *modulario.Submission, now time.Time) *apiRequest {
	out := &apiRequest{
		ID: sub.ID, Number: sub.Number, Form: sub.FormSlug, Version: sub.Version, Office: sub.Office,
		Status: sub.Status, Channel: sub.Channel, Assignee: apiOptional(sub.Assignee),
		Tags: append([]string{}, sub.Tags...), Priority: sub.Priority, EnteredBy: apiOptional(sub.EnteredBy),
		CreatedAt: sub.CreatedAt, UpdatedAt: sub.UpdatedAt, TakenInChargeAt: sub.TakenInChargeAt,
		DueAt: sub.DueAt, ClosedAt: sub.ClosedAt, Overdue: sub.Overdue(now),
		Data: sub.Data, References: map[string]string{},
		Attachments: make([]apiAttachment, 0, len(sub.Attachments)),
		Timeline:    make([]apiEvent, 0, len(sub.Timeline)),
	}
	if len(out.Data) == 0 {
		out.Data = json.RawMessage("{}")
	}
	for k, v := range sub.References {
		out.References[k] = v
	}
	base := apiSubmissionsPath + "/" + strconv.FormatUint(sub.ID, 10) + "/attachments/"
	for _, a := range sub.Attachments {
		out.Attachments = append(out.Attachments, apiAttachment{ID: a.ID, Field: a.Pointer, Name: a.Name,
			ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, CreatedAt: a.CreatedAt, URL: base + a.ID})
	}
	for _, e := range sub.Timeline {
		out.Timeline = append(out.Timeline, apiEvent{Type: e.Type, At: e.At, Status: e.Status, Message: e.Message,
			Actor: e.Actor, ActorName: e.ActorName, Internal: e.Internal, Office: e.Office, Assignee: e.Assignee,
			Attachments: e.Attachments})
	}
	return out
}
