package builder

import "github.com/modulario/modulario/i18n"

// Strings of the "Conservazione dei dati" part of the form settings.
var _ = addMessages(i18n.Catalog{
	"it": {
		"fe.settings.err_retention_action":  "Scegli che cosa fare delle richieste chiuse: conservarle, cancellarle o anonimizzarle.",
		"fe.settings.err_retention_months":  "Il periodo di conservazione deve essere un numero intero di mesi da 1 a 1200.",
		"fe.settings.retention":             "Conservazione dei dati",
		"fe.settings.retention_help":        "Che cosa succede alle richieste concluse, respinte o ritirate, contando i mesi dalla chiusura (limitazione della conservazione, GDPR). La regola vale dopo la pubblicazione: ogni giorno Modulario applica quella della versione pubblicata.",
		"fe.settings.retention_none":        "Conserva le richieste senza scadenza",
		"fe.settings.retention_delete":      "Cancella le richieste con allegati, appuntamenti e notifiche",
		"fe.settings.retention_anonymise":   "Anonimizza: conserva solo i dati per le statistiche (modulo, ufficio, stato, canale, date, etichette)",
		"fe.settings.retention_months":      "Dopo quanti mesi dalla chiusura",
		"fe.settings.retention_months_help": "Da 1 a 1200 mesi; serve solo per cancellare o anonimizzare.",
	},
	"en": {
		"fe.settings.err_retention_action":  "Choose what happens to closed requests: keep, delete or anonymise them.",
		"fe.settings.err_retention_months":  "The retention period must be a whole number of months from 1 to 1200.",
		"fe.settings.retention":             "Data retention",
		"fe.settings.retention_help":        "What happens to concluded, rejected or withdrawn requests, counting months from closing (GDPR storage limitation). The rule takes effect once the form is published: every day Modulario applies the published version's rule.",
		"fe.settings.retention_none":        "Keep requests with no time limit",
		"fe.settings.retention_delete":      "Delete requests with their files, appointments and notifications",
		"fe.settings.retention_anonymise":   "Anonymise: keep only what statistics need (form, office, status, channel, dates, tags)",
		"fe.settings.retention_months":      "Months after closing",
		"fe.settings.retention_months_help": "From 1 to 1200 months; needed only to delete or anonymise.",
	},
})
