package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/storage"
)

// retentionInterval is how often the server applies the forms' retention
// policies (and once at start).
const retentionInterval = 24 * time.Hour

// The retention command runs inside the server when one holds the store.
func init() { adminCommands["retention"] = runRetention }

// retentionApplier applies a policy or, for a dry run, counts what it
// would do (storage.RetentionService).
type retentionApplier interface {
	modulario.RetentionService
	PreviewRetention(ctx context.Context, form string, closedBefore time.Time, action modulario.RetentionAction) (modulario.RetentionResult, error)
}

// retentionJob applies the retention policy of every published form.
type retentionJob struct {
	forms  modulario.FormService
	apply  retentionApplier
	audit  modulario.AuditService // nil: no audit entries
	actor  string                 // audit actor: ActorSystem for the daily job, cliActor from the CLI
	logger *slog.Logger
}

// formRetention is what one run did (or, dry, would do) to one form.
type formRetention struct {
	modulario.RetentionResult
	Policy modulario.RetentionPolicy
	Cutoff time.Time
}

func newRetentionJob(st *store, actor string, logger *slog.Logger) retentionJob {
	return retentionJob{forms: st.Forms, apply: storage.NewRetentionService(st.db), audit: st.Audit, actor: actor, logger: logger}
}

// retentionLoop runs the job at start and every retentionInterval until
// ctx ends; a failed run is logged and retried at the next one.
func retentionLoop(st *store, logger *slog.Logger) func(context.Context) error {
	job := newRetentionJob(st, modulario.ActorSystem, logger)
	return func(ctx context.Context) error {
		t := time.NewTicker(retentionInterval)
		defer t.Stop()
		for {
			if _, err := job.run(ctx, time.Now(), false); err != nil && ctx.Err() == nil {
				logger.Error("retention run", "err", err)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	}
}

// run applies (dry: counts) every form's policy at now. A failing form is
// logged and the others still run; the errors are returned together.
func (j retentionJob) run(ctx context.Context, now time.Time, dry bool) ([]formRetention, error) {
	forms, err := j.forms.ListForms(ctx, modulario.FormFilter{})
	if err != nil {
		return nil, err
	}
	var out []formRetention
	var errs []error
	for _, f := range forms {
		policy, err := j.policy(ctx, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("form %s: %w", f.Slug, err))
			continue
		}
		if policy == nil {
			continue
		}
		r, err := j.applyForm(ctx, f.Slug, *policy, now, dry)
		if err != nil {
			j.logger.Error("retention", "form", f.Slug, "err", err)
			errs = append(errs, fmt.Errorf("form %s: %w", f.Slug, err))
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// policy returns the valid retention policy of f's live version, or nil.
func (j retentionJob) policy(ctx context.Context, f *modulario.Form) (*modulario.RetentionPolicy, error) {
	if f.Published == 0 {
		return nil, nil
	}
	v, err := j.forms.FindVersion(ctx, f.Slug, f.Published)
	if err != nil {
		return nil, err
	}
	var def struct {
		Retention *modulario.RetentionPolicy `json:"retention"`
	}
	if err := json.Unmarshal(v.Definition, &def); err != nil {
		return nil, fmt.Errorf("version %d: %w", v.Number, err)
	}
	if def.Retention == nil || !def.Retention.Valid() {
		return nil, nil
	}
	return def.Retention, nil
}

// applyForm applies (dry: counts) one form's policy, logs one line with
// the counts and, when requests were changed, records an audit entry.
func (j retentionJob) applyForm(ctx context.Context, form string, p modulario.RetentionPolicy, now time.Time, dry bool) (formRetention, error) {
	r := formRetention{Policy: p, Cutoff: p.Cutoff(now)}
	var err error
	if dry {
		r.RetentionResult, err = j.apply.PreviewRetention(ctx, form, r.Cutoff, p.Action)
	} else {
		r.RetentionResult, err = j.apply.ApplyRetention(ctx, form, r.Cutoff, p.Action)
	}
	r.Form = form
	j.logger.Info("retention", "form", form, "action", string(p.Action), "months", p.Months,
		"closed_before", r.Cutoff.Format(time.DateOnly), "deleted", r.Deleted, "anonymised", r.Anonymised, "dry_run", dry)
	if n := r.Deleted + r.Anonymised; !dry && n > 0 && j.audit != nil {
		detail := fmt.Sprintf("Retention policy (%s after %d months): %d requests closed before %s %s.",
			p.Action, p.Months, n, r.Cutoff.Format(time.DateOnly), pastTense(p.Action))
		e := &modulario.AuditEntry{Actor: j.actor, Action: "retention.apply", Target: "form:" + form, Detail: detail}
		if aerr := j.audit.RecordAudit(ctx, e); aerr != nil {
			j.logger.Warn("retention: audit log", "form", form, "err", aerr)
		}
	}
	return r, err
}

func pastTense(a modulario.RetentionAction) string {
	if a == modulario.RetentionDelete {
		return "deleted"
	}
	return "anonymised"
}

// runRetention dispatches the retention subcommands.
func runRetention(ctx context.Context, args []string, e env) int {
	return dispatch(ctx, "retention", args, e, map[string]func(context.Context, []string, env) int{
		"run": runRetentionRun,
	})
}

// runRetentionRun applies every form's retention policy now and prints
// per form what it did (with --dry-run, what it would do):
// modulario retention run [--dry-run]
func runRetentionRun(ctx context.Context, args []string, e env) int {
	var dry bool
	return adminCommand(args, e, "retention run", exactly(0), func(fs *flag.FlagSet) {
		fs.BoolVar(&dry, "dry-run", false, "only count the requests each form's policy would delete or anonymise")
	}, func(st *store, _ []string) error {
		job := newRetentionJob(st, cliActor, slog.New(slog.DiscardHandler))
		list, err := job.run(cliContext(ctx), time.Now(), dry)
		for _, r := range list {
			verb := pastTense(r.Policy.Action)
			if dry {
				verb = "to be " + verb
			}
			fmt.Fprintf(e.stdout, "%s\t%s after %d months\tclosed before %s\t%d %s\n", r.Form, r.Policy.Action,
				r.Policy.Months, r.Cutoff.Format(time.DateOnly), r.Deleted+r.Anonymised, verb)
		}
		if len(list) == 0 && err == nil {
			fmt.Fprintln(e.stdout, "No published form has a retention policy.")
		}
		return err
	})
}
