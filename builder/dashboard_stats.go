package builder

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

// dashPeriod is the time window of the dashboard, split into buckets of
// local days or ISO weeks (Monday first).
type dashPeriod struct {
	From, Now time.Time
	Days      int
	Week      bool
	Loc       *time.Location
}

// newDashPeriod covers the last days local days up to now, today
// included; week groups them by week.
func newDashPeriod(now time.Time, days int, week bool, loc *time.Location) dashPeriod {
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	return dashPeriod{From: today.AddDate(0, 0, -(days - 1)), Now: now, Days: days, Week: week, Loc: loc}
}

// bucketStart returns the first day of the bucket that holds t.
func (p dashPeriod) bucketStart(t time.Time) time.Time {
	l := t.In(p.Loc)
	d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, p.Loc)
	if p.Week {
		d = d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	}
	return d
}

// starts lists the first day of every bucket of the period, in order.
func (p dashPeriod) starts() []time.Time {
	var out []time.Time
	step := 1
	if p.Week {
		step = 7
	}
	for d := p.bucketStart(p.From); !d.After(p.Now); d = d.AddDate(0, 0, step) {
		out = append(out, d)
	}
	return out
}

// bucketCount is the number of requests received in one bucket and how
// many of those are still open.
type bucketCount struct {
	Start          time.Time
	Received, Open int
}

// dashCount is a count per key (status, form slug, tag, option value).
type dashCount struct {
	Key   string
	Count int
	// Label is the option's label (choice fields only).
	Label string
}

// choiceCount are the answers to one choice field of the selected form.
type choiceCount struct {
	Pointer, Label string
	// Rows follow the field's options (zero counts included), then values
	// the current version does not know, most frequent first.
	Rows     []dashCount
	Answered int
}

// dashStats are the numbers of the dashboard for one scope and period.
type dashStats struct {
	Total, Open, Overdue int
	Buckets              []bucketCount
	ByStatus             []dashCount // in lifecycle order
	ByForm, ByTag        []dashCount // most frequent first
	// TakeMedian and CloseMedian are the median times from receipt to
	// taking in charge and to closing (concluded or rejected), over TakeN
	// and CloseN requests of the period.
	TakeMedian, CloseMedian time.Duration
	TakeN, CloseN           int
	Choices                 []choiceCount
	Ratings                 ratingStats
	ComputedAt              time.Time
}

// statsCollector accumulates dashStats one request at a time.
type statsCollector struct {
	p        dashPeriod
	buckets  map[time.Time]*bucketCount
	status   map[modulario.SubmissionStatus]int
	forms    map[string]int
	tags     map[string]int
	take     []time.Duration
	close    []time.Duration
	total    int
	open     int
	choices  []*choiceCollector
	overdue  int
	dataErrs int
}

// choiceCollector counts the answers of one choice field.
type choiceCollector struct {
	field    *schemas.Field
	counts   map[string]int
	answered int
}

// newStatsCollector starts empty counters for period p; fields are the
// choice fields to count (none unless a form is selected).
func newStatsCollector(p dashPeriod, fields []*schemas.Field) *statsCollector {
	sc := &statsCollector{p: p, buckets: map[time.Time]*bucketCount{},
		status: map[modulario.SubmissionStatus]int{}, forms: map[string]int{}, tags: map[string]int{}}
	for _, f := range fields {
		sc.choices = append(sc.choices, &choiceCollector{field: f, counts: map[string]int{}})
	}
	return sc
}

// add counts one request received in the period.
func (sc *statsCollector) add(sub *modulario.Submission) {
	if sub.CreatedAt.Before(sc.p.From) || sub.CreatedAt.After(sc.p.Now) {
		return
	}
	sc.total++
	start := sc.p.bucketStart(sub.CreatedAt)
	b := sc.buckets[start]
	if b == nil {
		b = &bucketCount{Start: start}
		sc.buckets[start] = b
	}
	b.Received++
	if sub.Open() {
		sc.open++
		b.Open++
	}
	sc.status[sub.Status]++
	sc.forms[sub.FormSlug]++
	for _, t := range sub.Tags {
		sc.tags[t]++
	}
	if t := sub.TakenInChargeAt; t != nil && !t.Before(sub.CreatedAt) {
		sc.take = append(sc.take, t.Sub(sub.CreatedAt))
	}
	if t := sub.ClosedAt; t != nil && !t.Before(sub.CreatedAt) &&
		(sub.Status == modulario.StatusConcluded || sub.Status == modulario.StatusRejected) {
		sc.close = append(sc.close, t.Sub(sub.CreatedAt))
	}
	if len(sc.choices) > 0 {
		sc.addChoices(sub.Data)
	}
}

// addChoices counts the answers of the choice fields in data.
func (sc *statsCollector) addChoices(data json.RawMessage) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		sc.dataErrs++
		return
	}
	for _, cc := range sc.choices {
		v, ok := schemas.GetPointer(m, cc.field.Pointer)
		if !ok || v == nil {
			continue
		}
		vals, isList := v.([]any)
		if !isList {
			vals = []any{v}
		}
		if len(vals) == 0 {
			continue
		}
		cc.answered++
		for _, x := range vals {
			cc.counts[choiceKey(x)]++
		}
	}
}

// optionKey is how an answer is compared with the field's options.
func choiceKey(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// finish returns the statistics; overdue is counted apart (all time).
func (sc *statsCollector) finish() *dashStats {
	st := &dashStats{Total: sc.total, Open: sc.open, Overdue: sc.overdue, ComputedAt: sc.p.Now}
	for _, d := range sc.p.starts() {
		b := bucketCount{Start: d}
		if x := sc.buckets[d]; x != nil {
			b = *x
		}
		st.Buckets = append(st.Buckets, b)
	}
	for _, s := range modulario.Statuses {
		st.ByStatus = append(st.ByStatus, dashCount{Key: string(s), Count: sc.status[s]})
	}
	st.ByForm, st.ByTag = countsByFrequency(sc.forms), countsByFrequency(sc.tags)
	st.TakeMedian, st.TakeN = medianDuration(sc.take), len(sc.take)
	st.CloseMedian, st.CloseN = medianDuration(sc.close), len(sc.close)
	for _, cc := range sc.choices {
		st.Choices = append(st.Choices, cc.result())
	}
	return st
}

// result lists the options in schema order, then unknown values.
func (cc *choiceCollector) result() choiceCount {
	out := choiceCount{Pointer: cc.field.Pointer, Label: cc.field.Label, Answered: cc.answered}
	seen := map[string]bool{}
	for _, o := range cc.field.Options {
		k := choiceKey(o.Value)
		if seen[k] {
			continue
		}
		seen[k] = true
		out.Rows = append(out.Rows, dashCount{Key: k, Count: cc.counts[k], Label: o.Label})
	}
	rest := map[string]int{}
	for k, n := range cc.counts {
		if !seen[k] {
			rest[k] = n
		}
	}
	for _, r := range countsByFrequency(rest) {
		r.Label = r.Key
		out.Rows = append(out.Rows, r)
	}
	return out
}

// sortedCounts lists m most frequent first, ties by key.
func countsByFrequency(m map[string]int) []dashCount {
	out := make([]dashCount, 0, len(m))
	for k, n := range m {
		out = append(out, dashCount{Key: k, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// median returns the median of ds (the mean of the middle two for an
// even count), 0 for none. It sorts ds.
func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	m := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[m]
	}
	return (ds[m-1] + ds[m]) / 2
}
