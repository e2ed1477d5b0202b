package notify

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned (wrapped, and marked permanent) when an
// outgoing HTTP request would connect to an address the NetPolicy refuses.
var ErrForbiddenAddress = errors.New("destination address not allowed")

// NetPolicy decides which addresses the HTTP channels (webhooks, App IO,
// SMS/WhatsApp providers) may connect to. Its zero value refuses loopback,
// link-local (including the cloud metadata address 169.254.169.254),
// private (RFC 1918, fc00::/7), unspecified, broadcast and multicast
// addresses, so a webhook URL cannot be used to reach internal services
// (SSRF). The check runs at dial time on the resolved IP, so a DNS name
// that later resolves to a private address (DNS rebinding) is refused too.
type NetPolicy struct {
	// AllowPrivate allows RFC 1918 and fc00::/7 addresses, for receivers
	// on the comune's own network. Loopback and link-local stay refused.
	AllowPrivate bool `json:"allow_private,omitempty"`
	// AllowedNetworks are always allowed, whatever their kind (for
	// example 127.0.0.0/8 in tests, or one on-premises protocol server).
	AllowedNetworks []netip.Prefix `json:"allowed_networks,omitempty"`
}

// ParseAllowedNetworks parses a comma-separated list of CIDR prefixes or
// single addresses ("10.1.0.0/16, 192.168.1.5"), as an environment
// variable would hold it.
func ParseAllowedNetworks(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("allowed networks: %w", err)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("allowed networks: %w", err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Check returns nil when the policy allows connecting to ip, or an error
// wrapping ErrForbiddenAddress.
func (p NetPolicy) Check(ip netip.Addr) error {
	ip = ip.Unmap()
	for _, n := range p.AllowedNetworks {
		if n.Contains(ip) {
			return nil
		}
	}
	var kind string
	switch {
	case !ip.IsValid():
		kind = "invalid"
	case ip.IsLoopback():
		kind = "loopback"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		kind = "link-local"
	case ip.IsUnspecified():
		kind = "unspecified"
	case ip.IsMulticast(), ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		kind = "multicast or broadcast"
	case ip.IsPrivate() && !p.AllowPrivate:
		kind = "private"
	default:
		return nil
	}
	return fmt.Errorf("%w: %s is a %s address", ErrForbiddenAddress, ip, kind)
}

// control is a net.Dialer Control function: it runs after name resolution,
// on the exact address about to be connected.
func (p NetPolicy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	return p.Check(ap.Addr())
}

// HTTPClient returns a client whose connections obey the policy. It
// ignores proxy environment variables (a proxy would be the dialed
// address) and does not follow redirects, which the channels report as
// failures.
func (p NetPolicy) HTTPClient(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: p.control}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// maxResponseBody caps how much of a receiver's response is read.
const maxResponseBody = 64 << 10

// doHTTP sends req with client and reads up to maxResponseBody bytes of the
// response. A refused destination is a permanent error; network errors
// and timeouts are retryable.
func doHTTP(client *http.Client, req *http.Request) (status int, body []byte, err error) {
	resp, err := client.Do(req)
	if err != nil {
		// url.Error repeats the full URL, which may carry an API key.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = fmt.Errorf("%s %s: %w", req.Method, redactURL(req.URL), uerr.Err)
		}
		if errors.Is(err, ErrForbiddenAddress) {
			return 0, nil, permanent(err)
		}
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s %s: reading response: %w", req.Method, redactURL(req.URL), err)
	}
	return resp.StatusCode, body, statusError(req, resp.StatusCode, body)
}

// payloadErrors are the statuses that say this message itself is wrong
// (malformed, gone, too large, of a refused type, not processable):
// sending it again cannot help.
var payloadErrors = map[int]bool{
	http.StatusBadRequest: true, http.StatusGone: true, http.StatusRequestEntityTooLarge: true,
	http.StatusRequestURITooLong: true, http.StatusUnsupportedMediaType: true, http.StatusUnprocessableEntity: true,
}

// statusError is nil for a 2xx status. The payload errors (400, 410, 413,
// 414, 415, 422) are permanent; every other status is retried with
// backoff: 5xx, 408 and 429, but also 401, 403, 404 and redirects (not
// followed), which a wrong key, a rotated secret or a moved endpoint give
// every message until an operator fixes the configuration. The text
// carries the status and the start of the body.
func statusError(req *http.Request, status int, body []byte) error {
	if status >= 200 && status < 300 {
		return nil
	}
	snippet := body
	if len(snippet) > 200 {
		snippet = snippet[:200]
	}
	err := fmt.Errorf("%s %s: status %d: %s", req.Method, redactURL(req.URL), status,
		strings.TrimSpace(strings.ToValidUTF8(string(snippet), "?")))
	if payloadErrors[status] {
		return permanent(err)
	}
	return err
}

// redactURL is u fit for a log: scheme://host only, with "/[redacted]"
// for any path, query or fragment. User info, query and path may all hold
// secrets (API keys, webhook URLs like https://hooks.example/T0/B0/XXXX).
// logSafe redacts URLs in free text with it too.
func redactURL(u *url.URL) string {
	if u.Scheme == "" || u.Host == "" {
		return "[redacted]"
	}
	s := u.Scheme + "://" + u.Host
	switch {
	case (u.Path != "" && u.Path != "/") || u.RawPath != "" || u.Opaque != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		s += "/[redacted]"
	case u.Path == "/":
		s += "/"
	}
	return s
}

// permanent marks err as not worth retrying.
func permanent(err error) error {
	return fmt.Errorf("%w: %w", ErrPermanent, err)
}
