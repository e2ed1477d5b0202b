package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modulario/modulario"
)

// Dispatcher defaults.
const (
	DefaultWorkers     = 4
	DefaultLease       = 2 * time.Minute
	DefaultMaxAttempts = 8
	DefaultMinBackoff  = 5 * time.Second
	DefaultMaxBackoff  = time.Hour
	DefaultSendTimeout = 30 * time.Second
)

// Dispatcher sends the outbox through the channels with a bounded worker
// pool, retrying failures with exponential backoff and full jitter and
// moving messages to dead letter after MaxAttempts or a permanent error.
type Dispatcher struct {
	Outbox      modulario.OutboxService
	Submissions modulario.SubmissionService
	Forms       modulario.FormService
	Offices     modulario.OfficeService
	Webhooks    modulario.WebhookService
	Attachments modulario.AttachmentService
	// Calendars gives appointment messages their place and what to bring;
	// nil: the calendar's slug stands for the place.
	Calendars modulario.CalendarService
	// Channels by name ("email", "webhook"...).
	Channels map[string]Channel
	// BaseURL is the public site address, for tracking links.
	BaseURL     string
	Workers     int
	Lease       time.Duration
	MaxAttempts int
	MinBackoff  time.Duration
	MaxBackoff  time.Duration
	// SendTimeout bounds one send (default 30s); it must be below Lease.
	SendTimeout time.Duration
	Now         func() time.Time
	Logger      *slog.Logger

	once    sync.Once
	engine  *Engine
	mu      sync.Mutex
	metrics map[string]*channelCounters
}

// channelCounters are one channel's in-memory counters.
type channelCounters struct{ sent, failed, dead atomic.Int64 }

// Counters are a channel's in-memory counts since start.
type Counters struct{ Sent, FailedAttempts, Dead int64 }

func (d *Dispatcher) init() {
	d.once.Do(func() {
		if d.Workers <= 0 {
			d.Workers = DefaultWorkers
		}
		if d.Lease <= 0 {
			d.Lease = DefaultLease
		}
		if d.MaxAttempts <= 0 {
			d.MaxAttempts = DefaultMaxAttempts
		}
		if d.MinBackoff <= 0 {
			d.MinBackoff = DefaultMinBackoff
		}
		if d.MaxBackoff <= 0 {
			d.MaxBackoff = DefaultMaxBackoff
		}
		if d.SendTimeout <= 0 {
			d.SendTimeout = min(DefaultSendTimeout, d.Lease/2)
		}
		if d.Now == nil {
			d.Now = time.Now
		}
		if d.Logger == nil {
			d.Logger = slog.Default()
		}
		d.engine = NewEngine(d.Forms)
		d.metrics = map[string]*channelCounters{}
	})
}

// Counters returns the in-memory counters per channel.
func (d *Dispatcher) Counters() map[string]Counters {
	d.init()
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]Counters, len(d.metrics))
	for name, c := range d.metrics {
		out[name] = Counters{Sent: c.sent.Load(), FailedAttempts: c.failed.Load(), Dead: c.dead.Load()}
	}
	return out
}

func (d *Dispatcher) counters(channel string) *channelCounters {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.metrics[channel]
	if !ok {
		c = &channelCounters{}
		d.metrics[channel] = c
	}
	return c
}

// Run sends due messages until ctx is cancelled, then waits for the sends
// in flight (each bounded by SendTimeout) and returns nil.
func (d *Dispatcher) Run(ctx context.Context) error {
	d.init()
	jobs := make(chan *modulario.OutboxMessage)
	var wg sync.WaitGroup
	for range d.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range jobs {
				d.Process(context.WithoutCancel(ctx), m)
			}
		}()
	}
	defer wg.Wait()
	defer close(jobs)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		n, err := d.claim(ctx, jobs)
		if err != nil && ctx.Err() == nil {
			d.Logger.Error("outbox claim failed", "error", err)
		}
		if ctx.Err() != nil {
			return nil
		}
		if n == d.Workers {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.Outbox.OutboxWake():
		case <-tick.C:
		}
	}
}

// claim leases up to Workers due messages and hands them to the workers.
func (d *Dispatcher) claim(ctx context.Context, jobs chan<- *modulario.OutboxMessage) (int, error) {
	msgs, err := d.Outbox.ClaimDue(ctx, d.Now(), d.Lease, d.Workers)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		jobs <- m
	}
	return len(msgs), nil
}

// Process sends one claimed message and records the attempt.
func (d *Dispatcher) Process(ctx context.Context, om *modulario.OutboxMessage) {
	d.init()
	start := d.Now()
	ref, err := d.send(ctx, om)
	a := modulario.Attempt{At: start, Duration: d.Now().Sub(start), OK: err == nil}
	c := d.counters(om.Channel)
	var next time.Time
	log := d.Logger.With("outbox_id", om.ID, "submission_id", om.SubmissionID, "channel", om.Channel)
	if errors.Is(err, errAppointmentGone) {
		a = modulario.Attempt{At: start, Duration: d.Now().Sub(start), OK: true, Skipped: true, Error: err.Error()}
		log.Info("notification skipped", "reason", a.Error)
		if err := d.Outbox.RecordAttempt(ctx, om.ID, a, time.Time{}); err != nil {
			log.Error("recording the attempt failed", "error", err)
		}
		return
	}
	if err != nil {
		a.Error = truncate(err.Error(), 1000)
		attempts := len(om.Attempts) + 1
		c.failed.Add(1)
		if attempts < d.MaxAttempts && !errors.Is(err, ErrPermanent) {
			next = d.Now().Add(d.Backoff(attempts))
			log.Warn("notification failed, will retry", "attempt", attempts, "next", next, "error", logSafe(a.Error))
		} else {
			c.dead.Add(1)
			log.Error("notification dead", "attempt", attempts, "error", logSafe(a.Error))
		}
	} else {
		c.sent.Add(1)
		log.Info("notification sent")
	}
	if err := d.Outbox.RecordAttempt(ctx, om.ID, a, next); err != nil {
		log.Error("recording the attempt failed", "error", err)
	}
	if err == nil && ref != "" {
		source := om.Channel
		if om.Rule != "" {
			source += "/" + om.Rule
		}
		if err := d.Submissions.SetReference(ctx, om.SubmissionID, source, ref); err != nil {
			log.Error("storing the reference failed", "error", err)
		}
	}
}

// Backoff is the wait after the n-th failed attempt: a random duration
// up to MinBackoff*2^(n-1), capped at MaxBackoff (full jitter), and at
// least one second.
func (d *Dispatcher) Backoff(n int) time.Duration {
	d.init()
	ceil := d.MaxBackoff
	if n < 1 {
		n = 1
	}
	if n < 40 {
		if b := d.MinBackoff << (n - 1); b > 0 && b < ceil {
			ceil = b
		}
	}
	return max(time.Duration(rand.Int64N(int64(ceil)+1)), time.Second)
}

// send builds, renders and sends one message.
func (d *Dispatcher) send(ctx context.Context, om *modulario.OutboxMessage) (string, error) {
	ch, ok := d.Channels[om.Channel]
	if !ok {
		return "", fmt.Errorf("%w: no channel %q is configured", ErrPermanent, om.Channel)
	}
	m, err := d.Build(ctx, om)
	if err != nil {
		return "", err
	}
	sctx, cancel := context.WithTimeout(ctx, d.SendTimeout)
	defer cancel()
	return ch.Send(sctx, m)
}

// Build loads what om needs and returns the Message ready to send:
// submission, form, office, webhook endpoint, files, rendered template,
// recipients and, for e-mails to the citizen about an appointment, its
// calendar entry. A message about an appointment (AppointmentField set)
// that is no longer active at AppointmentStart is not built: Process
// records it skipped.
func (d *Dispatcher) Build(ctx context.Context, om *modulario.OutboxMessage) (*Message, error) {
	d.init()
	m := &Message{ID: om.ID, Outbox: om}
	if err := json.Unmarshal(om.Action, &m.Action); err != nil {
		return nil, fmt.Errorf("%w: the action is not valid: %v", ErrPermanent, err)
	}
	sub, err := d.Submissions.FindSubmission(ctx, om.SubmissionID)
	if err != nil {
		return nil, lookupErr("submission", err)
	}
	m.Submission = sub
	if om.AppointmentField != "" && !appointmentStillDue(sub, om.AppointmentField, om.AppointmentStart, om.Event, d.Now()) {
		return nil, errAppointmentGone
	}
	if m.Form, err = d.engine.Form(ctx, sub.FormSlug, sub.Version); err != nil {
		return nil, lookupErr("form version", err)
	}
	if sub.Office != "" && d.Offices != nil {
		if m.Office, err = d.Offices.FindOffice(ctx, sub.Office); err != nil && modulario.ErrorCode(err) != modulario.ENOTFOUND {
			return nil, err
		}
	}
	if m.Action.Endpoint != "" {
		if d.Webhooks == nil {
			return nil, fmt.Errorf("%w: webhooks are not configured", ErrPermanent)
		}
		if m.Webhook, err = d.Webhooks.FindWebhook(ctx, m.Action.Endpoint); err != nil {
			return nil, lookupErr("webhook endpoint "+m.Action.Endpoint, err)
		}
	}
	names := map[string]string{}
	for _, a := range sub.Attachments {
		names[a.ID] = a.Name
	}
	var appt *AppointmentDetails
	if len(sub.Appointments) > 0 {
		details := d.appointmentDetails(ctx)
		appointmentAnswers(sub, decodeAnswers(sub.Data), details, names)
		if ap := pickAppointment(om, m.Action, sub); ap != nil {
			appt = details(*ap)
		}
	}
	if m.Action.Attachments {
		if m.Files, err = d.files(ctx, sub); err != nil {
			return nil, err
		}
	}
	base := strings.TrimRight(d.BaseURL, "/")
	m.TrackingURL = base + "/pratiche/" + url.PathEscape(sub.Token)
	m.StaffURL = base + "/admin/richieste/" + strconv.FormatUint(sub.ID, 10)
	if err := d.render(m, om, names, appt); err != nil {
		return nil, err
	}
	m.Calendar = citizenICS(m, appt, d.BaseURL, d.Now())
	return m, ResolveRecipients(m)
}

// errAppointmentGone skips a message about an appointment that was
// cancelled or moved since it was queued.
var errAppointmentGone = errors.New("skipped: appointment cancelled or moved")

// appointmentDetails returns a function completing appointments with
// their calendar, loading each calendar once.
func (d *Dispatcher) appointmentDetails(ctx context.Context) func(modulario.Appointment) *AppointmentDetails {
	cals := map[string]*modulario.Calendar{}
	return func(ap modulario.Appointment) *AppointmentDetails {
		c, ok := cals[ap.Calendar]
		if !ok && d.Calendars != nil {
			var err error
			if c, err = d.Calendars.FindCalendar(ctx, ap.Calendar); err != nil {
				if modulario.ErrorCode(err) != modulario.ENOTFOUND {
					d.Logger.WarnContext(ctx, "loading an appointment's calendar failed", "calendar", ap.Calendar, "error", err)
				}
				c = nil
			}
			cals[ap.Calendar] = c
		}
		return &AppointmentDetails{Appointment: ap, Calendar: c}
	}
}

// render fills the message's subject and bodies from its template.
func (d *Dispatcher) render(m *Message, om *modulario.OutboxMessage, files map[string]string, appt *AppointmentDetails) error {
	name := m.Action.Template
	if name == "" {
		name = defaultTemplate(om, m.Action)
	}
	find := FindTemplate
	if m.Action.Notify == modulario.ChannelSMS || m.Action.Notify == modulario.ChannelWhatsApp {
		find = findTextTemplate
	}
	tpl, ok := find(m.Form, name)
	if !ok {
		return fmt.Errorf("%w: no template %q", ErrPermanent, name)
	}
	RenderMessage(m, tpl, TemplateData{Form: m.Form, Submission: m.Submission, Office: m.Office,
		Status: om.SubmissionStatus, TrackingURL: m.TrackingURL, StaffURL: m.StaffURL, Files: files,
		Event: om.Event, Appointment: appt})
	return nil
}

// defaultTemplate picks the built-in template for an action without one.
func defaultTemplate(om *modulario.OutboxMessage, a Action) string {
	toStaff := a.Notify == modulario.ChannelEmailMsg && string(a.To) != `"citizen"`
	switch {
	case om.Event == modulario.EventStatusChanged && toStaff:
		// Never the citizen's private link to an office mailbox.
		return "aggiornamento-stato-ufficio"
	case om.Event == modulario.EventStatusChanged:
		return "aggiornamento-stato"
	case om.Event == modulario.EventLookup:
		return "link-pratica"
	case om.Event == modulario.EventAppointmentReminder:
		return "promemoria-appuntamento"
	case om.Event == modulario.EventAppointmentCancelled:
		return "appuntamento-annullato"
	case om.Event == modulario.EventAppointmentMoved:
		return "appuntamento-spostato"
	case toStaff, a.Notify == modulario.ChannelWebhook:
		return "nuova-richiesta"
	}
	return "richiesta-ricevuta"
}

// files loads the submission's attachments.
func (d *Dispatcher) files(ctx context.Context, sub *modulario.Submission) ([]File, error) {
	var out []File
	for _, a := range sub.Attachments {
		meta, content, err := d.Attachments.FindAttachment(ctx, a.ID)
		if err != nil {
			return nil, lookupErr("attachment", err)
		}
		out = append(out, File{Name: meta.Name, ContentType: meta.ContentType, Content: content})
	}
	return out, nil
}

// lookupErr makes a missing record a permanent error.
func lookupErr(what string, err error) error {
	if modulario.ErrorCode(err) == modulario.ENOTFOUND {
		return fmt.Errorf("%w: %s not found", ErrPermanent, what)
	}
	return fmt.Errorf("loading %s: %w", what, err)
}

// truncate shortens s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
