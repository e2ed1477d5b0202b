package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/modulario/modulario"
	"github.com/modulario/modulario/notify"
)

// buildChannels makes every notification channel from the configuration.
// A channel that is not configured is still registered: it fails every
// attempt with a retryable error naming the missing setting, so its
// messages wait (visible in `modulario outbox list`) instead of vanishing.
func buildChannels(cfg Config) (map[string]notify.Channel, error) {
	networks, err := notify.ParseAllowedNetworks(cfg.AllowNetworks)
	if err != nil {
		return nil, err
	}
	policy := notify.NetPolicy{AllowedNetworks: networks}
	channels := map[string]notify.Channel{
		modulario.ChannelWebhook: notify.NewWebhook(notify.WebhookConfig{Network: policy}),
	}
	add := func(name string, ch notify.Channel, err error, missing string) error {
		switch {
		case err != nil:
			return fmt.Errorf("%s channel: %w", name, err)
		case ch == nil:
			channels[name] = notConfigured{name: name, hint: missing}
		default:
			channels[name] = ch
		}
		return nil
	}
	var email notify.Channel
	if cfg.SMTPURL != "" {
		ec, err := notify.ParseSMTPURL(cfg.SMTPURL)
		if err != nil {
			return nil, err
		}
		ec.From = cfg.MailFrom
		e, err := notify.NewEmail(ec)
		if err != nil {
			return nil, err
		}
		email = e
	}
	if err := add(modulario.ChannelEmailMsg, email, nil, "--smtp-url (MODULARIO_SMTP_URL)"); err != nil {
		return nil, err
	}
	var appio notify.Channel
	if cfg.AppIOKey != "" {
		a, err := notify.NewAppIO(notify.AppIOConfig{BaseURL: cfg.AppIOURL, Key: cfg.AppIOKey, Network: policy})
		if err != nil {
			return nil, err
		}
		appio = a
	}
	if err := add(modulario.ChannelAppIO, appio, nil, "--appio-key (MODULARIO_APPIO_KEY)"); err != nil {
		return nil, err
	}
	for _, p := range []struct{ name, file, flag string }{
		{modulario.ChannelSMS, cfg.SMSProvider, "--sms-provider (MODULARIO_SMS_PROVIDER)"},
		{modulario.ChannelWhatsApp, cfg.WhatsAppProvider, "--whatsapp-provider (MODULARIO_WHATSAPP_PROVIDER)"},
	} {
		ch, err := loadProvider(p.name, p.file, policy)
		if err := add(p.name, ch, err, p.flag); err != nil {
			return nil, err
		}
	}
	return channels, nil
}

// loadProvider reads an SMS/WhatsApp gateway description; nil when file is "".
func loadProvider(name, file string, policy notify.NetPolicy) (notify.Channel, error) {
	if file == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pc, err := notify.ParseProviderConfig(raw, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	pc.Network = policy
	return notify.NewProvider(pc)
}

// notConfigured stands for a channel whose settings are missing.
type notConfigured struct{ name, hint string }

func (n notConfigured) Name() string { return n.name }

func (n notConfigured) Send(context.Context, *notify.Message) (string, error) {
	return "", fmt.Errorf("the %s channel is not configured: set %s, then `modulario outbox retry`", n.name, n.hint)
}

// newDispatcher builds the outbox dispatcher over the store.
func newDispatcher(cfg Config, st *store, channels map[string]notify.Channel, logger *slog.Logger) *notify.Dispatcher {
	return &notify.Dispatcher{
		Outbox:      st.Outbox,
		Submissions: st.Submissions,
		Forms:       st.Forms,
		Offices:     st.Offices,
		Webhooks:    st.Webhooks,
		Attachments: st.Attachments,
		Calendars:   st.Calendars,
		Channels:    channels,
		BaseURL:     cfg.BaseURL,
		Workers:     cfg.NotifyWorkers,
		MaxAttempts: cfg.NotifyMaxAttempts,
		MinBackoff:  cfg.NotifyMinBackoff,
		MaxBackoff:  cfg.NotifyMaxBackoff,
		Now:         time.Now,
		Logger:      logger,
	}
}
