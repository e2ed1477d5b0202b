package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/modulario/modulario"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// UserService stores staff accounts, with a unique index on the
// lower-cased e-mail address.
type UserService struct {
	db *DB
}

var _ modulario.UserService = (*UserService)(nil)

// NewUserService returns the UserService of db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

// newUserID returns 16 random hex characters.
func newUserID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// normalizeUser trims and lower-cases what it can and checks the rest.
func normalizeUser(u *modulario.User) (modulario.User, error) {
	out := *u
	out.Name = strings.TrimSpace(out.Name)
	fields := map[string]string{}
	if addr, ok := parseAddress(out.Email); ok && !strings.ContainsAny(u.Email, "<>") {
		out.Email = addr
	} else {
		fields["/email"] = "Enter a valid e-mail address, like nome@comune.example.it."
	}
	if !out.Role.Valid() {
		fields["/role"] = "The role must be admin, editor or operator."
	}
	if out.PasswordHash == "" {
		fields["/password"] = "The account needs a password."
	}
	out.Offices = nil
	seen := map[string]bool{}
	for _, o := range u.Offices {
		if o = strings.TrimSpace(o); o != "" && !seen[o] {
			seen[o] = true
			out.Offices = append(out.Offices, o)
		}
	}
	if len(fields) > 0 {
		return out, &modulario.Error{Code: modulario.EINVALID, Message: "The account is not valid.", Fields: fields}
	}
	return out, nil
}

// CreateUser assigns ID and timestamps and stores u; on success u holds
// the stored values. Returns EINVALID for a bad e-mail address, an unknown
// role or an empty hash, and ECONFLICT if the e-mail address is taken.
func (s *UserService) CreateUser(ctx context.Context, u *modulario.User) error {
	out, err := normalizeUser(u)
	if err != nil {
		return err
	}
	err = s.db.update(ctx, func(tx *bolt.Tx) error {
		emails := tx.Bucket(bucketUserEmails)
		if emails.Get([]byte(out.Email)) != nil {
			return emailTaken(out.Email)
		}
		out.ID = newUserID()
		for tx.Bucket(bucketUsers).Get([]byte(out.ID)) != nil {
			out.ID = newUserID()
		}
		now := s.db.now()
		out.CreatedAt, out.UpdatedAt = now, now
		if out.PasswordChangedAt.IsZero() {
			out.PasswordChangedAt = now
		}
		if err := emails.Put([]byte(out.Email), []byte(out.ID)); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketUsers), []byte(out.ID), &out)
	})
	if err == nil {
		*u = out
	}
	return err
}

func emailTaken(email string) error {
	return &modulario.Error{Code: modulario.ECONFLICT, Message: "Another account uses this e-mail address.",
		Fields: map[string]string{"/email": "Another account uses " + email + "."}}
}

// FindUser returns a user by ID. Returns ENOTFOUND.
func (s *UserService) FindUser(ctx context.Context, id string) (*modulario.User, error) {
	return findNamed[modulario.User](ctx, s.db, bucketUsers, id, "User not found.")
}

// FindUserByEmail returns a user by e-mail address, compared without case.
// Returns ENOTFOUND.
func (s *UserService) FindUserByEmail(ctx context.Context, email string) (*modulario.User, error) {
	var u modulario.User
	key := strings.ToLower(strings.TrimSpace(email))
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketUserEmails).Get([]byte(key))
		if id == nil || key == "" {
			return notFoundf("User not found.")
		}
		return getNamed(tx.Bucket(bucketUsers), string(id), &u, "User not found.")
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// ListUsers returns users ordered by name (Italian collation, ignoring
// case), then e-mail.
func (s *UserService) ListUsers(ctx context.Context, filter modulario.UserFilter) ([]*modulario.User, error) {
	list, err := listNamed(ctx, s.db, bucketUsers, func(u *modulario.User) bool {
		return (filter.Role == "" || u.Role == filter.Role) && (filter.Office == "" || u.InOffice(filter.Office))
	})
	if err != nil {
		return nil, err
	}
	col := collate.New(language.Italian, collate.IgnoreCase)
	sort.SliceStable(list, func(i, j int) bool {
		if c := col.CompareString(list[i].Name, list[j].Name); c != 0 {
			return c < 0
		}
		return list[i].Email < list[j].Email
	})
	return list, nil
}

// UpdateUser replaces the stored user with u (same ID), keeping CreatedAt;
// on success u holds the stored values. Returns ENOTFOUND, EINVALID, or
// ECONFLICT if the new e-mail address is taken.
func (s *UserService) UpdateUser(ctx context.Context, u *modulario.User) error {
	out, err := normalizeUser(u)
	if err != nil {
		return err
	}
	err = s.db.update(ctx, func(tx *bolt.Tx) error {
		users, emails := tx.Bucket(bucketUsers), tx.Bucket(bucketUserEmails)
		var old modulario.User
		if err := getNamed(users, out.ID, &old, "User not found."); err != nil {
			return err
		}
		if out.Email != old.Email {
			if emails.Get([]byte(out.Email)) != nil {
				return emailTaken(out.Email)
			}
			if err := emails.Delete([]byte(old.Email)); err != nil {
				return err
			}
			if err := emails.Put([]byte(out.Email), []byte(out.ID)); err != nil {
				return err
			}
		}
		out.CreatedAt, out.UpdatedAt = old.CreatedAt, s.db.now()
		return putJSON(users, []byte(out.ID), &out)
	})
	if err == nil {
		*u = out
	}
	return err
}

// DeleteUser removes a user, their e-mail index entry and every session
// they have. Returns ENOTFOUND.
func (s *UserService) DeleteUser(ctx context.Context, id string) error {
	return s.db.update(ctx, func(tx *bolt.Tx) error {
		var u modulario.User
		if err := getNamed(tx.Bucket(bucketUsers), id, &u, "User not found."); err != nil {
			return err
		}
		if err := tx.Bucket(bucketUserEmails).Delete([]byte(u.Email)); err != nil {
			return err
		}
		if _, err := deleteUserSessions(tx, id, ""); err != nil {
			return err
		}
		return tx.Bucket(bucketUsers).Delete([]byte(id))
	})
}

// CountUsers returns how many users exist.
func (s *UserService) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.view(ctx, func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketUsers).Stats().KeyN
		return nil
	})
	return n, err
}
