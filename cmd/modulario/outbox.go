package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/modulario/modulario"
)

func runOutbox(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "outbox", args, e, map[string]func(context.Context, []string, env) int{
		"list":  runOutboxList,
		"show":  runOutboxShow,
		"retry": runOutboxRetry,
	})
}

// runOutboxList prints one line per message: id, status, channel, attempts,
// submission, next attempt or sent time, last error.
func runOutboxList(ctx context.Context, args []string, e env) int {
	var f modulario.OutboxFilter
	var status string
	var sub uint64
	return adminCommand(args, e, "outbox list", exactly(0), func(fs *flag.FlagSet) {
		fs.StringVar(&status, "status", "", "only messages in this `status`: pending, sent, dead")
		fs.StringVar(&f.Channel, "channel", "", "only this `channel`: email, webhook, appio, sms, whatsapp")
		fs.Uint64Var(&sub, "submission", 0, "only the messages of this submission `id`")
		fs.IntVar(&f.Limit, "limit", 100, "at most `n` messages, newest first")
	}, func(st *store, _ []string) error {
		f.Status, f.SubmissionID = modulario.OutboxStatus(status), sub
		list, err := st.Outbox.ListOutbox(ctx, f)
		if err != nil {
			return err
		}
		for _, m := range list {
			when := "next " + m.NextAttemptAt.Format(time.RFC3339)
			if m.SentAt != nil {
				when = "sent " + m.SentAt.Format(time.RFC3339)
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%d attempts\tsubmission %d\t%s\t%s\n",
				m.ID, m.Status, m.Channel, len(m.Attempts), m.SubmissionID, when, m.LastError)
		}
		return nil
	})
}

// runOutboxShow prints a message with every attempt.
func runOutboxShow(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "outbox show ID", exactly(1), nil, func(st *store, args []string) error {
		m, err := st.Outbox.FindOutboxMessage(ctx, args[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "id:         %s\nstatus:     %s\nchannel:    %s\nrule:       %s\nevent:      %s\nsubmission: %d\naction:     %s\ncreated:    %s\n",
			m.ID, m.Status, m.Channel, m.Rule, m.Event, m.SubmissionID, m.Action, m.CreatedAt.Format(time.RFC3339))
		if m.Status == modulario.OutboxPending {
			fmt.Fprintf(e.stdout, "next:       %s\n", m.NextAttemptAt.Format(time.RFC3339))
		}
		for i, a := range m.Attempts {
			outcome := "ok"
			if !a.OK {
				outcome = "failed: " + a.Error
			}
			fmt.Fprintf(e.stdout, "attempt %d:  %s (%s) %s\n", i+1, a.At.Format(time.RFC3339), a.Duration.Round(time.Millisecond), outcome)
		}
		return nil
	})
}

// runOutboxRetry makes a dead or pending message due now; a running server
// sends it within a second.
func runOutboxRetry(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "outbox retry ID", exactly(1), nil, func(st *store, args []string) error {
		if err := st.Outbox.RetryOutboxMessage(ctx, args[0], time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "message %s is due now\n", args[0])
		return nil
	})
}
