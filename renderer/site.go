package renderer

import (
	"context"
	"sync"
	"time"

	"github.com/modulario/modulario"
)

// settingsTTL is how long cached settings are used: a change made by staff
// shows on citizen pages within this time, while page views stay off the store.
const settingsTTL = 3 * time.Second

// settingsCache keeps the last settings read and when they were read.
type settingsCache struct {
	mu   sync.Mutex
	val  *modulario.Settings
	read time.Time
}

// siteSettings returns the comune's settings (zero Settings when the
// service is not configured or fails: pages fall back to their defaults and a
// failure is logged, never shown to citizens).
func (s *Server) siteSettings(ctx context.Context) *modulario.Settings {
	if s.cfg.Settings == nil {
		return &modulario.Settings{}
	}
	now := s.cfg.Now()
	c := &s.settings
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.val != nil && now.Sub(c.read) < settingsTTL && !now.Before(c.read) {
		return c.val
	}
	st, err := s.cfg.Settings.Settings(ctx)
	if err != nil || st == nil {
		s.cfg.Logger.ErrorContext(ctx, "settings unavailable", "err", err)
		if c.val != nil {
			return c.val
		}
		return &modulario.Settings{}
	}
	c.val, c.read = st, now
	return st
}

// siteView is what the layout shows of the comune on every page.
type siteView struct {
	Name   string
	Region string
	// LogoURL is the uploaded logo (/media/{id}); empty for the default emblem.
	LogoURL string
	// PrimaryCSS is Bootstrap Italia's URL, recoloured when a colour is set.
	PrimaryCSS       string
	Contacts         string // Markdown
	AccessibilityURL string
	FooterLinks      []modulario.FooterLink
}

// site builds the layout's view of the settings.
func (s *Server) site(ctx context.Context) *siteView {
	st := s.siteSettings(ctx)
	v := &siteView{
		Name: s.cfg.SiteName, Region: st.Region, Contacts: st.Contacts,
		AccessibilityURL: st.AccessibilityURL, FooterLinks: st.FooterLinks,
		PrimaryCSS: s.assetURL("css/bootstrap-italia.min.css"),
	}
	if st.SiteName != "" {
		v.Name = st.SiteName
	}
	if st.LogoMedia != "" && s.cfg.Media != nil {
		v.LogoURL = "/media/" + st.LogoMedia
	}
	if st.PrimaryColor != "" && s.cfg.Assets != nil {
		if u, err := s.cfg.Assets.PrimaryCSSURL(st.PrimaryColor); err == nil {
			v.PrimaryCSS = u
		} else {
			s.cfg.Logger.WarnContext(ctx, "primary colour ignored", "err", err)
		}
	}
	return v
}
