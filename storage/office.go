package storage

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// OfficeService stores the comune's offices.
type OfficeService struct {
	db *DB
}

var _ modulario.OfficeService = (*OfficeService)(nil)

// NewOfficeService returns the OfficeService of db.
func NewOfficeService(db *DB) *OfficeService { return &OfficeService{db: db} }

// FindOffice returns an office by slug. Returns ENOTFOUND.
func (s *OfficeService) FindOffice(ctx context.Context, slug string) (*modulario.Office, error) {
	return findNamed[modulario.Office](ctx, s.db, bucketOffices, slug, "Office not found.")
}

// ListOffices returns every office ordered by name (Italian collation,
// ignoring case).
func (s *OfficeService) ListOffices(ctx context.Context) ([]*modulario.Office, error) {
	list, err := listNamed[modulario.Office](ctx, s.db, bucketOffices, nil)
	col := collate.New(language.Italian, collate.IgnoreCase)
	sort.SliceStable(list, func(i, j int) bool { return col.CompareString(list[i].Name, list[j].Name) < 0 })
	return list, err
}

// SaveOffice validates o, normalises its addresses (bare, lowercased,
// without duplicates) and creates or replaces the office with o.Slug,
// keeping the first CreatedAt. On success o holds the stored values.
// Returns EINVALID for a bad slug, a missing name or an invalid address.
func (s *OfficeService) SaveOffice(ctx context.Context, o *modulario.Office) error {
	out, err := normalizeOffice(o)
	if err != nil {
		return err
	}
	err = s.db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOffices)
		var old modulario.Office
		found, err := getJSON(b, []byte(out.Slug), &old)
		if err != nil {
			return err
		}
		out.UpdatedAt = s.db.now()
		out.CreatedAt = out.UpdatedAt
		if found {
			out.CreatedAt = old.CreatedAt
		}
		return putJSON(b, []byte(out.Slug), &out)
	})
	if err == nil {
		*o = out
	}
	return err
}

func normalizeOffice(o *modulario.Office) (modulario.Office, error) {
	out := *o
	out.Name = strings.TrimSpace(out.Name)
	fields := map[string]string{}
	if !modulario.ValidSlug(out.Slug) {
		fields["/slug"] = "Use lowercase letters, digits and single hyphens."
	}
	if out.Name == "" {
		fields["/name"] = "The office needs a name."
	}
	out.Emails = nil
	seen := map[string]bool{}
	for _, e := range o.Emails {
		addr, ok := parseAddress(e)
		if !ok {
			fields["/emails"] = "Invalid e-mail address: " + e
			continue
		}
		if !seen[addr] {
			seen[addr] = true
			out.Emails = append(out.Emails, addr)
		}
	}
	if o.PEC != "" {
		addr, ok := parseAddress(o.PEC)
		if !ok {
			fields["/pec"] = "Invalid PEC address: " + o.PEC
		}
		out.PEC = addr
	}
	if len(fields) > 0 {
		return out, &modulario.Error{Code: modulario.EINVALID, Message: "The office is not valid.", Fields: fields}
	}
	return out, nil
}

// parseAddress returns the bare, lowercased address of an RFC 5322 address.
func parseAddress(s string) (string, bool) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return "", false
	}
	return strings.ToLower(a.Address), true
}

// DeleteOffice removes an office nothing routes to any more. Submissions
// keep the slug they were routed to. Returns ENOTFOUND, or ECONFLICT while
// a form's published or draft version names the office as its office or
// as a rule's route, or a user belongs to it: the error's Fields name
// them, "/forms/SLUG" and "/users/EMAIL".
func (s *OfficeService) DeleteOffice(ctx context.Context, slug string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		if slug != "" && tx.Bucket(bucketOffices).Get([]byte(slug)) != nil {
			if err := officeInUse(tx, slug); err != nil {
				return err
			}
		}
		return deleteNamed(tx.Bucket(bucketOffices), slug, "Office not found.")
	})
}

// officeRefs is what a form definition says about offices.
type officeRefs struct {
	Office string `json:"office"`
	Rules  []struct {
		Name string `json:"name"`
		Then []struct {
			Route string `json:"route"`
		} `json:"then"`
	} `json:"rules"`
}

// officeInUse returns ECONFLICT naming the forms and users that still use
// office slug (see DeleteOffice), or nil.
func officeInUse(tx *bolt.Tx, slug string) error {
	fields := map[string]string{}
	var names []string
	use := func(key, what string) {
		if _, ok := fields[key]; !ok {
			names = append(names, strings.TrimPrefix(strings.TrimPrefix(key, "/forms/"), "/users/")+" ("+what+")")
		}
		fields[key] = what
	}
	err := tx.Bucket(bucketForms).ForEach(func(k, _ []byte) error {
		f, err := findForm(tx, string(k))
		if err != nil {
			return err
		}
		for _, n := range []int{f.Published, f.Draft} {
			v, err := findVersion(tx, f.Slug, n)
			if modulario.ErrorCode(err) == modulario.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			var def officeRefs
			_ = json.Unmarshal(v.Definition, &def) // stored definitions were valid
			if def.Office == slug {
				use("/forms/"+f.Slug, "default office")
			}
			for _, r := range def.Rules {
				for _, a := range r.Then {
					if a.Route == slug {
						use("/forms/"+f.Slug, "route of rule "+strconv.Quote(r.Name))
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	users := tx.Bucket(bucketUsers)
	err = users.ForEach(func(k, _ []byte) error {
		var u modulario.User
		if _, err := getJSON(users, k, &u); err != nil {
			return err
		}
		if u.InOffice(slug) {
			use("/users/"+u.Email, "member")
		}
		return nil
	})
	if err != nil || len(fields) == 0 {
		return err
	}
	return &modulario.Error{Code: modulario.ECONFLICT, Fields: fields,
		Message: "The office is still in use by " + strings.Join(names, ", ") +
			": route those forms and rules to another office and remove the users from it first."}
}

// getNamed decodes the value under name into v, or returns ENOTFOUND with msg.
func getNamed(b *bolt.Bucket, name string, v any, msg string) error {
	found, err := getJSON(b, []byte(name), v)
	if err != nil {
		return err
	} else if !found || name == "" {
		return notFoundf("%s", msg)
	}
	return nil
}

// findNamed reads the record name of bucket in its own read transaction,
// or returns ENOTFOUND with msg.
func findNamed[T any](ctx context.Context, db *DB, bucket []byte, name, msg string) (*T, error) {
	var v T
	err := db.view(ctx, func(tx *bolt.Tx) error { return getNamed(tx.Bucket(bucket), name, &v, msg) })
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// listNamed reads every record of bucket, in key order, in one read
// transaction, keeping those keep accepts (every one when keep is nil).
func listNamed[T any](ctx context.Context, db *DB, bucket []byte, keep func(*T) bool) ([]*T, error) {
	var list []*T
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		return b.ForEach(func(k, _ []byte) error {
			var v T
			if _, err := getJSON(b, k, &v); err != nil {
				return err
			}
			if keep == nil || keep(&v) {
				list = append(list, &v)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// deleteNamed removes name from b, or returns ENOTFOUND with msg.
func deleteNamed(b *bolt.Bucket, name, msg string) error {
	if name == "" || b.Get([]byte(name)) == nil {
		return notFoundf("%s", msg)
	}
	return b.Delete([]byte(name))
}

// WebhookService stores webhook endpoints and their signing secrets.
type WebhookService struct {
	db *DB
}

var _ modulario.WebhookService = (*WebhookService)(nil)

// NewWebhookService returns the WebhookService of db.
func NewWebhookService(db *DB) *WebhookService { return &WebhookService{db: db} }

// webhookSecretPrefix starts every Standard Webhooks secret.
const webhookSecretPrefix = "whsec_"

// SaveWebhook validates e and creates or replaces the endpoint with
// e.Name, keeping the first CreatedAt. An empty Secret is generated as
// "whsec_" + base64 of 32 random bytes. On success e holds the stored
// values. Returns EINVALID for a bad name, URL or secret.
func (s *WebhookService) SaveWebhook(ctx context.Context, e *modulario.WebhookEndpoint) error {
	out, err := normalizeWebhook(e)
	if err != nil {
		return err
	}
	err = s.db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebhooks)
		var old modulario.WebhookEndpoint
		found, err := getJSON(b, []byte(out.Name), &old)
		if err != nil {
			return err
		}
		out.CreatedAt = s.db.now()
		if found {
			out.CreatedAt = old.CreatedAt
		}
		return putJSON(b, []byte(out.Name), &out)
	})
	if err == nil {
		*e = out
	}
	return err
}

func normalizeWebhook(e *modulario.WebhookEndpoint) (modulario.WebhookEndpoint, error) {
	out := *e
	out.URL = strings.TrimSpace(out.URL)
	fields := map[string]string{}
	if !modulario.ValidSlug(out.Name) {
		fields["/name"] = "Use lowercase letters, digits and single hyphens."
	}
	if u, err := url.Parse(out.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fields["/url"] = "Use an absolute http or https URL."
	}
	if out.Secret == "" {
		key := make([]byte, 32)
		_, _ = rand.Read(key) // crypto/rand.Read never fails
		out.Secret = webhookSecretPrefix + base64.StdEncoding.EncodeToString(key)
	} else if key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(out.Secret, webhookSecretPrefix)); err != nil ||
		!strings.HasPrefix(out.Secret, webhookSecretPrefix) || len(key) < 24 {
		fields["/secret"] = "The secret must be whsec_ followed by at least 24 bytes in base64."
	}
	if len(fields) > 0 {
		return out, &modulario.Error{Code: modulario.EINVALID, Message: "The webhook endpoint is not valid.", Fields: fields}
	}
	return out, nil
}

// FindWebhook returns an endpoint. Returns ENOTFOUND.
func (s *WebhookService) FindWebhook(ctx context.Context, name string) (*modulario.WebhookEndpoint, error) {
	return findNamed[modulario.WebhookEndpoint](ctx, s.db, bucketWebhooks, name, "Webhook endpoint not found.")
}

// ListWebhooks returns every endpoint ordered by name.
func (s *WebhookService) ListWebhooks(ctx context.Context) ([]*modulario.WebhookEndpoint, error) {
	// bbolt keys are sorted, so names are in order.
	return listNamed[modulario.WebhookEndpoint](ctx, s.db, bucketWebhooks, nil)
}

// DeleteWebhook removes an endpoint. Returns ENOTFOUND.
func (s *WebhookService) DeleteWebhook(ctx context.Context, name string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		return deleteNamed(tx.Bucket(bucketWebhooks), name, "Webhook endpoint not found.")
	})
}
