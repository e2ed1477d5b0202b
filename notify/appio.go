package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/modulario/modulario"
)

// DefaultAppIOBaseURL is the production App IO API.
const DefaultAppIOBaseURL = "https://api.io.pagopa.it/api/v1"

// App IO content limits, in characters.
const (
	appIOSubjectMin  = 10
	appIOSubjectMax  = 120
	appIOMarkdownMin = 80
	appIOMarkdownMax = 10000
)

// AppIOConfig configures the App IO channel.
type AppIOConfig struct {
	// BaseURL defaults to DefaultAppIOBaseURL.
	BaseURL string
	// Key is the service's Ocp-Apim-Subscription-Key. Never logged.
	Key string
	// Timeout bounds each API call (default 15s).
	Timeout time.Duration
	// Network is the SSRF policy (a test server on loopback needs it).
	Network NetPolicy
}

// String describes the configuration without the key.
func (c AppIOConfig) String() string {
	return fmt.Sprintf("appio{base=%s key=[redacted]}", c.BaseURL)
}

// AppIO sends messages to citizens' IO app, addressed by codice fiscale.
type AppIO struct {
	base   string
	key    string
	client *http.Client
}

// NewAppIO returns the App IO channel. It fails without a key.
func NewAppIO(cfg AppIOConfig) (*AppIO, error) {
	if cfg.Key == "" {
		return nil, errors.New("appio: missing subscription key")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultAppIOBaseURL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	return &AppIO{
		base:   strings.TrimRight(cfg.BaseURL, "/"),
		key:    cfg.Key,
		client: cfg.Network.HTTPClient(cfg.Timeout),
	}, nil
}

// Name implements Channel.
func (a *AppIO) Name() string { return modulario.ChannelAppIO }

// AppIOMessage is the body of POST /messages.
type AppIOMessage struct {
	FiscalCode       string       `json:"fiscal_code"`
	Content          AppIOContent `json:"content"`
	FeatureLevelType string       `json:"feature_level_type"`
}

// AppIOContent is a message's content.
type AppIOContent struct {
	Subject  string `json:"subject"`
	Markdown string `json:"markdown"`
}

// Send implements Channel: it checks the citizen's profile, then sends the
// message; the reference is the message id App IO returns.
func (a *AppIO) Send(ctx context.Context, m *Message) (string, error) {
	if len(m.Recipients) == 0 || m.Recipients[0] == "" {
		return "", permanent(errors.New("appio: no codice fiscale"))
	}
	cf := strings.ToUpper(strings.TrimSpace(m.Recipients[0]))
	var profile struct {
		SenderAllowed bool `json:"sender_allowed"`
	}
	status, body, err := a.post(ctx, "/profiles", map[string]string{"fiscal_code": cf})
	if status == http.StatusNotFound {
		return "", permanent(errors.New("appio: citizen not on App IO or messages disabled"))
	}
	if err != nil {
		return "", err
	}
	if json.Unmarshal(body, &profile) != nil || !profile.SenderAllowed {
		return "", permanent(errors.New("appio: citizen not on App IO or messages disabled"))
	}
	msg := AppIOMessage{
		FiscalCode:       cf,
		Content:          AppIOContent{Subject: appIOSubject(m), Markdown: appIOMarkdown(m.Markdown, m.TrackingURL)},
		FeatureLevelType: "STANDARD",
	}
	_, body, err = a.post(ctx, "/messages", msg)
	if err != nil {
		return "", err
	}
	return jsonReference(body, "id"), nil
}

func (a *AppIO) post(ctx context.Context, path string, v any) (int, []byte, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return 0, nil, permanent(fmt.Errorf("appio: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, permanent(fmt.Errorf("appio: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Modulario")
	req.Header.Set("Ocp-Apim-Subscription-Key", a.key)
	status, body, err := doHTTP(a.client, req)
	if err != nil {
		return status, body, fmt.Errorf("appio: %w", err)
	}
	return status, body, nil
}

// appIOSubject fits the subject to App IO's 10–120 characters. A long one
// is cut at a word boundary and ends with "…". A short one (say "Ricevuta")
// is followed by " - " and the form title, then by " - richiesta n. " and
// the request number, until long enough; as a last resort it becomes
// "Aggiornamento sulla tua richiesta".
func appIOSubject(m *Message) string {
	subject := strings.Join(strings.Fields(m.Subject), " ")
	var extras []string
	if m.Form != nil && m.Form.Def != nil && m.Form.Def.Title != "" {
		extras = append(extras, m.Form.Def.Title)
	}
	if m.Submission != nil && m.Submission.Number != "" {
		extras = append(extras, "richiesta n. "+m.Submission.Number)
	}
	for _, e := range extras {
		if utf8.RuneCountInString(subject) >= appIOSubjectMin {
			break
		}
		if subject == "" {
			subject = e
		} else {
			subject += " - " + e
		}
	}
	if utf8.RuneCountInString(subject) < appIOSubjectMin {
		subject = "Aggiornamento sulla tua richiesta"
	}
	return truncateWords(subject, appIOSubjectMax)
}

// appIOMarkdown fits the body to App IO's 80–10000 characters. A long body
// is cut at a line or word boundary and ends with a line pointing to the
// tracking page; a short one gets the tracking sentence appended (and a
// fixed closing sentence when that is still not enough).
func appIOMarkdown(md, link string) string {
	md = strings.TrimSpace(md)
	more := "Il testo completo è nella pagina della tua richiesta."
	follow := "Puoi seguire la tua richiesta online."
	if link != "" {
		more = "Il testo completo è nella pagina della tua richiesta: " + link
		follow = "Puoi seguire la tua richiesta a questo indirizzo: " + link
	}
	if utf8.RuneCountInString(md) > appIOMarkdownMax {
		tail := "\n\n…\n\n" + more
		md = cutAtBoundary(md, appIOMarkdownMax-utf8.RuneCountInString(tail)) + tail
	}
	if utf8.RuneCountInString(md) < appIOMarkdownMin {
		md = strings.TrimSpace(md + "\n\n" + follow)
	}
	if utf8.RuneCountInString(md) < appIOMarkdownMin {
		md += "\n\nQuesto messaggio è stato inviato automaticamente dal Comune tramite Modulario."
	}
	return md
}

// truncateWords cuts s to at most max runes, at a word boundary, ending
// with "…" when it was cut.
func truncateWords(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return cutAtBoundary(s, max-1) + "…"
}

// cutAtBoundary returns a prefix of s of at most max runes, ending at the
// last line break, or else the last space, in the final fifth of it.
func cutAtBoundary(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	r = r[:max]
	cut := -1
	for i := len(r) - 1; i > max*4/5; i-- {
		if r[i] == '\n' {
			cut = i
			break
		}
		if cut < 0 && unicode.IsSpace(r[i]) {
			cut = i
		}
	}
	if cut >= 0 {
		r = r[:cut]
	}
	return strings.TrimRightFunc(string(r), unicode.IsSpace)
}
