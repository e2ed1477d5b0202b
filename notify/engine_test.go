package notify

import (
	"context"
	"slices"
	"testing"

	"github.com/modulario/modulario"
)

const engineRules = `"rules":[
  {"name":"buche","on":"submission.received","when":{"properties":{"tipo":{"const":"buca"}},"required":["tipo"]},
   "then":[{"route":"strade"},{"tag":"strade"}]},
  {"name":"molte","on":"submission.received","when":{"properties":{"quantita":{"minimum":3}},"required":["quantita"]},
   "then":[{"priority":"alta"},{"tags":["strade","molte"]}]},
  {"name":"centro","on":"submission.received","when":{"properties":{"indirizzo":{"properties":{"zona":{"const":"centro"}},"required":["zona"]}},"required":["indirizzo"]},
   "then":[{"assign":"mario"}],"stop":true},
  {"name":"senza-email","on":"submission.received","when":{"not":{"required":["email"]}},
   "then":[{"tag":"senza-email"}]},
  {"name":"ricevuta","on":"submission.received","when":{"required":["email"]},
   "then":[{"notify":"email","to":"citizen","template":"richiesta-ricevuta"},{"notify":"email","to":"office"}]},
  {"name":"conclusa","on":"submission.status_changed","when":{"properties":{"status":{"const":"concluded"}}},
   "then":[{"notify":"sms","template":"aggiornamento-stato"},{"route":"archivio"},{"assign":"anna"},{"tag":"chiusa"},{"priority":"bassa"}]}]`

func TestEngineEvaluate(t *testing.T) {
	st := newStore(t)
	publish(t, st, engineRules)
	e := NewEngine(st.forms)
	tests := []struct {
		name, event, data string
		status            modulario.SubmissionStatus
		office, assignee  string
		priority          string
		tags, rules       []string
		channels          []string
	}{
		{name: "enum routes", event: modulario.EventReceived, data: `{"tipo":"buca","email":"a@b.it"}`,
			office: "strade", tags: []string{"strade"}, rules: []string{"buche", "ricevuta"}, channels: []string{"email", "email"}},
		{name: "default office, missing fields", event: modulario.EventReceived, data: `{}`,
			office: "urp", tags: []string{"senza-email"}, rules: []string{"senza-email"}},
		{name: "numbers and dedup tags", event: modulario.EventReceived, data: `{"tipo":"buca","quantita":5}`,
			office: "strade", priority: "alta", tags: []string{"strade", "molte", "senza-email"}, rules: []string{"buche", "molte", "senza-email"}},
		{name: "number below minimum", event: modulario.EventReceived, data: `{"quantita":2,"email":"a@b.it"}`,
			office: "urp", rules: []string{"ricevuta"}, channels: []string{"email", "email"}},
		{name: "nested field and stop", event: modulario.EventReceived, data: `{"indirizzo":{"zona":"centro"}}`,
			office: "urp", assignee: "mario", rules: []string{"centro"}},
		{name: "nested field elsewhere", event: modulario.EventReceived, data: `{"indirizzo":{"zona":"periferia"},"email":"a@b.it"}`,
			office: "urp", rules: []string{"ricevuta"}, channels: []string{"email", "email"}},
		{name: "status event matches", event: modulario.EventStatusChanged, status: modulario.StatusConcluded, data: `{"tipo":"buca"}`,
			office: "archivio", assignee: "anna", priority: "bassa", tags: []string{"chiusa"},
			rules: []string{"conclusa"}, channels: []string{"sms"}},
		{name: "status event does not match", event: modulario.EventStatusChanged, status: modulario.StatusInCharge, data: `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := submission(tt.data)
			if tt.status != "" {
				s.Status = tt.status
			}
			out, err := e.Evaluate(context.Background(), tt.event, s)
			if err != nil {
				t.Fatal(err)
			}
			var channels []string
			for _, m := range out.Messages {
				channels = append(channels, m.Channel)
				if m.Event != tt.event || m.Rule == "" || len(m.Action) == 0 {
					t.Errorf("message %+v", m)
				}
				if tt.event == modulario.EventStatusChanged && m.SubmissionStatus != tt.status {
					t.Errorf("status = %q", m.SubmissionStatus)
				}
			}
			if out.Office != tt.office || out.Assignee != tt.assignee || out.Priority != tt.priority ||
				!slices.Equal(out.Tags, tt.tags) || !slices.Equal(out.Rules, tt.rules) || !slices.Equal(channels, tt.channels) {
				t.Errorf("got office=%q assignee=%q priority=%q tags=%v rules=%v channels=%v", out.Office, out.Assignee,
					out.Priority, out.Tags, out.Rules, channels)
			}
		})
	}
}

func TestEngineErrors(t *testing.T) {
	st := newStore(t)
	publish(t, st, engineRules)
	e := NewEngine(st.forms)
	ctx := context.Background()
	if _, err := e.Evaluate(ctx, "submission.deleted", submission(`{}`)); modulario.ErrorCode(err) != modulario.EINVALID {
		t.Errorf("unknown event: %v", err)
	}
	if _, err := e.Evaluate(ctx, modulario.EventReceived, submission(`[1]`)); modulario.ErrorCode(err) != modulario.EINVALID {
		t.Errorf("array answers: %v", err)
	}
	s := submission(`{}`)
	s.Version = 9
	if _, err := e.Evaluate(ctx, modulario.EventReceived, s); modulario.ErrorCode(err) != modulario.ENOTFOUND {
		t.Errorf("missing version: %v", err)
	}
	a, _ := e.Form(ctx, "segnalazione", 1)
	b, _ := e.Form(ctx, "segnalazione", 1)
	if a == nil || a != b {
		t.Error("the compiled form is not cached")
	}
}
