package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/modulario/modulario"
)

func runOffice(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "office", args, e, map[string]func(context.Context, []string, env) int{
		"add":    runOfficeAdd,
		"list":   runOfficeList,
		"remove": runOfficeRemove,
	})
}

// runOfficeAdd creates or replaces an office:
// modulario office add --name "Ufficio tecnico" --email a@x.it,b@x.it [--pec p@pec.x.it] SLUG
func runOfficeAdd(ctx context.Context, args []string, e env) int {
	var name, emails, pec string
	return adminCommand(args, e, "office add SLUG", exactly(1), func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "the office's `name` as citizens and staff read it")
		fs.StringVar(&emails, "email", "", "comma-separated email `addresses` that receive its requests")
		fs.StringVar(&pec, "pec", "", "certified email (PEC) `address`, optional")
	}, func(st *store, args []string) error {
		o := &modulario.Office{Slug: args[0], Name: name, Emails: splitList(emails), PEC: pec}
		if err := st.Offices.SaveOffice(ctx, o); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "office %s saved: %s <%s>\n", o.Slug, o.Name, strings.Join(o.Emails, ", "))
		if len(o.Emails) == 0 {
			fmt.Fprintf(e.stderr, "warning: office %s has no e-mail address: e-mails a rule sends \"to\": \"office\" "+
				"cannot be delivered (add one with --email)\n", o.Slug)
		}
		return nil
	})
}

func runOfficeList(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "office list", exactly(0), nil, func(st *store, _ []string) error {
		offices, err := st.Offices.ListOffices(ctx)
		if err != nil {
			return err
		}
		for _, o := range offices {
			line := fmt.Sprintf("%s\t%s\t%s", o.Slug, o.Name, strings.Join(o.Emails, ","))
			if o.PEC != "" {
				line += "\tPEC " + o.PEC
			}
			fmt.Fprintln(e.stdout, line)
		}
		return nil
	})
}

// runOfficeRemove deletes an office that no form, rule or user uses any
// more (storage refuses otherwise, naming them).
func runOfficeRemove(ctx context.Context, args []string, e env) int {
	return adminCommand(args, e, "office remove SLUG", exactly(1), nil, func(st *store, args []string) error {
		if err := st.Offices.DeleteOffice(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "office %s removed\n", args[0])
		return nil
	})
}
