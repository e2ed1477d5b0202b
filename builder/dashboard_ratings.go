package builder

import (
	"sort"
	"time"

	"github.com/modulario/modulario"
)

// ratingStats summarise the citizens' ratings of the period.
type ratingStats struct {
	Count   int
	Average float64
	// Dist counts the ratings with 1 to 5 stars (Dist[0] is 1 star).
	Dist   [modulario.MaxRatingStars]int
	ByForm []formRating
	// Trend is the average per week, or per month (Monthly) for periods
	// longer than 90 days.
	Trend   []ratingBucket
	Monthly bool
	// Positive and Negative count the answers to the follow-up question
	// (what went well with 4–5 stars, what went wrong with 1–3), in
	// modulario.RatingReasons order.
	Positive, Negative []dashCount
}

// formRating is the ratings of one form.
type formRating struct {
	Slug    string
	Count   int
	Average float64
}

// ratingBucket is the ratings of one week or month.
type ratingBucket struct {
	Start   time.Time
	Count   int
	Average float64
}

// computeRatings summarises the ratings given in period p to the forms
// allowed accepts.
func computeRatings(list []*modulario.Rating, p dashPeriod, allowed func(form string) bool) ratingStats {
	rs := ratingStats{Monthly: p.Days > 90}
	sums := map[string][2]int{}            // form → count, stars
	trend := map[time.Time]*ratingBucket{} // bucket → count, Average as sum
	pos, neg := map[string]int{}, map[string]int{}
	total := 0
	for _, r := range list {
		if r.CreatedAt.Before(p.From) || r.CreatedAt.After(p.Now) || !allowed(r.FormSlug) ||
			r.Stars < modulario.MinRatingStars || r.Stars > modulario.MaxRatingStars {
			continue
		}
		rs.Count++
		total += r.Stars
		rs.Dist[r.Stars-1]++
		f := sums[r.FormSlug]
		sums[r.FormSlug] = [2]int{f[0] + 1, f[1] + r.Stars}
		start := rs.trendStart(p, r.CreatedAt)
		b := trend[start]
		if b == nil {
			b = &ratingBucket{Start: start}
			trend[start] = b
		}
		b.Count++
		b.Average += float64(r.Stars)
		if r.Reason != "" {
			if modulario.RatingIsPositive(r.Stars) {
				pos[r.Reason]++
			} else {
				neg[r.Reason]++
			}
		}
	}
	if rs.Count > 0 {
		rs.Average = float64(total) / float64(rs.Count)
	}
	for slug, v := range sums {
		rs.ByForm = append(rs.ByForm, formRating{Slug: slug, Count: v[0], Average: float64(v[1]) / float64(v[0])})
	}
	sort.Slice(rs.ByForm, func(i, j int) bool {
		if rs.ByForm[i].Count != rs.ByForm[j].Count {
			return rs.ByForm[i].Count > rs.ByForm[j].Count
		}
		return rs.ByForm[i].Slug < rs.ByForm[j].Slug
	})
	for _, start := range rs.trendStarts(p) {
		b := ratingBucket{Start: start}
		if x := trend[start]; x != nil {
			b = ratingBucket{Start: start, Count: x.Count, Average: x.Average / float64(x.Count)}
		}
		rs.Trend = append(rs.Trend, b)
	}
	rs.Positive, rs.Negative = ratingReasonCounts(pos), ratingReasonCounts(neg)
	return rs
}

// trendStart is the first day of the week or month holding t.
func (rs *ratingStats) trendStart(p dashPeriod, t time.Time) time.Time {
	if !rs.Monthly {
		return dashPeriod{Week: true, Loc: p.Loc}.bucketStart(t)
	}
	l := t.In(p.Loc)
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, p.Loc)
}

// trendStarts lists the trend's buckets over the period.
func (rs *ratingStats) trendStarts(p dashPeriod) []time.Time {
	var out []time.Time
	for d := rs.trendStart(p, p.From); !d.After(p.Now); {
		out = append(out, d)
		if rs.Monthly {
			d = d.AddDate(0, 1, 0)
		} else {
			d = d.AddDate(0, 0, 7)
		}
	}
	return out
}

// reasonCounts lists the known reasons in order, then any other key.
func ratingReasonCounts(m map[string]int) []dashCount {
	var out []dashCount
	known := map[string]bool{}
	for _, k := range modulario.RatingReasons {
		known[k] = true
		out = append(out, dashCount{Key: k, Count: m[k]})
	}
	rest := map[string]int{}
	for k, n := range m {
		if !known[k] {
			rest[k] = n
		}
	}
	return append(out, countsByFrequency(rest)...)
}
