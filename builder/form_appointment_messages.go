package builder

import "github.com/modulario/modulario/i18n"

// Strings of the Appuntamento field in the form editor.
var _ = addMessages(i18n.Catalog{
	"it": {
		"fe.palette.booking":     "Prenotazione",
		"fe.appt.title":          "Nuovo campo Appuntamento",
		"fe.appt.lead":           "Il cittadino sceglie il luogo, il giorno e l'orario tra le fasce libere dei calendari che selezioni. Il campo occupa un passo da solo: se il passo %d contiene altri campi, ne viene creato uno nuovo subito dopo.",
		"fe.appt.default_label":  "Data e orario",
		"fe.appt.calendars":      "Calendari su cui prenotare",
		"fe.appt.calendars_help": "Scegli almeno un calendario: con più calendari il cittadino sceglie prima il luogo.",
		"fe.appt.no_calendars":   "Non ci sono ancora calendari.",
		"fe.appt.go_calendars":   "Crea un calendario",
		"fe.appt.add":            "Aggiungi il campo",
		"fe.appt.bound":          "Calendari:",
	},
	"en": {
		"fe.palette.booking":     "Booking",
		"fe.appt.title":          "New Appointment field",
		"fe.appt.lead":           "Citizens choose the place, the day and the time among the free slots of the calendars you select. The field takes a step of its own: if step %d has other fields, a new step is created right after it.",
		"fe.appt.default_label":  "Date and time",
		"fe.appt.calendars":      "Calendars to book on",
		"fe.appt.calendars_help": "Choose at least one calendar: with several, citizens choose the place first.",
		"fe.appt.no_calendars":   "There are no calendars yet.",
		"fe.appt.go_calendars":   "Create a calendar",
		"fe.appt.add":            "Add the field",
		"fe.appt.bound":          "Calendars:",
	},
})
