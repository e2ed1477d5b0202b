package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/demo"
)

// demoOffices are the offices the demo forms route to. Their addresses use
// the reserved example domain: with a real SMTP server configured, mail to
// them is accepted by the server and goes nowhere.
var demoOffices = []modulario.Office{
	{Slug: "urp", Name: "Ufficio Relazioni con il Pubblico", Emails: []string{"urp@comune.example"}, PEC: "protocollo@pec.comune.example"},
	{Slug: "anagrafe", Name: "Servizi demografici", Emails: []string{"anagrafe@comune.example"}},
	{Slug: "ufficio-tecnico", Name: "Ufficio tecnico", Emails: []string{"ufficio.tecnico@comune.example"}},
	{Slug: "servizio-idrico", Name: "Servizio idrico", Emails: []string{"acquedotto@comune.example"}},
	{Slug: "servizio-istruzione", Name: "Servizi scolastici", Emails: []string{"scuola@comune.example"}},
}

// seedDemo imports and publishes the demo forms and their offices when the
// store has no form at all, so it never touches a database that staff use.
func seedDemo(ctx context.Context, forms modulario.FormService, offices modulario.OfficeService, logger *slog.Logger) error {
	existing, err := forms.ListForms(ctx, modulario.FormFilter{})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		logger.Debug("demo content not seeded: the store already has forms", "forms", len(existing))
		return nil
	}
	for _, o := range demoOffices {
		office := o
		if err := offices.SaveOffice(ctx, &office); err != nil {
			return fmt.Errorf("demo office %s: %w", o.Slug, err)
		}
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
