package builder

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/modulario/modulario"
)

// The calendar form writes opening hours, closures and extra openings as
// plain text that staff type and read:
//
//	hours:    "08:30-12:30, 15:00-17:00"          (empty: closed)
//	closures: "2026-12-24"                          one per line
//	          "2026-08-10 2026-08-21 Chiusura estiva"
//	openings: "2026-12-19 09:00-12:00 Apertura straordinaria"

// intervalRE is one interval as typed: "8:30-12:30", "08.30 – 12.30".
var intervalRE = regexp.MustCompile(`^(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})$`)

// dayRE is a date as typed in closures and openings.
var dayRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// textError is a parse error of one text input: Token is the part that
// could not be read; Line (1-based) is set for textareas.
type textError struct {
	Line  int
	Token string
	// Kind is "interval", "date", "to", "no_interval".
	Kind string
}

// parseIntervals reads "08:30-12:30, 15:00-17:00" (commas or semicolons
// between intervals; hours may have one digit and a dot) into intervals
// with "HH:MM" times. Ranges and order are checked by Calendar.Validate.
func parseIntervals(s string) ([]modulario.Interval, *textError) {
	var out []modulario.Interval
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		iv, ok := parseInterval(part)
		if !ok {
			return nil, &textError{Token: part, Kind: "interval"}
		}
		out = append(out, iv)
	}
	return out, nil
}

// parseInterval reads one "HH:MM-HH:MM".
func parseInterval(s string) (modulario.Interval, bool) {
	m := intervalRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return modulario.Interval{}, false
	}
	return modulario.Interval{Start: pad2(m[1]) + ":" + m[2], End: pad2(m[3]) + ":" + m[4]}, true
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// formatIntervals writes intervals as parseIntervals reads them.
func formatIntervals(list []modulario.Interval) string {
	parts := make([]string, len(list))
	for i, iv := range list {
		parts[i] = iv.Start + "-" + iv.End
	}
	return strings.Join(parts, ", ")
}

// lines splits a textarea into its non-blank lines, with their 1-based
// numbers.
func numberedLines(s string) (nums []int, lines []string) {
	for i, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			nums = append(nums, i+1)
			lines = append(lines, l)
		}
	}
	return nums, lines
}

// parseClosures reads one closure per line: "FROM [TO] [reason]". It
// also returns the line number of each closure, for error messages.
func parseClosures(s string) ([]modulario.Closure, []int, *textError) {
	var out []modulario.Closure
	nums, lines := numberedLines(s)
	for i, l := range lines {
		f := strings.Fields(l)
		if !dayRE.MatchString(f[0]) {
			return nil, nil, &textError{Line: nums[i], Token: f[0], Kind: "date"}
		}
		cl := modulario.Closure{From: f[0]}
		rest := f[1:]
		if len(rest) > 0 && (rest[0] == "-" || rest[0] == "–") {
			rest = rest[1:] // "2026-08-10 - 2026-08-21"
			if len(rest) == 0 || !dayRE.MatchString(rest[0]) {
				return nil, nil, &textError{Line: nums[i], Token: l, Kind: "to"}
			}
		}
		if len(rest) > 0 && dayRE.MatchString(rest[0]) {
			cl.To, rest = rest[0], rest[1:]
			if cl.To == cl.From {
				cl.To = "" // "FROM FROM reason", as formatClosures writes one day with a reason
			}
		}
		cl.Reason = strings.Join(rest, " ")
		out = append(out, cl)
	}
	return out, nums, nil
}

// formatClosures writes closures as parseClosures reads them.
func formatClosures(list []modulario.Closure) string {
	var b strings.Builder
	for _, cl := range list {
		to := cl.To
		if to == "" && cl.Reason != "" {
			// "FROM FROM reason": a reason that starts with a date or a
			// "-" is never read back as the end of a range.
			to = cl.From
		}
		b.WriteString(strings.Join(nonEmpty(cl.From, to, cl.Reason), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// parseOpenings reads one extra opening per line: "DATE INTERVALS
// [reason]", intervals separated by commas.
func parseOpenings(s string) ([]modulario.Opening, []int, *textError) {
	var out []modulario.Opening
	nums, lines := numberedLines(s)
	for i, l := range lines {
		f := strings.Fields(l)
		if !dayRE.MatchString(f[0]) {
			return nil, nil, &textError{Line: nums[i], Token: f[0], Kind: "date"}
		}
		o := modulario.Opening{Date: f[0]}
		// Intervals come first; a token may carry a trailing comma, or
		// be "08:30" "-" "12:30" written with spaces.
		rest := strings.Join(f[1:], " ")
		for {
			rest = strings.TrimLeft(rest, " ,;")
			m := leadingIntervalRE.FindString(rest)
			if m == "" {
				break
			}
			iv, _ := parseInterval(m)
			o.Intervals = append(o.Intervals, iv)
			rest = rest[len(m):]
		}
		if len(o.Intervals) == 0 {
			return nil, nil, &textError{Line: nums[i], Token: l, Kind: "no_interval"}
		}
		o.Reason = strings.TrimSpace(rest)
		out = append(out, o)
	}
	return out, nums, nil
}

// leadingIntervalRE finds an interval at the start of a string.
var leadingIntervalRE = regexp.MustCompile(`^\d{1,2}[:.]\d{2}\s*[-–—]\s*\d{1,2}[:.]\d{2}`)

// formatOpenings writes openings as parseOpenings reads them.
func formatOpenings(list []modulario.Opening) string {
	var b strings.Builder
	for _, o := range list {
		b.WriteString(strings.Join(nonEmpty(o.Date, formatIntervals(o.Intervals), o.Reason), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// nonEmpty drops empty strings.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// String is for logs and tests.
func (e *textError) String() string { return fmt.Sprintf("line %d %s: %q", e.Line, e.Kind, e.Token) }
