package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// maxCachedForms bounds the compiled-form cache; it is emptied when full.
const maxCachedForms = 512

// Engine evaluates form rules; it implements modulario.RuleEngine.
type Engine struct {
	forms modulario.FormService
	// cals gives reminders the calendar's RemindHours; nil: only the
	// reminder the day before.
	cals modulario.CalendarService
	// users resolves the assignees of assign actions; nil: taken as they
	// are written.
	users  modulario.UserService
	logger *slog.Logger
	now    func() time.Time

	mu    sync.Mutex
	cache map[formKey]*schemas.Form
}

type formKey struct {
	slug    string
	version int
}

var _ modulario.RuleEngine = (*Engine)(nil)

// NewEngine returns an engine that loads form versions from forms.
func NewEngine(forms modulario.FormService) *Engine {
	return &Engine{forms: forms, now: time.Now, cache: map[formKey]*schemas.Form{}}
}

// WithCalendars makes the engine read calendars for appointment reminders
// (the second reminder, RemindHours before) and returns e.
func (e *Engine) WithCalendars(cals modulario.CalendarService) *Engine {
	e.cals = cals
	return e
}

// WithUsers makes the engine resolve the value of an assign action (a
// user's ID or e-mail address) to the user's ID; an unknown or disabled
// user is logged on logger and the request stays unassigned. It returns e.
func (e *Engine) WithUsers(users modulario.UserService, logger *slog.Logger) *Engine {
	e.users, e.logger = users, logger
	return e
}

// Form returns the compiled form version, compiling it once.
func (e *Engine) Form(ctx context.Context, slug string, version int) (*schemas.Form, error) {
	key := formKey{slug, version}
	e.mu.Lock()
	f, ok := e.cache[key]
	e.mu.Unlock()
	if ok {
		return f, nil
	}
	v, err := e.forms.FindVersion(ctx, slug, version)
	if err != nil {
		return nil, err
	}
	f, err = schemas.LoadStored(v.Definition)
	if err != nil {
		return nil, fmt.Errorf("form %s version %d: %w", slug, version, err)
	}
	e.mu.Lock()
	if len(e.cache) >= maxCachedForms {
		e.cache = map[formKey]*schemas.Form{}
	}
	e.cache[key] = f
	e.mu.Unlock()
	return f, nil
}

// Evaluate runs the rules of s's form version for event, in order, and
// stops after a matching rule with stop. A received request with
// appointments also gets their reminders (see Reminders). For status events s.Status is the
// new status and the instance is the answers plus a top-level "status".
// The form's office is the default route of a received submission.
func (e *Engine) Evaluate(ctx context.Context, event string, s *modulario.Submission) (*modulario.RuleOutcome, error) {
	if event != modulario.EventReceived && event != modulario.EventStatusChanged {
		return nil, modulario.Errorf(modulario.EINVALID, "Unknown event %q.", event)
	}
	f, err := e.Form(ctx, s.FormSlug, s.Version)
	if err != nil {
		return nil, err
	}
	instance, err := ruleInstance(event, s)
	if err != nil {
		return nil, err
	}
	out := &modulario.RuleOutcome{}
	if event == modulario.EventReceived {
		out.Office = f.Def.Office
	}
	for _, r := range f.Rules() {
		if r.On != event || !r.When.Match(instance) {
			continue
		}
		out.Rules = append(out.Rules, r.Name)
		for _, raw := range r.Then {
			if err := applyAction(out, event, s, r.Name, raw); err != nil {
				return nil, err
			}
		}
		if r.Stop {
			break
		}
	}
	if out.Assignee != "" && e.users != nil {
		out.Assignee = e.assignee(ctx, s, out.Assignee)
	}
	if event == modulario.EventReceived && len(s.Appointments) > 0 {
		out.Messages = append(out.Messages, e.Reminders(ctx, f, s, s.Appointments)...)
	}
	return out, nil
}

// assignee returns the ID of the user an assign action names by ID or
// e-mail address, or "" (logged) when no active user has it: a request
// "assigned" to nobody who can see it as theirs would be lost.
func (e *Engine) assignee(ctx context.Context, s *modulario.Submission, value string) string {
	u, err := modulario.FindAssignee(ctx, e.users, value)
	log := e.logger
	if log == nil {
		log = slog.Default()
	}
	switch {
	case err != nil && modulario.ErrorCode(err) != modulario.ENOTFOUND:
		log.ErrorContext(ctx, "rule assignee not resolved; request left unassigned",
			"form", s.FormSlug, "version", s.Version, "err", err)
	case err != nil || u.Disabled:
		log.WarnContext(ctx, "rule assigns to an unknown or disabled user; request left unassigned",
			"form", s.FormSlug, "version", s.Version, "assign", value)
	default:
		return u.ID
	}
	return ""
}

// ruleInstance decodes the answers as the validator expects them, adding
// "status" for status events.
func ruleInstance(event string, s *modulario.Submission) (any, error) {
	data := bytes.TrimSpace(s.Data)
	if len(data) == 0 {
		data = []byte("{}")
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, &modulario.Error{Code: modulario.EINVALID, Message: "The answers are not valid JSON.", Err: err}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, modulario.Errorf(modulario.EINVALID, "The answers are not a JSON object.")
	}
	if event == modulario.EventStatusChanged {
		obj["status"] = string(s.Status)
	}
	return obj, nil
}

// decodeAnswers decodes a submission's answers as plain JSON values.
func decodeAnswers(raw json.RawMessage) map[string]any {
	data := map[string]any{}
	_ = json.Unmarshal(raw, &data)
	return data
}
