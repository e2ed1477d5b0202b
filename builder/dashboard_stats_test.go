package builder

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/schemas"
)

func rome(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at returns 2026-03-day hh:00 in Rome.
func at(loc *time.Location, day, hour int) time.Time {
	return time.Date(2026, 3, day, hour, 0, 0, 0, loc)
}

func ptr(t time.Time) *time.Time { return &t }

// seedStatsSubs are five requests, one before the period.
func seedStatsSubs(loc *time.Location) []*modulario.Submission {
	return []*modulario.Submission{
		{FormSlug: "seg", Status: modulario.StatusReceived, CreatedAt: at(loc, 4, 9), Tags: []string{"strade"},
			Data: json.RawMessage(`{"tipo":"buca","servizi":["acqua","luce"],"luogo":{"zona":"nord"}}`)},
		{FormSlug: "seg", Status: modulario.StatusInCharge, CreatedAt: at(loc, 4, 10),
			TakenInChargeAt: ptr(at(loc, 4, 12)), Data: json.RawMessage(`{"tipo":"luce","servizi":[]}`)},
		{FormSlug: "seg", Status: modulario.StatusConcluded, CreatedAt: at(loc, 6, 8), Tags: []string{"strade", "luce"},
			TakenInChargeAt: ptr(at(loc, 6, 12)), ClosedAt: ptr(at(loc, 8, 8)), Data: json.RawMessage(`{"tipo":"buca"}`)},
		{FormSlug: "altro", Status: modulario.StatusRejected, CreatedAt: at(loc, 10, 9),
			TakenInChargeAt: ptr(at(loc, 10, 10)), ClosedAt: ptr(at(loc, 10, 11)), Data: json.RawMessage(`{"tipo":"vecchio"}`)},
		{FormSlug: "seg", Status: modulario.StatusReceived, CreatedAt: at(loc, 1, 9), Data: json.RawMessage(`{"tipo":"buca"}`)},
	}
}

// statsFields are a radio, a checkbox list and a choice inside a group.
func statsFields() []*schemas.Field {
	return []*schemas.Field{
		{Pointer: "/tipo", Label: "Tipo", Kind: schemas.KindRadio,
			Options: []schemas.Option{{Value: "buca", Label: "Buca in strada"}, {Value: "luce", Label: "Lampione"}, {Value: "rifiuti", Label: "Rifiuti"}}},
		{Pointer: "/servizi", Label: "Servizi", Kind: schemas.KindCheckboxes,
			Options: []schemas.Option{{Value: "acqua", Label: "Acqua"}, {Value: "luce", Label: "Luce"}}},
		{Pointer: "/luogo/zona", Label: "Zona", Kind: schemas.KindSelect,
			Options: []schemas.Option{{Value: "nord", Label: "Nord"}, {Value: "sud", Label: "Sud"}}},
	}
}

func counts(list []dashCount) map[string]int {
	m := map[string]int{}
	for _, kc := range list {
		m[kc.Key] = kc.Count
	}
	return m
}

func TestStatsCollector(t *testing.T) {
	loc := rome(t)
	p := newDashPeriod(at(loc, 10, 11), 7, false, loc)
	if !p.From.Equal(at(loc, 4, 0)) {
		t.Fatalf("From = %v, want 4 March midnight", p.From)
	}
	sc := newStatsCollector(p, statsFields())
	for _, s := range seedStatsSubs(loc) {
		sc.add(s)
	}
	st := sc.finish()
	if st.Total != 4 || st.Open != 2 {
		t.Errorf("total %d open %d, want 4 and 2", st.Total, st.Open)
	}
	if len(st.Buckets) != 7 {
		t.Fatalf("%d buckets, want 7 days", len(st.Buckets))
	}
	want := map[int][2]int{4: {2, 2}, 5: {0, 0}, 6: {1, 0}, 10: {1, 0}}
	for _, b := range st.Buckets {
		w := want[b.Start.Day()]
		if b.Received != w[0] || b.Open != w[1] {
			t.Errorf("day %d: %d received %d open, want %v", b.Start.Day(), b.Received, b.Open, w)
		}
	}
	status := counts(st.ByStatus)
	if len(st.ByStatus) != len(modulario.Statuses) || status["received"] != 1 || status["in_charge"] != 1 ||
		status["concluded"] != 1 || status["rejected"] != 1 || status["withdrawn"] != 0 {
		t.Errorf("by status %v", st.ByStatus)
	}
	if st.TakeMedian != 2*time.Hour || st.TakeN != 3 {
		t.Errorf("take median %v over %d, want 2h over 3", st.TakeMedian, st.TakeN)
	}
	if st.CloseMedian != 25*time.Hour || st.CloseN != 2 {
		t.Errorf("close median %v over %d, want 25h (48h and 2h) over 2", st.CloseMedian, st.CloseN)
	}
	if tags := counts(st.ByTag); tags["strade"] != 2 || tags["luce"] != 1 || st.ByTag[0].Key != "strade" {
		t.Errorf("by tag %v", st.ByTag)
	}
	if forms := counts(st.ByForm); forms["seg"] != 3 || forms["altro"] != 1 {
		t.Errorf("by form %v", st.ByForm)
	}
	checkChoices(t, st.Choices)
}

func checkChoices(t *testing.T, ch []choiceCount) {
	t.Helper()
	if len(ch) != 3 {
		t.Fatalf("%d choice fields", len(ch))
	}
	tipo := ch[0]
	wantRows := []dashCount{{"buca", 2, "Buca in strada"}, {"luce", 1, "Lampione"}, {"rifiuti", 0, "Rifiuti"}, {"vecchio", 1, "vecchio"}}
	if tipo.Answered != 4 || len(tipo.Rows) != len(wantRows) {
		t.Fatalf("tipo: %+v", tipo)
	}
	for i, w := range wantRows {
		if tipo.Rows[i] != w {
			t.Errorf("tipo row %d = %+v, want %+v", i, tipo.Rows[i], w)
		}
	}
	if s := counts(ch[1].Rows); ch[1].Answered != 1 || s["acqua"] != 1 || s["luce"] != 1 {
		t.Errorf("servizi (an empty list is no answer): %+v", ch[1])
	}
	if z := counts(ch[2].Rows); ch[2].Answered != 1 || z["nord"] != 1 || z["sud"] != 0 {
		t.Errorf("zona in a group: %+v", ch[2])
	}
}

func TestDashPeriodWeeks(t *testing.T) {
	loc := rome(t)
	p := newDashPeriod(at(loc, 10, 11), 30, true, loc) // Tuesday 10 March
	starts := p.starts()
	if got := p.bucketStart(at(loc, 10, 11)); !got.Equal(at(loc, 9, 0)) {
		t.Errorf("week of 10 March starts %v, want Monday 9", got)
	}
	if len(starts) != 5 || starts[0].Weekday() != time.Monday || !starts[4].Equal(at(loc, 9, 0)) {
		t.Errorf("starts %v", starts)
	}
	if p.From.Format("2006-01-02") != "2026-02-09" {
		t.Errorf("From %v, want 9 February (30 days with today)", p.From)
	}
}

func TestMedianDuration(t *testing.T) {
	if medianDuration(nil) != 0 {
		t.Error("empty")
	}
	if m := medianDuration([]time.Duration{5, 1, 3}); m != 3 {
		t.Errorf("odd median %v", m)
	}
	if m := medianDuration([]time.Duration{4, 1, 3, 10}); m != 3 {
		t.Errorf("even median %v, want (3+4)/2 = 3 (integer)", m)
	}
}

func TestComputeRatings(t *testing.T) {
	loc := rome(t)
	p := newDashPeriod(at(loc, 10, 11), 30, false, loc)
	list := []*modulario.Rating{
		{FormSlug: "seg", Stars: 5, Reason: "chiarezza", CreatedAt: at(loc, 2, 9)},
		{FormSlug: "seg", Stars: 4, Reason: "chiarezza", CreatedAt: at(loc, 3, 9)},
		{FormSlug: "seg", Stars: 1, Reason: "tecnica", CreatedAt: at(loc, 10, 9)},
		{FormSlug: "altro", Stars: 3, Reason: "boh", CreatedAt: at(loc, 10, 9)},
		{FormSlug: "nascosto", Stars: 5, CreatedAt: at(loc, 10, 9)},                    // out of scope
		{FormSlug: "seg", Stars: 2, CreatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, loc)}, // before the period
	}
	rs := computeRatings(list, p, func(f string) bool { return f != "nascosto" })
	if rs.Count != 4 || math.Abs(rs.Average-13.0/4) > 1e-9 {
		t.Errorf("count %d average %v, want 4 and 3.25", rs.Count, rs.Average)
	}
	if rs.Dist != [5]int{1, 0, 1, 1, 1} {
		t.Errorf("distribution %v", rs.Dist)
	}
	if len(rs.ByForm) != 2 || rs.ByForm[0].Slug != "seg" || rs.ByForm[0].Count != 3 ||
		math.Abs(rs.ByForm[0].Average-10.0/3) > 1e-9 {
		t.Errorf("by form %+v", rs.ByForm)
	}
	if pos := counts(rs.Positive); pos["chiarezza"] != 2 || len(rs.Positive) != len(modulario.RatingReasons) {
		t.Errorf("positive %v", rs.Positive)
	}
	if neg := counts(rs.Negative); neg["tecnica"] != 1 || neg["boh"] != 1 {
		t.Errorf("negative %v", rs.Negative)
	}
	var n, weeks int
	for _, b := range rs.Trend {
		weeks++
		n += b.Count
		if b.Start.Weekday() != time.Monday {
			t.Errorf("trend bucket %v is not a Monday", b.Start)
		}
	}
	if n != 4 || weeks != 5 || rs.Monthly {
		t.Errorf("trend: %d ratings over %d weeks (monthly %v)", n, weeks, rs.Monthly)
	}
	year := computeRatings(list, newDashPeriod(at(loc, 10, 11), 365, true, loc), func(string) bool { return true })
	if !year.Monthly || len(year.Trend) != 13 || year.Trend[0].Start.Day() != 1 {
		t.Errorf("year trend: monthly %v, %d buckets", year.Monthly, len(year.Trend))
	}
}

func TestDashCache(t *testing.T) {
	c := &dashCache{entries: map[string]*dashStats{}}
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	c.put("a", &dashStats{ComputedAt: now}, now)
	if c.get("a", now.Add(59*time.Second)) == nil {
		t.Error("fresh entry not returned")
	}
	if c.get("a", now.Add(61*time.Second)) != nil {
		t.Error("stale entry returned")
	}
	for i := 0; i < dashCacheMax+10; i++ {
		at := now.Add(time.Duration(i) * time.Millisecond)
		c.put("k"+strconv.Itoa(i), &dashStats{ComputedAt: at}, at)
	}
	if n := c.count(); n > dashCacheMax {
		t.Errorf("%d entries, bound is %d", n, dashCacheMax)
	}
	last := now.Add(time.Duration(dashCacheMax+9) * time.Millisecond)
	if c.get("k"+strconv.Itoa(dashCacheMax+9), last) == nil || c.get("k0", last) != nil {
		t.Error("the newest entry must stay and the oldest go")
	}
}

func TestDashCacheKey(t *testing.T) {
	a := dashParams{Offices: []string{"b", "a"}, Days: 90, Week: true}
	b := dashParams{Offices: []string{"a", "b"}, Days: 90, Week: true}
	all := dashParams{Days: 90, Week: true}
	none := dashParams{Offices: []string{}, Days: 90, Week: true}
	if a.cacheKey() != b.cacheKey() {
		t.Error("the order of offices must not matter")
	}
	if all.cacheKey() == none.cacheKey() {
		t.Error("every office (nil) and no office (empty) must differ")
	}
	if a.cacheKey() == (dashParams{Offices: []string{"a", "b"}, Days: 30, Week: true}).cacheKey() {
		t.Error("the period must be part of the key")
	}
}
