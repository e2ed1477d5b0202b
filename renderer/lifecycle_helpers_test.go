package renderer_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/notify"
	"github.com/modulario/modulario/renderer"
	"github.com/modulario/modulario/storage"
)

// entryKey signs staff entry links in tests.
var entryKey = []byte("chiave-di-prova-per-i-link-di-sportello")

// lifecycleEnv is a citizen side with the workflow, over a store where the
// "pratica" form (testdata/pratica.json) is published.
type lifecycleEnv struct {
	*env
	subs     *storage.SubmissionService
	outbox   *storage.OutboxService
	workflow *notify.Workflow
}

func newLifecycleEnv(t *testing.T, mutate ...func(*renderer.Config)) *lifecycleEnv {
	t.Helper()
	le := &lifecycleEnv{}
	le.env = newEnvDB(t, func(db *storage.DB, cfg *renderer.Config) {
		forms := storage.NewFormService(db)
		publish(t, forms, "testdata/pratica.json")
		le.subs = storage.NewSubmissionService(db)
		le.outbox = storage.NewOutboxService(db)
		le.workflow = &notify.Workflow{Submissions: le.subs, Rules: notify.NewEngine(forms)}
		cfg.Submissions, cfg.Workflow, cfg.Rules = le.subs, le.workflow, notify.NewEngine(forms)
		cfg.PreviewKey = entryKey
		for _, m := range mutate {
			m(cfg)
		}
	})
	return le
}

// submitPratica sends a "pratica" request through the web flow from its
// first step and returns the stored request.
func (le *lifecycleEnv) submitPratica(step1 string, answers url.Values) *modulario.Submission {
	t := le.t
	t.Helper()
	answers.Set("_action", "next")
	le.postForm(step1, answers).redirectsTo(t, `/riepilogo$`)
	receipt := le.postForm(base(step1)+"/invia", nil).redirectsTo(t, `^/pratiche/[^/]+/ricevuta$`)
	token := strings.TrimSuffix(strings.TrimPrefix(receipt, "/pratiche/"), "/ricevuta")
	sub, err := le.subs.FindSubmissionByToken(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// startPratica consents to the notice of "pratica" and returns step 1.
func (le *lifecycleEnv) startPratica() string {
	le.t.Helper()
	return le.postForm("/servizi/pratica/privacy", url.Values{"consenso": {"1"}}).
		redirectsTo(le.t, `^/servizi/pratica/[^/]+/passo/1$`)
}

// apply changes a request as staff would and fails the test on error.
func (le *lifecycleEnv) apply(id uint64, c modulario.Change) *modulario.Submission {
	le.t.Helper()
	sub, err := le.workflow.Apply(context.Background(), id, c)
	if err != nil {
		le.t.Fatal(err)
	}
	return sub
}

// find reloads a request.
func (le *lifecycleEnv) find(id uint64) *modulario.Submission {
	le.t.Helper()
	sub, err := le.subs.FindSubmission(context.Background(), id)
	if err != nil {
		le.t.Fatal(err)
	}
	return sub
}

// messages lists the outbox messages of a request.
func (le *lifecycleEnv) messages(id uint64) []*modulario.OutboxMessage {
	le.t.Helper()
	msgs, err := le.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{SubmissionID: id})
	if err != nil {
		le.t.Fatal(err)
	}
	return msgs
}

// endOfDayRome is the end of the day days after now, Italian time.
func endOfDayRome(t *testing.T, now time.Time, days int) time.Time {
	t.Helper()
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	d := now.In(rome).AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, rome)
}
