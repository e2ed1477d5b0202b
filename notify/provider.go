package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/modulario/modulario"
)

// ProviderConfig describes an SMS or WhatsApp gateway's HTTP API, so any
// gateway can be plugged in without code:
//
//	{"name": "sms", "url": "https://gw.example/v1/sms", "method": "POST",
//	 "headers": {"Authorization": "Bearer …", "Content-Type": "application/json"},
//	 "body": "{\"to\": \"{{to}}\", \"text\": \"{{text}}\", \"ref\": \"{{id}}\"}",
//	 "max_length": 1600}
//
// The body (and the URL) may hold the placeholders {{to}} (the E.164
// number), {{text}} (the message) and {{id}} (the stable message id).
// Values are JSON-escaped when the Content-Type header is JSON,
// form-escaped for application/x-www-form-urlencoded, and inserted as they
// are otherwise; in the URL they are query-escaped.
type ProviderConfig struct {
	// Name is the channel: "sms" or "whatsapp".
	Name    string            `json:"name"`
	URL     string            `json:"url"`
	Method  string            `json:"method,omitempty"` // default POST
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	// MaxLength caps the text in characters (e.g. 1600 for SMS); a longer
	// text is cut and ends with "…". 0 means no cap.
	MaxLength int `json:"max_length,omitempty"`
	// Timeout bounds one request (default 15s).
	Timeout time.Duration `json:"-"`
	// Network is the SSRF policy for the gateway's address.
	Network NetPolicy `json:"network,omitempty"`
}

// ParseProviderConfig reads a ProviderConfig from JSON and validates it.
func ParseProviderConfig(data []byte) (ProviderConfig, error) {
	var c ProviderConfig
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return ProviderConfig{}, fmt.Errorf("provider config: %w", err)
	}
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
	return nil
}

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
}

// NewProvider returns the channel named cfg.Name.
func NewProvider(cfg ProviderConfig) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	return &Provider{cfg: cfg, client: cfg.Network.HTTPClient(cfg.Timeout)}, nil
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
	text := m.Text
	if p.cfg.MaxLength > 0 && utf8.RuneCountInString(text) > p.cfg.MaxLength {
		text = string([]rune(text)[:p.cfg.MaxLength-1]) + "…"
	}
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

func (p *Provider) sendOne(ctx context.Context, values map[string]string) (string, error) {
	target := fillPlaceholders(p.cfg.URL, values, url.QueryEscape)
	body := fillPlaceholders(p.cfg.Body, values, bodyEscaper(p.contentType()))
	req, err := http.NewRequestWithContext(ctx, p.cfg.method(), target, strings.NewReader(body))
	if err != nil {
		return "", permanent(fmt.Errorf("%s: %w", p.cfg.Name, err))
	}
	req.Header.Set("User-Agent", "Modulario")
	for k, v := range p.cfg.Headers {
		req.Header.Set(k, v)
	}
	_, resp, err := doHTTP(p.client, req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p.cfg.Name, err)
	}
	return jsonReference(resp, "id", "sid", "message_id"), nil
}

func (p *Provider) contentType() string {
	for k, v := range p.cfg.Headers {
		if strings.EqualFold(k, "Content-Type") {
			mt, _, err := mime.ParseMediaType(v)
			if err != nil {
				return ""
			}
			return mt
		}
	}
	return ""
}

// bodyEscaper returns how placeholder values are escaped for a body of
// media type mt.
func bodyEscaper(mt string) func(string) string {
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return jsonEscape
	case mt == "application/x-www-form-urlencoded":
		return url.QueryEscape
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
