package main

import (
	"context"
	"fmt"

	"github.com/modulario/modulario"
)

func runWebhook(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "webhook", args, e, map[string]func(context.Context, []string, env) int{
		"add":    runWebhookAdd,
		"list":   runWebhookList,
		"remove": runWebhookRemove,
	})
}

// runWebhookAdd registers an endpoint and prints its signing secret once.
func runWebhookAdd(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "webhook add NAME URL", exactly(2), nil, func(st *store, args []string) error {
		w := &modulario.WebhookEndpoint{Name: args[0], URL: args[1]}
		if err := st.Webhooks.SaveWebhook(ctx, w); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "webhook %s -> %s\nsigning secret (shown once, give it to the receiver): %s\n", w.Name, w.URL, w.Secret)
		return nil
	})
}

// runWebhookList lists endpoints without their secrets.
func runWebhookList(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "webhook list", exactly(0), nil, func(st *store, _ []string) error {
		list, err := st.Webhooks.ListWebhooks(ctx)
		if err != nil {
			return err
		}
		for _, w := range list {
			fmt.Fprintf(e.stdout, "%s\t%s\n", w.Name, w.URL)
		}
		return nil
	})
}

func runWebhookRemove(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "webhook remove NAME", exactly(1), nil, func(st *store, args []string) error {
		if err := st.Webhooks.DeleteWebhook(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "webhook %s removed\n", args[0])
		return nil
	})
}
