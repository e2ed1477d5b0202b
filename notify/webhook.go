package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/modulario/modulario"
)

// WebhookConfig configures the webhook channel.
type WebhookConfig struct {
	// Timeout bounds one delivery (default 15s).
	Timeout time.Duration
	// Network is the SSRF policy for receivers' addresses.
	Network NetPolicy
	// Now returns the current time (default time.Now); tests set it.
	Now func() time.Time
}

// Webhook posts submissions as JSON to signed webhook endpoints, following
// the Standard Webhooks convention (https://www.standardwebhooks.com).
type Webhook struct {
	client *http.Client
	now    func() time.Time
}

// NewWebhook returns the webhook channel.
func NewWebhook(cfg WebhookConfig) *Webhook {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Webhook{client: cfg.Network.HTTPClient(cfg.Timeout), now: cfg.Now}
}

// Name implements Channel.
func (w *Webhook) Name() string { return modulario.ChannelWebhook }

// WebhookPayload is the JSON body of a webhook.
type WebhookPayload struct {
	Type      string      `json:"type"`
	Timestamp time.Time   `json:"timestamp"`
	Data      WebhookData `json:"data"`
}

// WebhookData describes the submission in a webhook.
type WebhookData struct {
	ID          uint64                     `json:"id"`
	Number      string                     `json:"number"`
	TrackingURL string                     `json:"tracking_url"`
	Form        string                     `json:"form"`
	Version     int                        `json:"version"`
	Status      modulario.SubmissionStatus `json:"status"`
	Office      string                     `json:"office"`
	Tags        []string                   `json:"tags"`
	Priority    string                     `json:"priority"`
	CreatedAt   time.Time                  `json:"created_at"`
	Answers     json.RawMessage            `json:"answers"`
	Attachments []WebhookAttachment        `json:"attachments"`
}

// WebhookAttachment is an attachment's metadata in a webhook; receivers
// fetch content through the API.
type WebhookAttachment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Send implements Channel: it posts the signed payload to m.Webhook.URL.
// A 2xx response is success; a JSON body with a "reference" (or
// "protocollo") gives the reference.
func (w *Webhook) Send(ctx context.Context, m *Message) (string, error) {
	if m.Webhook == nil || m.Webhook.URL == "" {
		return "", permanent(errors.New("webhook: no endpoint"))
	}
	if m.Submission == nil {
		return "", permanent(errors.New("webhook: no submission"))
	}
	now := w.now()
	body, err := json.Marshal(webhookPayload(m, now))
	if err != nil {
		return "", permanent(fmt.Errorf("webhook: %w", err))
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	sig, err := SignWebhook(m.Webhook.Secret, m.ID, ts, body)
	if err != nil {
		return "", permanent(fmt.Errorf("webhook %s: %w", m.Webhook.Name, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Webhook.URL, bytes.NewReader(body))
	if err != nil {
		return "", permanent(fmt.Errorf("webhook %s: %w", m.Webhook.Name, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Modulario")
	req.Header.Set("webhook-id", m.ID)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", sig)
	_, resp, err := doHTTP(w.client, req)
	if err != nil {
		return "", fmt.Errorf("webhook %s: %w", m.Webhook.Name, err)
	}
	return jsonReference(resp, "reference", "protocollo"), nil
}

func webhookPayload(m *Message, now time.Time) WebhookPayload {
	s := m.Submission
	event := modulario.EventReceived
	if m.Outbox != nil && m.Outbox.Event != "" {
		event = m.Outbox.Event
	}
	answers := s.Data
	if len(answers) == 0 {
		answers = json.RawMessage("{}")
	}
	data := WebhookData{
		ID: s.ID, Number: s.Number, TrackingURL: m.TrackingURL, Form: s.FormSlug,
		Version: s.Version, Status: s.Status, Office: s.Office, Tags: s.Tags,
		Priority: s.Priority, CreatedAt: s.CreatedAt, Answers: answers,
		Attachments: make([]WebhookAttachment, 0, len(s.Attachments)),
	}
	if data.Tags == nil {
		data.Tags = []string{}
	}
	for _, a := range s.Attachments {
		data.Attachments = append(data.Attachments, WebhookAttachment{
			ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
		})
	}
	return WebhookPayload{Type: event, Timestamp: now.UTC().Truncate(time.Second), Data: data}
}

// jsonReference returns the first of keys holding a string (or number) in
// a JSON object body, or "" when the body is not such an object.
func jsonReference(body []byte, keys ...string) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return ""
	}
	for _, k := range keys {
		var s string
		if json.Unmarshal(obj[k], &s) == nil && s != "" {
			return s
		}
		var n json.Number
		if json.Unmarshal(obj[k], &n) == nil && n != "" {
			return n.String()
		}
	}
	return ""
}

// webhookKey decodes a "whsec_<base64>" secret (the prefix is optional).
func webhookKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return nil, errors.New("invalid webhook secret (want whsec_ followed by base64)")
	}
	return key, nil
}

// SignWebhook returns the webhook-signature header value for a message:
// "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)).
func SignWebhook(secret, id, timestamp string, body []byte) (string, error) {
	key, err := webhookKey(secret)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// WebhookTolerance is how far a webhook's timestamp may be from the
// receiver's clock before VerifyWebhook rejects it (replay protection).
const WebhookTolerance = 5 * time.Minute

// VerifyWebhook checks a received webhook, as a receiver should: secret is
// the endpoint's "whsec_..." key; id, timestamp and signatureHeader are the
// webhook-id, webhook-timestamp and webhook-signature headers; body is the
// raw request body. The header may list several space-separated
// signatures (during key rotation); one matching "v1," signature is
// enough. The timestamp must be within WebhookTolerance of now.
func VerifyWebhook(secret, id, timestamp string, body []byte, signatureHeader string) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("webhook: invalid timestamp")
	}
	if d := time.Since(time.Unix(sec, 0)); d > WebhookTolerance || d < -WebhookTolerance {
		return errors.New("webhook: timestamp out of tolerance")
	}
	want, err := SignWebhook(secret, id, timestamp, body)
	if err != nil {
		return err
	}
	for _, sig := range strings.Fields(signatureHeader) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return errors.New("webhook: no matching signature")
}
