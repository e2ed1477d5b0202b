package renderer

// Embedding a form in the comune's own website: /embed/{slug} starts the
// flow in embed mode, /embed.js is the host page's loader, and embed mode
// travels in the query (embed=1) through link(), because a third-party
// iframe gets no cookies in modern browsers.

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

const (
	// ctxEmbed marks a request in embed mode.
	ctxEmbed = "embed"
	// embedParam is the query parameter that carries embed mode.
	embedParam = "embed"
	// embedPrefix is the path of the embedded start of a flow.
	embedPrefix = "/embed/"
	// embedScriptAsset is the logical asset served at the fixed /embed.js.
	embedScriptAsset = "js/embed.js"
	// embedScriptCache lets host pages cache the loader briefly: its URL
	// never changes, so a fix must reach them within minutes.
	embedScriptCache = "public, max-age=300"
)

// CheckEmbedOrigin reports whether origin may be listed in frame-ancestors:
// an http or https origin (scheme://host[:port]) with no path, query,
// fragment or user information. A trailing slash is tolerated.
func CheckEmbedOrigin(origin string) error {
	u, err := url.Parse(strings.TrimSuffix(origin, "/"))
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return fmt.Errorf("%q is not an origin such as https://www.comune.example", origin)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%q must start with https:// (or http://)", origin)
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || u.User != nil:
		return fmt.Errorf("%q must be only scheme://host[:port], with no path, query or user information", origin)
	case strings.ContainsAny(u.Host, " ;,'\"*"):
		return fmt.Errorf("%q has characters not allowed in a host name", origin)
	}
	return nil
}

// embedPolicy is the Content-Security-Policy of embed mode: the configured
// origins may frame the pages; with none, framing stays forbidden.
func embedPolicy(origins []string) (string, error) {
	if len(origins) == 0 {
		return contentSecurityPolicy, nil
	}
	var errs []error
	list := make([]string, 0, len(origins))
	for _, o := range origins {
		if err := CheckEmbedOrigin(o); err != nil {
			errs = append(errs, err)
			continue
		}
		list = append(list, strings.TrimSuffix(o, "/"))
	}
	if err := errors.Join(errs...); err != nil {
		return "", fmt.Errorf("renderer: EmbedOrigins: %w", err)
	}
	return strings.Replace(contentSecurityPolicy, "frame-ancestors 'none'",
		"frame-ancestors "+strings.Join(list, " "), 1), nil
}

// embedMode marks the requests of an embedded flow: the start under
// /embed/ and every page reached from it, whose links carry embed=1.
func embedMode(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.HasPrefix(c.Request().URL.Path, embedPrefix) || c.QueryParam(embedParam) == "1" {
			c.Set(ctxEmbed, true)
		}
		return next(c)
	}
}

// isEmbed reports whether the request is in embed mode.
func isEmbed(c echo.Context) bool {
	on, _ := c.Get(ctxEmbed).(bool)
	return on
}

// embedFlowRoutes are the route patterns of the embedded flow, from the
// consent to the receipt and its rating: the only pages the comune's sites
// may frame. embed=1 can be added to any URL, so the tracking, withdrawal,
// appointment and lookup pages, which act on a request with one click,
// stay unframeable (clickjacking) even in embed mode; the embedded flow
// opens them in a new window.
var embedFlowRoutes = map[string]bool{
	embedPrefix + ":slug":             true,
	"/servizi/:slug/privacy":          true,
	"/servizi/:slug/:token/privacy":   true,
	"/servizi/:slug/:token/passo/:n":  true,
	"/servizi/:slug/:token/riepilogo": true,
	"/servizi/:slug/:token/invia":     true,
	"/pratiche/:token/ricevuta":       true,
	"/pratiche/:token/valutazione":    true,
}

// frameable reports whether the response may be framed by the embed
// origins: a page of the embedded flow in embed mode. The route pattern is
// known here because the middleware runs after routing.
func frameable(c echo.Context) bool {
	return isEmbed(c) && embedFlowRoutes[c.Path()]
}

// embedStart shows the start of the flow, the privacy notice with the
// consent, in embed mode: the page an iframe opens.
func (s *Server) embedStart(c echo.Context) error {
	return s.privacyPage(c)
}

// embedScript serves the host page's loader at its fixed URL. It is the
// hashed asset with a short cache instead of an immutable one, readable by
// host pages that require Cross-Origin-Resource-Policy (COEP).
func (s *Server) embedScript(c echo.Context) error {
	if s.cfg.Assets == nil {
		return echo.ErrNotFound
	}
	r := c.Request().Clone(c.Request().Context())
	r.URL.Path = s.cfg.Assets.URL(embedScriptAsset)
	// Through echo's Response, so the status is recorded for the access log.
	w := &embedScriptWriter{ResponseWriter: c.Response()}
	s.cfg.Assets.ServeHTTP(w, r)
	return nil
}

// embedScriptWriter replaces the asset server's immutable caching just
// before the headers are sent.
type embedScriptWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *embedScriptWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		h := w.Header()
		h.Set("Cache-Control", embedScriptCache)
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *embedScriptWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Embed reports whether the page is drawn in embed mode (layout without
// header, footer and breadcrumb).
func (p *page) Embed() bool { return isEmbed(p.c) }

// Top returns an internal link for a page outside the embedded flow
// (tracking page, services): it keeps the language but not embed mode,
// since it opens in a window of its own.
func (p *page) Top(path string) string { return topLink(p.c, path) }

// NewWindow returns the attributes of a link that leaves the flow.
func (p *page) NewWindow() template.HTMLAttr { return leavingOf(p.c).NewWindow() }

// NewWindowNote returns the screen-reader note of a link that leaves the flow.
func (p *page) NewWindowNote() template.HTML { return leavingOf(p.c).NewWindowNote() }

// leaving draws the marks of links that leave an embedded flow: inside an
// iframe they open in a new window (the comune's page stays where it is),
// and screen readers are told so. Outside embed mode it draws nothing.
type leaving struct {
	embed bool
	lang  string
}

func leavingOf(c echo.Context) leaving { return leaving{embed: isEmbed(c), lang: langOf(c)} }

// Embedded reports whether the link is drawn in embed mode.
func (l leaving) Embedded() bool { return l.embed }

// NewWindow returns target and rel for a link that leaves the flow.
func (l leaving) NewWindow() template.HTMLAttr {
	if !l.embed {
		return ""
	}
	return `target="_blank" rel="noopener"`
}

// NewWindowNote returns the visually hidden "(si apre in una nuova finestra)".
func (l leaving) NewWindowNote() template.HTML {
	if !l.embed {
		return ""
	}
	return template.HTML(`<span class="visually-hidden"> ` +
		template.HTMLEscapeString(msg.T(l.lang, "embed.new_window")) + `</span>`)
}
