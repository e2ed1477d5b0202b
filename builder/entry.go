package builder

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/modulario/modulario"
)

// entryTTL is how long a staff entry link stays valid.
const entryTTL = 2 * time.Hour

// entryChannels maps the channel choices of the entry form to channels.
var entryChannels = map[string]modulario.Channel{
	"telefono": modulario.ChannelPhone, "sportello": modulario.ChannelCounter,
}

// entryView is the data of the staff entry form.
type entryView struct {
	Forms    []option
	Channels []option
	// NoKey reports that entry links cannot be signed (no PreviewKey).
	NoKey bool
}

// entryForm lets an operator start a request for a citizen who phoned or
// came to the counter: choose a published form and the channel.
func (s *Server) entryForm(c echo.Context) error {
	return s.renderEntry(c, http.StatusOK, "", "", nil)
}

// renderEntry answers the entry form with the choices made and errors.
func (s *Server) renderEntry(c echo.Context, status int, form, channel string, errs []FieldError) error {
	forms, err := s.entryForms(c)
	if err != nil {
		return err
	}
	ev := &entryView{NoKey: len(s.cfg.PreviewKey) == 0}
	for _, f := range forms {
		ev.Forms = append(ev.Forms, option{Value: f.Slug, Label: f.Title, Selected: f.Slug == form})
	}
	if channel == "" {
		channel = "telefono"
	}
	for _, ch := range []string{"telefono", "sportello"} {
		ev.Channels = append(ev.Channels, option{Value: ch, Label: s.channelLabel(c, entryChannels[ch]), Selected: ch == channel})
	}
	v := s.view(c, s.t(c, "entry.title"), "inbox", ev)
	v.Errors = errs
	v.Crumbs = append(v.Crumbs, Crumb{Label: s.t(c, "inbox.title"), URL: inboxPath}, Crumb{Label: v.Title})
	return s.render(c, status, "entry", v)
}

// entryForms lists the published forms the user may enter requests on:
// every one for an admin, those of their offices for an operator.
func (s *Server) entryForms(c echo.Context) ([]*modulario.Form, error) {
	all, err := s.cfg.Forms.ListForms(c.Request().Context(), modulario.FormFilter{PublishedOnly: true})
	if err != nil {
		return nil, err
	}
	u := userOf(c)
	var out []*modulario.Form
	for _, f := range all {
		if canSeeOffice(u, f.Office) {
			out = append(out, f)
		}
	}
	return out, nil
}

// entryStart signs an entry link for the chosen form and channel and
// sends the operator to the citizen's form in entry mode.
func (s *Server) entryStart(c echo.Context) error {
	slug, channel := c.FormValue("modulo"), c.FormValue("canale")
	forms, err := s.entryForms(c)
	if err != nil {
		return err
	}
	var errs []FieldError
	found := false
	for _, f := range forms {
		found = found || f.Slug == slug
	}
	if !found {
		errs = append(errs, FieldError{ID: "entry-form", Message: s.t(c, "entry.form_invalid")})
	}
	ch, ok := entryChannels[channel]
	if !ok {
		errs = append(errs, FieldError{ID: "entry-channel-telefono", Message: s.t(c, "entry.channel_invalid")})
	}
	if len(s.cfg.PreviewKey) == 0 {
		errs = append(errs, FieldError{Message: s.t(c, "entry.no_key")})
	}
	if len(errs) > 0 {
		return s.renderEntry(c, http.StatusUnprocessableEntity, slug, channel, errs)
	}
	u := userOf(c)
	token := modulario.SignEntry(s.cfg.PreviewKey, slug, ch, u.ID, s.cfg.Now().Add(entryTTL))
	s.audit(c, "submission.entry", "form:"+slug, "started a staff-entered request, channel "+string(ch))
	return c.Redirect(http.StatusSeeOther, "/servizi/"+url.PathEscape(slug)+"/sportello/"+url.PathEscape(token))
}
