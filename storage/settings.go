package storage

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
)

// settingsKey is the one key of the settings bucket.
var settingsKey = []byte("site")

// colorRE matches a #rrggbb colour.
var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// SettingsService stores the comune's one Settings record.
type SettingsService struct {
	db *DB
}

var _ modulario.SettingsService = (*SettingsService)(nil)

// NewSettingsService returns the SettingsService of db.
func NewSettingsService(db *DB) *SettingsService { return &SettingsService{db: db} }

// Settings returns the stored settings, or zero Settings when none were
// saved yet.
func (s *SettingsService) Settings(ctx context.Context) (*modulario.Settings, error) {
	var out modulario.Settings
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketSettings), settingsKey, &out)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SaveSettings validates and replaces the settings, recording the
// context's actor and the time. The colour is stored lower-case. On
// success st holds the stored values. Returns EINVALID, with Fields keyed
// by JSON pointer, for a bad colour, URL, footer link or patron day.
func (s *SettingsService) SaveSettings(ctx context.Context, st *modulario.Settings) error {
	out, err := normalizeSettings(st)
	if err != nil {
		return err
	}
	out.UpdatedBy = modulario.ActorFromContext(ctx)
	err = s.db.update(ctx, func(tx *bolt.Tx) error {
		out.UpdatedAt = s.db.now()
		return putJSON(tx.Bucket(bucketSettings), settingsKey, &out)
	})
	if err == nil {
		*st = out
	}
	return err
}

func normalizeSettings(st *modulario.Settings) (modulario.Settings, error) {
	out := *st
	out.SiteName = strings.TrimSpace(out.SiteName)
	out.Region = strings.TrimSpace(out.Region)
	out.PrimaryColor = strings.ToLower(strings.TrimSpace(out.PrimaryColor))
	out.AccessibilityURL = strings.TrimSpace(out.AccessibilityURL)
	fields := map[string]string{}
	if len(out.SiteName) > 200 {
		fields["/site_name"] = "The name is too long (at most 200 characters)."
	}
	if out.PrimaryColor != "" && !colorRE.MatchString(out.PrimaryColor) {
		fields["/primary_color"] = "Use a colour in the form #rrggbb, like #0066cc."
	}
	if out.AccessibilityURL != "" && !absoluteURL(out.AccessibilityURL) {
		fields["/accessibility_url"] = "Use an absolute http or https URL."
	}
	out.PatronDay, out.PatronName = strings.TrimSpace(out.PatronDay), strings.TrimSpace(out.PatronName)
	if out.PatronDay != "" && !modulario.ValidMonthDay(out.PatronDay) {
		fields["/patron_day"] = "Use the month and day of the patron saint's feast as MM-DD, like 06-24."
	}
	if len(out.PatronName) > 200 {
		fields["/patron_name"] = "The name is too long (at most 200 characters)."
	}
	out.FooterLinks = nil
	for i, l := range st.FooterLinks {
		l.Label, l.URL = strings.TrimSpace(l.Label), strings.TrimSpace(l.URL)
		if l.Label == "" && l.URL == "" {
			continue // an empty row of the editor
		}
		if l.Label == "" {
			fields[fmt.Sprintf("/footer_links/%d/label", i)] = "The link needs a label."
		}
		if !absoluteURL(l.URL) && !sitePath(l.URL) {
			fields[fmt.Sprintf("/footer_links/%d/url", i)] = "Use an http or https URL, or a path of this site starting with /."
		}
		out.FooterLinks = append(out.FooterLinks, l)
	}
	if len(fields) > 0 {
		return out, &modulario.Error{Code: modulario.EINVALID, Message: "The settings are not valid.", Fields: fields}
	}
	return out, nil
}

// absoluteURL reports whether s is an absolute http(s) URL with a host.
func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// sitePath reports whether s is a path on this site ("/privacy"), not a
// protocol-relative URL ("//evil.example").
func sitePath(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(s, "/") &&
		!strings.HasPrefix(s, "//") && !strings.Contains(s, "\\")
}
