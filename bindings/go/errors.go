package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"fmt"
	"time"
)

// Kind is the category of an error; the values mirror the C ak_status codes.
type Kind int

// Error kinds, numbered as ak_status.
const (
	KindInvalidArgument  Kind = C.AK_E_INVALID_ARGUMENT
	KindValidation       Kind = C.AK_E_VALIDATION
	KindAuth             Kind = C.AK_E_AUTH
	KindNotFound         Kind = C.AK_E_NOT_FOUND
	KindRateLimited      Kind = C.AK_E_RATE_LIMITED
	KindVendor           Kind = C.AK_E_VENDOR
	KindTransport        Kind = C.AK_E_TRANSPORT
	KindTimeout          Kind = C.AK_E_TIMEOUT
	KindDecode           Kind = C.AK_E_DECODE
	KindUnknownOperation Kind = C.AK_E_UNKNOWN_OPERATION
	KindOutcomeUnknown   Kind = C.AK_E_OUTCOME_UNKNOWN
	KindNoMem            Kind = C.AK_E_NOMEM
	KindInternal         Kind = C.AK_E_INTERNAL
	KindOperationFailed  Kind = C.AK_E_OPERATION_FAILED
)

var kindNames = map[Kind]string{
	KindInvalidArgument: "invalid_argument", KindValidation: "validation", KindAuth: "auth",
	KindNotFound: "not_found", KindRateLimited: "rate_limited", KindVendor: "vendor",
	KindTransport: "transport", KindTimeout: "timeout", KindDecode: "decode",
	KindUnknownOperation: "unknown_operation", KindOutcomeUnknown: "outcome_unknown",
	KindNoMem: "nomem", KindInternal: "internal", KindOperationFailed: "operation_failed",
}

// String returns the stable lowercase name of the kind ("not_found", ...).
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Sentinels for errors.Is: errors.Is(err, accountkit.ErrNotFound) is true for
// every *Error of that kind.
var (
	ErrInvalidArgument  = &Error{Kind: KindInvalidArgument, Category: "invalid_argument", Message: "invalid argument"}
	ErrValidation       = &Error{Kind: KindValidation, Category: "validation", Message: "validation failed"}
	ErrAuth             = &Error{Kind: KindAuth, Category: "auth", Message: "authentication failed"}
	ErrNotFound         = &Error{Kind: KindNotFound, Category: "not_found", Message: "account not found"}
	ErrRateLimited      = &Error{Kind: KindRateLimited, Category: "rate_limited", Message: "rate limited"}
	ErrVendor           = &Error{Kind: KindVendor, Category: "vendor", Message: "vendor error"}
	ErrTransport        = &Error{Kind: KindTransport, Category: "transport", Message: "transport error"}
	ErrTimeout          = &Error{Kind: KindTimeout, Category: "timeout", Message: "timeout"}
	ErrDecode           = &Error{Kind: KindDecode, Category: "decode", Message: "undecodable response"}
	ErrUnknownOperation = &Error{Kind: KindUnknownOperation, Category: "unknown_operation", Message: "unknown operation"}
	ErrOutcomeUnknown   = &Error{Kind: KindOutcomeUnknown, Category: "outcome_unknown", Message: "outcome unknown"}
	ErrInternal         = &Error{Kind: KindInternal, Category: "internal", Message: "internal error"}
	ErrOperationFailed  = &Error{Kind: KindOperationFailed, Category: "operation_failed", Message: "operation failed"}
)

// FieldError is one field problem of a validation error.
type FieldError struct {
	Path    string // "contacts[0].address.city"
	Rule    string // "required", "type", "max_length", ..., "vendor"
	Message string
}

// Error is every error accountkit returns (except context errors, which are
// returned as ctx.Err()). Use errors.As to read its details. Its text never
// contains a secret.
type Error struct {
	Kind       Kind
	Category   string // stable lowercase name, e.g. "validation"
	Message    string // a full sentence naming vendor and operation
	Vendor     string
	Operation  string
	HTTPStatus int    // 0 when no answer was received
	VendorCode string // the vendor's raw error code, or ""
	RequestID  string
	RawBody    string // the vendor's body with secrets replaced by "***"
	Retriable  bool
	Attempts   int
	RetryAfter time.Duration // -1 when the vendor did not say
	Fields     []FieldError
}

// Error implements the error interface: the library's message, which
// already names vendor, operation and every field problem (see Fields).
func (e *Error) Error() string {
	if e.Message == "" {
		return "accountkit: " + e.Category
	}
	return "accountkit: " + e.Message
}

// Is reports whether target is an *Error of the same kind, so that
// errors.Is(err, ErrNotFound) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && t.Kind == e.Kind
}

func goStr(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// takeError copies a C error into Go and frees it. st is the status the call
// returned, used when no error object was made (AK_E_NOMEM).
func takeError(st C.ak_status, e *C.ak_error) *Error {
	if e == nil {
		k := Kind(st)
		return &Error{Kind: k, Category: k.String(), Message: goStr(C.ak_strerror(st)), RetryAfter: -1}
	}
	defer C.ak_error_free(e)
	out := &Error{
		Kind:       Kind(C.ak_error_code(e)),
		Category:   goStr(C.ak_error_category(e)),
		Message:    goStr(C.ak_error_message(e)),
		Vendor:     goStr(C.ak_error_vendor(e)),
		Operation:  goStr(C.ak_error_operation(e)),
		HTTPStatus: int(C.ak_error_http_status(e)),
		VendorCode: goStr(C.ak_error_vendor_code(e)),
		RequestID:  goStr(C.ak_error_request_id(e)),
		RawBody:    goStr(C.ak_error_raw_body(e)),
		Retriable:  C.ak_error_is_retriable(e) != 0,
		Attempts:   int(C.ak_error_attempts(e)),
		RetryAfter: -1,
	}
	if ra := float64(C.ak_error_retry_after(e)); ra >= 0 {
		out.RetryAfter = time.Duration(ra * float64(time.Second))
	}
	n := int(C.ak_error_field_count(e))
	for i := 0; i < n; i++ {
		ci := C.size_t(i)
		out.Fields = append(out.Fields, FieldError{
			Path:    goStr(C.ak_error_field_path(e, ci)),
			Rule:    goStr(C.ak_error_field_rule(e, ci)),
			Message: goStr(C.ak_error_field_message(e, ci)),
		})
	}
	return out
}

// localError makes an error found by the binding itself (no C call made).
func localError(kind Kind, vendor, operation, msg string) *Error {
	return &Error{Kind: kind, Category: kind.String(), Message: msg, Vendor: vendor, Operation: operation, RetryAfter: -1}
}
