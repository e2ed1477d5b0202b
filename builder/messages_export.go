package builder

import "github.com/modulario/modulario/i18n"

// Strings of the exports of the inbox (column titles, status and channel
// names, refusals).
var _ = addMessages(i18n.Catalog{
	"it": {
		"export.col.number":    "Numero",
		"export.col.received":  "Data ricezione",
		"export.col.form":      "Modulo",
		"export.col.version":   "Versione",
		"export.col.office":    "Ufficio",
		"export.col.status":    "Stato",
		"export.col.assignee":  "Assegnatario",
		"export.col.channel":   "Canale",
		"export.col.tags":      "Etichette",
		"export.col.in_charge": "Presa in carico",
		"export.col.due":       "Scadenza",
		"export.col.closed":    "Chiusa",
		"export.col.answers":   "Risposte",

		"export.status.received":             "Ricevuta",
		"export.status.in_charge":            "Presa in carico",
		"export.status.waiting_integration":  "In attesa di integrazione",
		"export.status.integration_received": "Integrazione ricevuta",
		"export.status.concluded":            "Conclusa",
		"export.status.rejected":             "Respinta",
		"export.status.withdrawn":            "Annullata dal cittadino",

		"export.channel.web":     "Online",
		"export.channel.api":     "API",
		"export.channel.phone":   "Telefono",
		"export.channel.counter": "Sportello",
		"export.channel.email":   "E-mail",

		"export.bad_filter":    "Impossibile esportare: alcuni filtri non sono validi.",
		"export.too_many_rows": "Le richieste sono troppe per un foglio Excel (al massimo %d). Restringi i filtri, per esempio per data, oppure scarica il file CSV.",
		"export.zip_too_large": "L'archivio conterrebbe %d file per %d MB: il massimo è %d file e %d MB. Restringi i filtri, per esempio per data o per modulo.",
	},
	"en": {
		"export.col.number":    "Number",
		"export.col.received":  "Received",
		"export.col.form":      "Form",
		"export.col.version":   "Version",
		"export.col.office":    "Office",
		"export.col.status":    "Status",
		"export.col.assignee":  "Assignee",
		"export.col.channel":   "Channel",
		"export.col.tags":      "Tags",
		"export.col.in_charge": "Taken in charge",
		"export.col.due":       "Due",
		"export.col.closed":    "Closed",
		"export.col.answers":   "Answers",

		"export.status.received":             "Received",
		"export.status.in_charge":            "Taken in charge",
		"export.status.waiting_integration":  "Waiting for more information",
		"export.status.integration_received": "Information received",
		"export.status.concluded":            "Concluded",
		"export.status.rejected":             "Rejected",
		"export.status.withdrawn":            "Withdrawn by the citizen",

		"export.channel.web":     "Online",
		"export.channel.api":     "API",
		"export.channel.phone":   "Phone",
		"export.channel.counter": "Counter",
		"export.channel.email":   "E-mail",

		"export.bad_filter":    "Cannot export: some filters are not valid.",
		"export.too_many_rows": "Too many requests for one Excel sheet (at most %d). Narrow the filters, for example by date, or download the CSV file.",
		"export.zip_too_large": "The archive would hold %d files, %d MB: the maximum is %d files and %d MB. Narrow the filters, for example by date or form.",
	},
})
