package modulario

import (
	"context"
	"time"
)

// Settings are the comune's own details, shown on every citizen page.
type Settings struct {
	// SiteName is the comune's name in the header ("Comune di Esempio").
	SiteName string `json:"site_name"`
	// Region is the line above the name in the slim header ("Regione ...").
	Region string `json:"region,omitempty"`
	// LogoMedia is the ID of the logo image (see MediaService); empty for
	// the default emblem.
	LogoMedia string `json:"logo_media,omitempty"`
	// PrimaryColor is the theme's primary colour as #rrggbb; empty keeps
	// Bootstrap Italia's #0066cc.
	PrimaryColor string `json:"primary_color,omitempty"`
	// Contacts is Markdown shown in the footer (address, phone, PEC).
	Contacts string `json:"contacts,omitempty"`
	// AccessibilityURL is the comune's accessibility statement (AgID form).
	AccessibilityURL string `json:"accessibility_url,omitempty"`
	// PrivacyPolicy is Markdown for /privacy.
	PrivacyPolicy string `json:"privacy_policy,omitempty"`
	// LegalNotes is Markdown for /note-legali.
	LegalNotes  string       `json:"legal_notes,omitempty"`
	FooterLinks []FooterLink `json:"footer_links,omitempty"`
	// PatronDay is the patron saint's day "MM-DD", a holiday for calendars
	// (see Calendar.Slots); PatronName its saint ("San Giovanni Battista").
	PatronDay  string    `json:"patron_day,omitempty"`
	PatronName string    `json:"patron_name,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  string    `json:"updated_by,omitempty"`
}

// FooterLink is one link of the footer.
type FooterLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// SettingsService stores the one Settings record.
type SettingsService interface {
	// Settings returns the stored settings, or zero Settings when none
	// were saved yet (callers apply their defaults).
	Settings(ctx context.Context) (*Settings, error)
	// SaveSettings replaces the settings. Returns EINVALID for a bad colour
	// or URL.
	SaveSettings(ctx context.Context, s *Settings) error
}
