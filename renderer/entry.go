package renderer

import (
	"encoding/json"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// entryTTL bounds the draft of a request entered by staff: it is filled in
// while the citizen is on the phone or at the counter.
const entryTTL = 24 * time.Hour

// entryStart opens a signed staff entry link (SignEntry): a draft of the
// published form that records the channel and the staff member, with the
// privacy notice read to the citizen by the operator, then the normal
// steps, review and receipt.
func (s *Server) entryStart(c echo.Context) error {
	lang := langOf(c)
	bad := modulario.Errorf(modulario.EFORBIDDEN, "%s", msg.T(lang, "entry.bad"))
	if len(s.cfg.PreviewKey) == 0 {
		return bad
	}
	slug, channel, userID, err := modulario.VerifyEntry(s.cfg.PreviewKey, c.Param("token"), s.cfg.Now())
	switch modulario.ErrorCode(err) {
	case "":
	case modulario.EGONE:
		return modulario.Errorf(modulario.EGONE, "%s", msg.T(lang, "entry.expired"))
	default:
		return bad
	}
	if slug != c.Param("slug") {
		return bad
	}
	form, compiled, err := s.publishedForm(c, slug)
	if err != nil {
		return err
	}
	data, err := json.Marshal(compiled.SeedDefaults(nil))
	if err != nil {
		return err
	}
	d := &modulario.Draft{
		FormSlug: form.Slug, Version: form.Published, Data: data,
		// The operator reads the privacy notice to the citizen.
		Consent: true, Step: 1, Channel: channel, EnteredBy: userID,
		ExpiresAt: s.cfg.Now().Add(min(s.cfg.DraftTTL, entryTTL)),
	}
	if err := s.cfg.Drafts.CreateDraft(c.Request().Context(), d); err != nil {
		return err
	}
	return redirect(c, "/servizi/"+form.Slug+"/"+d.Token+"/passo/1")
}

// entryNote is the step-1 note of a request entered by staff, "" otherwise.
func entryNote(lang string, d *modulario.Draft) string {
	if d.EnteredBy == "" || d.Channel == "" {
		return ""
	}
	return msg.T(lang, "entry.note", msg.T(lang, entryChannels[d.Channel]))
}

// entryChannels name the channels of staff-entered requests.
var entryChannels = map[modulario.Channel]string{
	modulario.ChannelPhone:   "entry.channel.phone",
	modulario.ChannelCounter: "entry.channel.counter",
}
