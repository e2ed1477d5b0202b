package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
)

// seedDemo imports and publishes the demo forms when the store has no form
// at all, so it never touches a database that staff already use.
func seedDemo(ctx context.Context, forms modulario.FormService, logger *slog.Logger) error {
	existing, err := forms.ListForms(ctx, modulario.FormFilter{})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		logger.Debug("demo content not seeded: the store already has forms", "forms", len(existing))
		return nil
	}
	for i, doc := range demo.Forms() {
		def, canon, err := loadDefinition(doc)
		if err != nil {
			return fmt.Errorf("demo form %d: %w", i+1, err)
		}
		out, err := importDefinition(ctx, forms, def, canon, true)
		if err != nil {
			return fmt.Errorf("demo form %s: %w", def.Slug, err)
		}
		logger.Info("seeded demo form", "slug", out.Slug, "version", out.Version)
	}
	return nil
}
