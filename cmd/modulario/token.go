package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/modulario/modulario"
)

// The token commands run through the admin socket like the other
// management commands, so they work while the server holds the database.
func init() { adminCommands["token"] = runToken }

func runToken(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "token", args, e, map[string]func(context.Context, []string, env) int{
		"create": runTokenCreate,
		"list":   runTokenList,
		"revoke": runTokenRevoke,
	})
}

// runTokenCreate creates an API token and prints its secret once, alone on
// stdout (so TOKEN=$(modulario token create ...) works); the rest goes to
// stderr:
// modulario token create --office SLUG [--office SLUG2] --scope read|write [--pages] NAME
func runTokenCreate(ctx context.Context, args []string, e env) int {
	var offices listFlag
	var scope string
	var pages bool
	return adminCommand(args, e, "token create NAME", exactly(1), func(fs *flag.FlagSet) {
		fs.Var(&offices, "office", "`slug` of an office whose requests the token may use (repeat, or comma-separated)")
		fs.StringVar(&scope, "scope", "", "`scope`: read (list and read requests and forms) or write (also change status, add notes, save form drafts and publish)")
		fs.BoolVar(&pages, "pages", false, "also let the token read (and, with write, change) the information pages")
	}, func(st *store, args []string) error {
		ctx := cliContext(ctx)
		t := &modulario.APIToken{Name: args[0], Offices: offices, Scope: modulario.TokenScope(scope), Pages: pages, CreatedBy: cliActor}
		secret, err := st.Tokens.CreateToken(ctx, t)
		if err != nil {
			return err
		}
		recordCLI(ctx, st, e, "token.create", "token:"+t.ID, fmt.Sprintf("Created API token %q (%s) from the command line.", t.Name, tokenGrants(t)))
		fmt.Fprintf(e.stderr, "token %s created: %s (%s)\n", t.ID, t.Name, tokenGrants(t))
		fmt.Fprintln(e.stdout, secret)
		fmt.Fprintln(e.stderr, "This secret is shown only now: store it safely. Send it as \"Authorization: Bearer <secret>\".")
		return nil
	})
}

// runTokenList lists tokens, newest first, without secrets or hashes:
// ID, name, scope, offices, created, last used, state.
func runTokenList(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "token list", exactly(0), nil, func(st *store, _ []string) error {
		list, err := st.Tokens.ListTokens(ctx)
		if err != nil {
			return err
		}
		for _, t := range list {
			lastUsed, state := "never used", "active"
			if t.LastUsedAt != nil {
				lastUsed = "used " + t.LastUsedAt.Format(time.RFC3339)
			}
			if t.RevokedAt != nil {
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			}
			scope := string(t.Scope)
			if t.Pages {
				scope += "+pages"
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, scope, strings.Join(t.Offices, ","),
				t.CreatedAt.Format(time.RFC3339), lastUsed, state)
		}
		return nil
	})
}

// runTokenRevoke revokes a token for good: modulario token revoke ID
func runTokenRevoke(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "token revoke ID", exactly(1), nil, func(st *store, args []string) error {
		ctx := cliContext(ctx)
		if err := st.Tokens.RevokeToken(ctx, args[0]); err != nil {
			return err
		}
		recordCLI(ctx, st, e, "token.revoke", "token:"+args[0], "Revoked API token "+args[0]+" from the command line.")
		fmt.Fprintf(e.stdout, "token %s revoked\n", args[0])
		return nil
	})
}

// tokenGrants describes what a token may do: "write; offices tributi,
// anagrafe; pages".
func tokenGrants(t *modulario.APIToken) string {
	out := string(t.Scope) + "; offices " + strings.Join(t.Offices, ", ")
	if t.Pages {
		out += "; pages"
	}
	return out
}
