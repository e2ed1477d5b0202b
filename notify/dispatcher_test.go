package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modulario/modulario"
)

// recordingChannel is a test channel: it records what it is given and
// fails as told.
type recordingChannel struct {
	name string
	mu   sync.Mutex
	sent []*Message
	// fail returns the error of the n-th call (1-based), nil for success.
	fail  func(n int) error
	calls atomic.Int32
	ref   string
}

func (c *recordingChannel) Name() string { return c.name }

func (c *recordingChannel) Send(_ context.Context, m *Message) (string, error) {
	n := int(c.calls.Add(1))
	if c.fail != nil {
		if err := c.fail(n); err != nil {
			return "", err
		}
	}
	c.mu.Lock()
	c.sent = append(c.sent, m)
	c.mu.Unlock()
	return c.ref, nil
}

func (c *recordingChannel) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sent)
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// setup publishes a form that emails the citizen and the office, saves the
// office and submits one request per data string.
func setup(t *testing.T, st *testStore, datas ...string) []*modulario.Submission {
	t.Helper()
	publish(t, st, `"rules":[{"name":"ricevuta","on":"submission.received","then":[
	  {"notify":"email","to":"citizen"},{"notify":"email","to":"office","template":"nuova-richiesta"}]}]`)
	ctx := context.Background()
	if err := st.offices.SaveOffice(ctx, &modulario.Office{Slug: "urp", Name: "URP", Emails: []string{"urp@comune.example.it"}}); err != nil {
		t.Fatal(err)
	}
	var out []*modulario.Submission
	for _, d := range datas {
		out = append(out, submit(t, st, d))
	}
	return out
}

// submit stores a request with data, routed and with the messages its
// form's received rules queue.
func submit(t *testing.T, st *testStore, data string) *modulario.Submission {
	t.Helper()
	ctx := context.Background()
	s := submission(data)
	o, err := NewEngine(st.forms).Evaluate(ctx, modulario.EventReceived, s)
	if err != nil {
		t.Fatal(err)
	}
	s.Office = o.Office
	if err := st.subs.CreateSubmission(ctx, s, "", o.Messages...); err != nil {
		t.Fatal(err)
	}
	return s
}

func dispatcher(st *testStore, clk *clock, channels ...Channel) *Dispatcher {
	d := &Dispatcher{Outbox: st.outbox, Submissions: st.subs, Forms: st.forms, Offices: st.offices,
		Webhooks: st.webhooks, Attachments: st.attachments, Channels: map[string]Channel{},
		BaseURL: "https://comune.example.it/", MaxAttempts: 3, Now: clk.Now}
	for _, c := range channels {
		d.Channels[c.Name()] = c
	}
	return d
}

// drain claims and processes every due message once.
func drain(t *testing.T, d *Dispatcher, clk *clock) int {
	t.Helper()
	d.init()
	msgs, err := d.Outbox.ClaimDue(context.Background(), clk.Now(), d.Lease, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		d.Process(context.Background(), m)
	}
	return len(msgs)
}

func TestDispatcherSendsRenderedMessages(t *testing.T) {
	st := newStore(t)
	subs := setup(t, st, `{"email":"anna@example.it","descrizione":"**x** <script>alert(1)</script>"}`)
	clk := &clock{t: time.Now()}
	ch := &recordingChannel{name: "email"}
	d := dispatcher(st, clk, ch)
	if n := drain(t, d, clk); n != 2 {
		t.Fatalf("claimed %d", n)
	}
	if ch.count() != 2 {
		t.Fatalf("sent %d", ch.count())
	}
	byTo := map[string]*Message{}
	for _, m := range ch.sent {
		byTo[m.Recipients[0]] = m
	}
	cit, off := byTo["anna@example.it"], byTo["urp@comune.example.it"]
	if cit == nil || off == nil {
		t.Fatalf("recipients: %v", byTo)
	}
	link := "https://comune.example.it/pratiche/" + subs[0].Token
	if cit.Subject != "Richiesta "+subs[0].Number+" ricevuta: Segnalazione guasti" || cit.TrackingURL != link ||
		!contains(cit.Text, subs[0].Number) || !contains(cit.HTML, subs[0].Number) || cit.ID != cit.Outbox.ID {
		t.Errorf("citizen message: %q %q", cit.Subject, cit.Text)
	}
	if !contains(off.HTML, "Descrizione") || contains(off.HTML, "<script>") || !contains(off.HTML, "&lt;script&gt;") ||
		contains(off.HTML, "<strong>x</strong>") {
		t.Errorf("office HTML not safe: %s", off.HTML)
	}
	got, _ := st.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{Status: modulario.OutboxSent})
	if len(got) != 2 || len(got[0].Attempts) != 1 || !got[0].Attempts[0].OK {
		t.Errorf("sent rows: %+v", got)
	}
	if c := d.Counters()["email"]; c.Sent != 2 || c.FailedAttempts != 0 {
		t.Errorf("counters %+v", c)
	}
}

func TestDispatcherRetryThenSuccessAndReference(t *testing.T) {
	st := newStore(t)
	subs := setup(t, st, `{"email":"anna@example.it"}`)
	clk := &clock{t: time.Now()}
	ch := &recordingChannel{name: "email", ref: "PROT-42", fail: func(n int) error {
		if n <= 2 {
			return errors.New("connection refused")
		}
		return nil
	}}
	d := dispatcher(st, clk, ch)
	d.MaxAttempts = 5
	drain(t, d, clk) // two messages, two failures
	rows, _ := st.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{Status: modulario.OutboxPending})
	if len(rows) != 2 {
		t.Fatalf("pending = %d", len(rows))
	}
	for _, r := range rows {
		wait := r.NextAttemptAt.Sub(clk.Now())
		if wait < time.Second || wait > d.MinBackoff || r.LastError != "connection refused" {
			t.Errorf("next attempt in %v (min backoff %v), error %q", wait, d.MinBackoff, r.LastError)
		}
	}
	if n := drain(t, d, clk); n != 0 {
		t.Fatalf("claimed %d before the backoff elapsed", n)
	}
	clk.Add(time.Minute)
	drain(t, d, clk)
	if ch.count() != 2 {
		t.Fatalf("sent %d", ch.count())
	}
	s, _ := st.subs.FindSubmission(context.Background(), subs[0].ID)
	if s.References["email/ricevuta"] != "PROT-42" {
		t.Errorf("references = %v", s.References)
	}
	if c := d.Counters()["email"]; c.Sent != 2 || c.FailedAttempts != 2 {
		t.Errorf("counters %+v", c)
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	d := &Dispatcher{MinBackoff: 5 * time.Second, MaxBackoff: time.Minute}
	for n, ceil := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 3: 20 * time.Second, 10: time.Minute, 100: time.Minute} {
		var top time.Duration
		for range 200 {
			b := d.Backoff(n)
			if b < time.Second || b > ceil {
				t.Fatalf("Backoff(%d) = %v, ceiling %v", n, b, ceil)
			}
			top = max(top, b)
		}
		if top < ceil/2 {
			t.Errorf("Backoff(%d) never above %v: no growth", n, top)
		}
	}
}

func TestDispatcherDeadLetters(t *testing.T) {
	st := newStore(t)
	setup(t, st, `{"email":"anna@example.it"}`, `{"email":"non-valida"}`)
	clk := &clock{t: time.Now()}
	ch := &recordingChannel{name: "email", fail: func(int) error { return errors.New("451 try later") }}
	d := dispatcher(st, clk, ch)
	for range 5 {
		drain(t, d, clk)
		clk.Add(2 * time.Hour)
	}
	dead, _ := st.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{Status: modulario.OutboxDead})
	if len(dead) != 4 {
		t.Fatalf("dead = %d", len(dead))
	}
	attempts := map[int]int{}
	for _, m := range dead {
		attempts[len(m.Attempts)]++
		if m.LastError == "" {
			t.Error("dead message without its error")
		}
	}
	// the invalid citizen address is permanent: one attempt; the others hit MaxAttempts.
	if attempts[1] != 1 || attempts[3] != 3 {
		t.Errorf("attempts per message: %v", attempts)
	}
	if int(ch.calls.Load()) != 9 {
		t.Errorf("channel calls = %d, want 9", ch.calls.Load())
	}
	if c := d.Counters()["email"]; c.Dead != 4 {
		t.Errorf("counters %+v", c)
	}
}

func TestDispatcherUnknownChannelAndPermanentError(t *testing.T) {
	st := newStore(t)
	setup(t, st, `{"email":"anna@example.it"}`)
	clk := &clock{t: time.Now()}
	d := dispatcher(st, clk) // no channels
	drain(t, d, clk)
	dead, _ := st.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{Status: modulario.OutboxDead})
	if len(dead) != 2 || !contains(dead[0].LastError, `no channel "email"`) {
		t.Fatalf("dead: %+v", dead)
	}
	st2 := newStore(t)
	setup(t, st2, `{"email":"anna@example.it"}`)
	ch := &recordingChannel{name: "email", fail: func(int) error { return fmt.Errorf("%w: mailbox unknown", ErrPermanent) }}
	clk.Add(time.Minute)
	drain(t, dispatcher(st2, clk, ch), clk)
	dead, _ = st2.outbox.ListOutbox(context.Background(), modulario.OutboxFilter{Status: modulario.OutboxDead})
	if len(dead) != 2 || len(dead[0].Attempts) != 1 {
		t.Fatalf("permanent error: %+v", dead)
	}
}
