// Package modulario holds Modulario's domain: types, service interfaces, errors
// and context helpers. It imports only the standard library; every other
// package of the project depends on it, never the other way round.
package modulario

import (
	"errors"
	"fmt"
)

// Error codes. HTTP maps each code to a status once, in one error handler.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	EUNSUPPORTED  = "unsupported_media_type"
	EGONE         = "gone"
	// EUNAVAILABLE: the service cannot store data right now (disk full or
	// read-only); the same request may succeed later.
	EUNAVAILABLE = "unavailable"
)

// Error is an application error. Message is safe to show to the person who
// caused it; Fields maps a JSON pointer (e.g. "/indirizzo/cap") to a message
// about that field. Internal details never go in Message.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	// Err is the underlying cause, for logs only.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("modulario error: code=%s message=%s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("modulario error: code=%s message=%s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf is a helper that returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of an *Error, or a generic one.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the per-field messages of an *Error, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
