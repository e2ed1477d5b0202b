package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/modulario/modulario"
)

// ProviderConfig describes an SMS or WhatsApp gateway's HTTP API, so any
// gateway can be plugged in without code:
//
//	{"url": "https://gw.example/v1/sms", "method": "POST",
//	 "headers": {"Authorization": "Bearer …"},
//	 "body": "{\"to\": \"{{to}}\", \"text\": \"{{text}}\", \"ref\": \"{{id}}\"}",
//	 "max_length": 1600}
//
// The body (and the URL) may hold the placeholders {{to}} (the E.164
// number), {{text}} (the message) and {{id}} (the stable message id).
// Values are escaped for the body's media type: the Content-Type header's,
// else JSON for a body that is a JSON object or array and form encoding
// for key=value pairs, and that header is then sent. A JSON body must stay
// valid JSON once filled (placeholders inside strings); JSON, form and XML
// values are escaped, other types (text/plain) take them as they are. In
// the URL values are query-escaped. Any other body needs a Content-Type.
type ProviderConfig struct {
	// Name is the channel: "sms" or "whatsapp" (optional in the file: the
	// flag that loads it decides).
	Name    string            `json:"name"`
	URL     string            `json:"url"`
	Method  string            `json:"method,omitempty"` // default POST
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	// MaxLength caps the text in characters (e.g. 1600 for SMS); a longer
	// text is cut before the tracking link, which is always kept whole,
	// and the cut marked with "..." (GSM 7-bit, unlike "…"). 0: no cap.
	MaxLength int `json:"max_length,omitempty"`
	// Timeout bounds one request (default 15s).
	Timeout time.Duration `json:"-"`
	// Network is the SSRF policy for the gateway's address.
	Network NetPolicy `json:"network,omitempty"`
}

// ParseProviderConfig reads the ProviderConfig of channel name ("sms" or
// "whatsapp") from JSON and validates it; a "name" in the file must be
// that name.
func ParseProviderConfig(data []byte, name string) (ProviderConfig, error) {
	var c ProviderConfig
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return ProviderConfig{}, fmt.Errorf("provider config: %w", err)
	}
	if c.Name != "" && c.Name != name {
		return ProviderConfig{}, fmt.Errorf("provider config: name %q, but the file is loaded for %s", c.Name, name)
	}
	c.Name = name
	return c, c.Validate()
}

// Validate reports a missing or malformed setting.
func (c ProviderConfig) Validate() error {
	if c.Name != modulario.ChannelSMS && c.Name != modulario.ChannelWhatsApp {
		return fmt.Errorf("provider config: name %q is not sms or whatsapp", c.Name)
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("provider config %s: url must be an absolute http(s) URL", c.Name)
	}
	switch strings.ToUpper(c.Method) {
	case "", http.MethodPost, http.MethodPut, http.MethodGet, http.MethodPatch:
	default:
		return fmt.Errorf("provider config %s: unsupported method %q", c.Name, c.Method)
	}
	if c.MaxLength < 0 {
		return fmt.Errorf("provider config %s: negative max_length", c.Name)
	}
	mt, err := c.bodyType()
	if err != nil {
		return fmt.Errorf("provider config %s: %w", c.Name, err)
	}
	if isJSON(mt) {
		sample := map[string]string{"to": "+393331234567", "text": "x\"\n", "id": "x"}
		if !json.Valid([]byte(fillPlaceholders(c.Body, sample, jsonEscape))) {
			return fmt.Errorf("provider config %s: the JSON body is not valid JSON once filled in "+
				"(put each placeholder inside a string: \"{{text}}\")", c.Name)
		}
	}
	return nil
}

// formBody matches a form-encoded body template: key=value pairs.
var formBody = regexp.MustCompile(`^[A-Za-z0-9_.~\-\[\]]+=[^&\s]*(?:&[A-Za-z0-9_.~\-\[\]]+=[^&\s]*)*$`)

// bodyType is the media type of the body: the Content-Type header's, else
// application/json for a JSON object or array and form encoding for
// key=value pairs. Another body without a Content-Type is refused: its
// values could not be escaped.
func (c ProviderConfig) bodyType() (string, error) {
	if v, ok := headerValue(c.Headers, "Content-Type"); ok {
		mt, _, err := mime.ParseMediaType(v)
		if err != nil {
			return "", fmt.Errorf("Content-Type %q: %w", v, err)
		}
		return mt, nil
	}
	body := strings.TrimSpace(c.Body)
	switch {
	case body == "":
		return "", nil
	case strings.HasPrefix(body, "{") || strings.HasPrefix(body, "["):
		return "application/json", nil
	case formBody.MatchString(body):
		return "application/x-www-form-urlencoded", nil
	}
	return "", errors.New("set a Content-Type header: the body is neither JSON nor key=value pairs")
}

func isJSON(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

// String describes the configuration with header values (which often
// hold credentials) redacted.
func (c ProviderConfig) String() string {
	names := make([]string, 0, len(c.Headers))
	for k := range c.Headers {
		names = append(names, k+"=[redacted]")
	}
	sort.Strings(names)
	u, err := url.Parse(c.URL)
	shown := "(invalid url)"
	if err == nil {
		shown = redactURL(u)
	}
	return fmt.Sprintf("provider{name=%s method=%s url=%s headers=%s}", c.Name, c.method(), shown, strings.Join(names, ","))
}

func (c ProviderConfig) method() string {
	if c.Method == "" {
		return http.MethodPost
	}
	return strings.ToUpper(c.Method)
}

// Provider sends SMS or WhatsApp messages through an HTTP gateway.
type Provider struct {
	cfg    ProviderConfig
	client *http.Client
	// bodyType is the body's media type (see ProviderConfig.bodyType);
	// setType sends it as Content-Type when the configuration has none.
	bodyType string
	setType  bool
}

// NewProvider returns the channel named cfg.Name.
func NewProvider(cfg ProviderConfig) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	mt, _ := cfg.bodyType() // Validate checked it
	_, configured := headerValue(cfg.Headers, "Content-Type")
	return &Provider{cfg: cfg, client: cfg.Network.HTTPClient(cfg.Timeout), bodyType: mt,
		setType: mt != "" && !configured}, nil
}

// headerValue returns the value of header name, compared without case.
func headerValue(h map[string]string, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// Name implements Channel.
func (p *Provider) Name() string { return p.cfg.Name }

// Send implements Channel: one request per recipient (E.164 numbers as
// m.Recipients gives them). A failure after some recipients succeeded
// retries them all, so receivers should de-duplicate on {{id}}. The
// reference is the gateway's "id", "sid" or "message_id" (best effort),
// comma-separated for several recipients.
func (p *Provider) Send(ctx context.Context, m *Message) (string, error) {
	if len(m.Recipients) == 0 {
		return "", permanent(fmt.Errorf("%s: no recipient", p.cfg.Name))
	}
	text := fitText(strings.TrimSpace(m.Text), p.cfg.MaxLength, m.TrackingURL)
	var refs []string
	for _, to := range m.Recipients {
		ref, err := p.sendOne(ctx, map[string]string{"to": to, "text": text, "id": m.ID})
		if err != nil {
			return "", err
		}
		if ref != "" {
			refs = append(refs, ref)
		}
	}
	return strings.Join(refs, ","), nil
}

// moreText marks a cut text: three dots, which the GSM 7-bit alphabet
// has (the single "…" would make the whole SMS UCS-2).
const moreText = "..."

// fitText cuts text to at most max characters (0: no cap), marking the
// cut with moreText. When text holds link, the text before the link is
// cut and the link kept whole (what follows it is dropped): the tracking
// link is the most useful part of a short message.
func fitText(text string, max int, link string) string {
	if max <= 0 || utf8.RuneCountInString(text) <= max {
		return text
	}
	n := utf8.RuneCountInString
	if i := strings.Index(text, link); link != "" && i >= 0 && n(link) <= max {
		before := text[:i]
		if n(before)+n(link) <= max {
			return before + link
		}
		if room := max - n(link) - n(moreText) - 1; room > 0 {
			return cutAtBoundary(before, room) + moreText + " " + link
		}
		return link
	}
	return cutAtBoundary(text, max-n(moreText)) + moreText
}

func (p *Provider) sendOne(ctx context.Context, values map[string]string) (string, error) {
	target := fillPlaceholders(p.cfg.URL, values, url.QueryEscape)
	body := fillPlaceholders(p.cfg.Body, values, bodyEscaper(p.bodyType))
	req, err := http.NewRequestWithContext(ctx, p.cfg.method(), target, strings.NewReader(body))
	if err != nil {
		return "", permanent(fmt.Errorf("%s: %w", p.cfg.Name, err))
	}
	req.Header.Set("User-Agent", "Modulario")
	if p.setType {
		req.Header.Set("Content-Type", p.bodyType)
	}
	for k, v := range p.cfg.Headers {
		req.Header.Set(k, v)
	}
	_, resp, err := doHTTP(p.client, req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p.cfg.Name, err)
	}
	return jsonReference(resp, "id", "sid", "message_id"), nil
}

// bodyEscaper returns how placeholder values are escaped for a body of
// media type mt.
func bodyEscaper(mt string) func(string) string {
	switch {
	case isJSON(mt):
		return jsonEscape
	case mt == "application/x-www-form-urlencoded":
		return url.QueryEscape
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return html.EscapeString // &, <, >, " and ' as entities: valid in XML text and attributes
	default:
		return func(s string) string { return s }
	}
}

// jsonEscape escapes s for use inside a JSON string literal.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// fillPlaceholders replaces {{name}} for each value, escaped by esc.
func fillPlaceholders(tmpl string, values map[string]string, esc func(string) string) string {
	pairs := make([]string, 0, 2*len(values))
	for k, v := range values {
		pairs = append(pairs, "{{"+k+"}}", esc(v))
	}
	return strings.NewReplacer(pairs...).Replace(tmpl)
}
