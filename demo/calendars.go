package demo

import "github.com/modulario/modulario"

// cieBring is what to bring to a CIE appointment (Markdown), shown on the
// receipt and in the e-mails.
const cieBring = "- la carta d'identità scaduta o in scadenza (oppure la denuncia di furto o smarrimento);\n" +
	"- una fototessera recente, su sfondo bianco, senza occhiali scuri né copricapo;\n" +
	"- la tessera sanitaria con il codice fiscale;\n" +
	"- la ricevuta del pagamento di 22,21 euro (pagoPA) oppure una carta di pagamento da usare allo sportello."

// hours builds weekly opening hours from weekday → intervals.
func hours(days map[int][]modulario.Interval) [7][]modulario.Interval {
	var h [7][]modulario.Interval
	for d, list := range days {
		h[d] = list
	}
	return h
}

// Calendars returns the demo calendars: the three anagrafe counters booked
// by the demo form "carta-identita", and a video-call desk of the URP that
// no demo form books (staff can bind it to a form in the editor). Their
// offices are the demo offices "anagrafe" and "urp". A new slice each
// call: callers may change it.
func Calendars() []*modulario.Calendar {
	morning := modulario.Interval{Start: "08:30", End: "12:30"}
	christmasEve := modulario.Closure{From: "2026-12-24", To: "2026-12-24", Reason: "Vigilia di Natale"}
	counter := func(c *modulario.Calendar) *modulario.Calendar {
		c.Office, c.Kind = "anagrafe", modulario.CalendarPlace
		c.SlotMinutes, c.NoticeHours, c.HorizonDays, c.ChangeHours = 20, 12, 60, 24
		c.Bring = cieBring
		c.Closures = []modulario.Closure{christmasEve}
		return c
	}
	return []*modulario.Calendar{
		counter(&modulario.Calendar{
			Slug: "anagrafe-sede-centrale", Name: "Anagrafe — Sede centrale",
			Place: "Sede centrale", Address: "Piazza del Municipio 1",
			Capacity: 2,
			Hours: hours(map[int][]modulario.Interval{
				1: {morning},
				2: {morning, {Start: "14:30", End: "17:00"}},
				3: {morning},
				4: {morning, {Start: "14:30", End: "17:00"}},
				5: {morning},
			}),
			Openings: []modulario.Opening{{Date: "2026-12-12", Reason: "Apertura straordinaria per il rinnovo delle carte d'identità",
				Intervals: []modulario.Interval{{Start: "09:00", End: "12:00"}}}},
		}),
		counter(&modulario.Calendar{
			Slug: "anagrafe-delegazione-nord", Name: "Anagrafe — Delegazione Nord",
			Place: "Delegazione Nord", Address: "Via dei Tigli 14",
			Capacity: 1,
			Hours: hours(map[int][]modulario.Interval{
				1: {{Start: "09:00", End: "12:00"}},
				3: {{Start: "09:00", End: "12:00"}, {Start: "15:00", End: "17:00"}},
				5: {{Start: "09:00", End: "12:00"}},
			}),
		}),
		counter(&modulario.Calendar{
			Slug: "anagrafe-delegazione-sud", Name: "Anagrafe — Delegazione Sud",
			Place: "Delegazione Sud", Address: "Viale della Repubblica 210",
			Capacity: 1,
			Hours: hours(map[int][]modulario.Interval{
				2: {{Start: "08:30", End: "12:30"}},
				4: {{Start: "08:30", End: "12:30"}, {Start: "14:30", End: "16:30"}},
			}),
		}),
		{
			Slug: "urp-videochiamata", Name: "Ufficio Relazioni con il Pubblico — videochiamata",
			Office: "urp", Kind: modulario.CalendarVideo,
			VideoInfo: "Il giorno dell'appuntamento riceverai per email il link alla videochiamata. " +
				"Ti basta un computer, un tablet o uno smartphone con videocamera e microfono: " +
				"non serve installare programmi. Tieni a portata di mano un documento d'identità.",
			Hours: hours(map[int][]modulario.Interval{
				1: {{Start: "10:00", End: "12:00"}},
				3: {{Start: "10:00", End: "12:00"}, {Start: "15:00", End: "16:00"}},
				5: {{Start: "10:00", End: "12:00"}},
			}),
			SlotMinutes: 30, Capacity: 1, NoticeHours: 24, HorizonDays: 30, ChangeHours: 12, RemindHours: 2,
			Closures: []modulario.Closure{christmasEve},
		},
	}
}
