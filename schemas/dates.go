package schemas

import (
	"fmt"
	"time"
)

// Names of weekdays (time.Weekday order) and months, Italian and English,
// for the dates people read: answers, appointments, agendas, e-mails.
var (
	weekdayNames = map[string][7]string{
		"it": {"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"},
		"en": {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	}
	monthNames = map[string][12]string{
		"it": {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
			"settembre", "ottobre", "novembre", "dicembre"},
		"en": {"January", "February", "March", "April", "May", "June", "July", "August",
			"September", "October", "November", "December"},
	}
)

// nameLang is "en" for English and "it" for anything else.
func nameLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "it"
}

// WeekdayName is "giovedì" ("Thursday" in English).
func WeekdayName(lang string, d time.Weekday) string { return weekdayNames[nameLang(lang)][d] }

// MonthName is "dicembre" ("December" in English).
func MonthName(lang string, m time.Month) string { return monthNames[nameLang(lang)][m-1] }

// LongDate is "giovedì 3 dicembre 2026" ("Thursday 3 December 2026"), t
// read in the zone it carries.
func LongDate(lang string, t time.Time) string {
	return fmt.Sprintf("%s %d %s %d", WeekdayName(lang, t.Weekday()), t.Day(), MonthName(lang, t.Month()), t.Year())
}

// Clock is the time of day as pages and messages write it: "09:30".
func Clock(t time.Time) string { return t.Format("15:04") }
