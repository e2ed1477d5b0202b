package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/modulario/modulario"
)

func runOutbox(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "outbox", args, e, map[string]func(context.Context, []string, env) int{
		"list":  runOutboxList,
		"show":  runOutboxShow,
		"retry": runOutboxRetry,
	})
}

// outboxStatuses are the values --status accepts (outboxChannels those
// of --channel).
var outboxStatuses = []string{string(modulario.OutboxPending), string(modulario.OutboxSent),
	string(modulario.OutboxDead), string(modulario.OutboxSkipped)}

// knownValue reports whether value is empty or one of valid; otherwise it
// says so on stderr (a usage error: a typo must not look like "none").
func knownValue(e env, flagName, value string, valid []string) bool {
	if value == "" || slices.Contains(valid, value) {
		return true
	}
	fmt.Fprintf(e.stderr, "modulario: --%s %q is not one of %s\n", flagName, value, strings.Join(valid, ", "))
	return false
}

// runOutboxList prints one line per message: id, status, channel, attempts,
// submission, next attempt (pending), sent time (sent) or "-", last error
// (one line, without control characters).
func runOutboxList(ctx context.Context, args []string, e env) int {
	var f modulario.OutboxFilter
	var status string
	var sub uint64
	return adminCommand(args, e, "outbox list", func(n int) bool {
		return n == 0 && knownValue(e, "status", status, outboxStatuses) && knownValue(e, "channel", f.Channel, outboxChannels)
	}, func(fs *flag.FlagSet) {
		fs.StringVar(&status, "status", "", "only messages in this `status`: "+strings.Join(outboxStatuses, ", "))
		fs.StringVar(&f.Channel, "channel", "", "only this `channel`: "+strings.Join(outboxChannels, ", "))
		fs.Uint64Var(&sub, "submission", 0, "only the messages of this submission `id`")
		fs.IntVar(&f.Limit, "limit", 100, "at most `n` messages, newest first")
	}, func(st *store, _ []string) error {
		f.Status, f.SubmissionID = modulario.OutboxStatus(status), sub
		list, err := st.Outbox.ListOutbox(ctx, f)
		if err != nil {
			return err
		}
		for _, m := range list {
			when := "-"
			switch {
			case m.SentAt != nil:
				when = "sent " + m.SentAt.Format(time.RFC3339)
			case m.Status == modulario.OutboxPending:
				when = "next " + m.NextAttemptAt.Format(time.RFC3339)
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%d attempts\tsubmission %d\t%s\t%s\n",
				m.ID, m.Status, m.Channel, len(m.Attempts), m.SubmissionID, when, terminalText(m.LastError, 200))
		}
		return nil
	})
}

// terminalText makes a receiver's error text safe for a terminal: control
// characters (escape sequences, line breaks) become spaces, runs of
// spaces one, and max > 0 cuts it to max characters.
func terminalText(s string, max int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }), " ")
	if max > 0 && utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max-1]) + "…"
	}
	return s
}

// runOutboxShow prints a message with every attempt.
func runOutboxShow(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "outbox show ID", exactly(1), nil, func(st *store, args []string) error {
		m, err := st.Outbox.FindOutboxMessage(ctx, args[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "id:         %s\nstatus:     %s\nchannel:    %s\nrule:       %s\nevent:      %s\nsubmission: %d\naction:     %s\ncreated:    %s\n",
			m.ID, m.Status, m.Channel, terminalText(m.Rule, 0), m.Event, m.SubmissionID, terminalText(string(m.Action), 0),
			m.CreatedAt.Format(time.RFC3339))
		if m.Status == modulario.OutboxPending {
			fmt.Fprintf(e.stdout, "next:       %s\n", m.NextAttemptAt.Format(time.RFC3339))
		}
		for i, a := range m.Attempts {
			outcome := "ok"
			if !a.OK {
				outcome = "failed: " + terminalText(a.Error, 0)
			}
			fmt.Fprintf(e.stdout, "attempt %d:  %s (%s) %s\n", i+1, a.At.Format(time.RFC3339), a.Duration.Round(time.Millisecond), outcome)
		}
		return nil
	})
}

// runOutboxRetry makes one dead or pending message due now, or with
// --dead every dead message (of one --channel): after fixing a channel's
// configuration, its dead letters go out again. A running server sends
// them within a second.
func runOutboxRetry(ctx context.Context, args []string, e env) int {
	var dead bool
	var channel string
	return adminCommand(args, e, "outbox retry ID | --dead [--channel C]", func(n int) bool {
		return (n == 1 && !dead && channel == "") || (n == 0 && dead && knownValue(e, "channel", channel, outboxChannels))
	}, func(fs *flag.FlagSet) {
		fs.BoolVar(&dead, "dead", false, "retry every dead message instead of one ID")
		fs.StringVar(&channel, "channel", "", "with --dead, only this `channel`: "+strings.Join(outboxChannels, ", "))
	}, func(st *store, args []string) error {
		if dead {
			n, err := st.outbox.RetryDead(ctx, channel, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%d dead messages are due now\n", n)
			return nil
		}
		if err := st.Outbox.RetryOutboxMessage(ctx, args[0], time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "message %s is due now\n", args[0])
		return nil
	})
}
