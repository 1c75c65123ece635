package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"fmt"
	"math"
	"time"
)

// Kind is the category of an error; the values are the C library's
// ak_status codes, and its names and hierarchy are read from the library
// (ak_status_name, ak_status_parent), never copied here.
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
	KindTimeout          Kind = C.AK_E_TIMEOUT           // a kind of KindTransport
	KindDecode           Kind = C.AK_E_DECODE            // a kind of KindVendor
	KindUnknownOperation Kind = C.AK_E_UNKNOWN_OPERATION // a kind of KindInvalidArgument
	KindOutcomeUnknown   Kind = C.AK_E_OUTCOME_UNKNOWN
	KindNoMemory         Kind = C.AK_E_NOMEM
	KindInternal         Kind = C.AK_E_INTERNAL
	KindOperationFailed  Kind = C.AK_E_OPERATION_FAILED
	KindCancelled        Kind = C.AK_E_CANCELLED
)

// status is k as a C status number, and false when k does not fit in a C int
// (so it cannot be a status; a truncated number could name one by accident).
func (k Kind) status() (C.int, bool) {
	if k < math.MinInt32 || k > math.MaxInt32 {
		return 0, false
	}
	return C.int(k), true
}

// String returns the stable snake_case name of the kind, as the C library
// names it ("not_found", "no_memory", ...), or "kind(N)" for a number that
// is no status.
func (k Kind) String() string {
	if n, ok := k.status(); ok {
		if s := C.ak_status_name(n); s != nil {
			return C.GoString(s)
		}
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// parent is the broader kind k refines (KindTransport for KindTimeout), or 0.
func (k Kind) parent() Kind {
	if n, ok := k.status(); ok {
		return Kind(C.ak_status_parent(n))
	}
	return 0
}

// sentinel makes the errors.Is target of kind k; its category and message
// come from the C library.
func sentinel(k Kind) *Error {
	return &Error{Kind: k, Category: k.String(), Message: goStr(C.ak_strerror(C.ak_status(k))), RetryAfter: -1}
}

// Sentinels for errors.Is. errors.Is(err, ErrNotFound) is true for every
// *Error of that kind, and for every kind that refines it (the C library's
// ak_status_parent, the same hierarchy in every language): a timeout IS a
// transport error (errors.Is(err, ErrTransport)), an undecodable answer IS a
// vendor error (ErrVendor), an unknown operation IS an invalid argument
// (ErrInvalidArgument). Test for the narrower sentinel first when both matter.
var (
	ErrInvalidArgument  = sentinel(KindInvalidArgument)
	ErrValidation       = sentinel(KindValidation)
	ErrAuth             = sentinel(KindAuth)
	ErrNotFound         = sentinel(KindNotFound)
	ErrRateLimited      = sentinel(KindRateLimited)
	ErrVendor           = sentinel(KindVendor)
	ErrTransport        = sentinel(KindTransport)
	ErrTimeout          = sentinel(KindTimeout)
	ErrDecode           = sentinel(KindDecode)
	ErrUnknownOperation = sentinel(KindUnknownOperation)
	ErrOutcomeUnknown   = sentinel(KindOutcomeUnknown)
	ErrNoMemory         = sentinel(KindNoMemory)
	ErrInternal         = sentinel(KindInternal)
	ErrOperationFailed  = sentinel(KindOperationFailed)
	ErrCancelled        = sentinel(KindCancelled)
)

// FieldError is one field problem of a validation error.
type FieldError struct {
	Path    string // "contacts[0].address.city"; "(fields)" for the fields as a whole
	Rule    string // "required", "type", "max_length", ..., "vendor"
	Message string
}

// Error is every error accountkit returns, except context errors: a context
// done before a call is ctx.Err() itself, and one that ends during a call is
// a *ContextError holding both ctx's error and this. Use errors.As to read its
// details (errors.As finds it inside a *ContextError too). Its text never
// contains a secret.
type Error struct {
	Kind       Kind
	Category   string // Kind's stable name, e.g. "validation"
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
	// Candidates: an unknown outcome after a lost create was looked up names
	// every account that may be this request's (none provably is).
	Candidates []string
}

// Error implements the error interface: the library's message, which
// already names vendor, operation and every field problem (see Fields).
func (e *Error) Error() string {
	if e.Message == "" {
		return "accountkit: " + e.Category
	}
	return "accountkit: " + e.Message
}

// Is reports whether target is an *Error whose kind is e's kind or one that
// e's kind refines (ak_status_parent), so that errors.Is(err, ErrNotFound)
// works and errors.Is(timeoutErr, ErrTransport) is true.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || t == nil {
		return false
	}
	for k := e.Kind; k != 0; k = k.parent() {
		if k == t.Kind {
			return true
		}
	}
	return false
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
	for i := 0; i < int(C.ak_error_candidate_count(e)); i++ {
		out.Candidates = append(out.Candidates, goStr(C.ak_error_candidate(e, C.size_t(i))))
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

// ContextError is what a call returns when its context ended while the C
// library was running it: the token the call carried was triggered (or ctx's
// deadline, carried as the call's timeout, passed) and the call stopped where
// it was. It is both errors at once, so callers keep accountkit's verdict:
//
//   - errors.Is(err, context.Canceled) or errors.Is(err,
//     context.DeadlineExceeded): Context, which is ctx.Err();
//   - errors.Is(err, ErrCancelled): nothing was applied (a read, or a change
//     stopped before it was sent);
//   - errors.Is(err, ErrOutcomeUnknown): a create or delete may have reached
//     the vendor, so it may have happened (Err.Candidates may name the
//     account); look before you retry it;
//   - errors.Is(err, ErrTimeout): the deadline ended a read;
//   - errors.As(err, &e) with e an *Error: the details.
//
// A call that completed before it could be stopped returns its result, even
// if ctx ended at the same moment.
type ContextError struct {
	Context error  // ctx.Err(): context.Canceled or context.DeadlineExceeded
	Err     *Error // how the C call ended: KindCancelled, KindOutcomeUnknown or KindTimeout
}

// Error names both: "context canceled: accountkit: ...".
func (e *ContextError) Error() string {
	if e.Err == nil {
		return e.Context.Error()
	}
	return e.Context.Error() + ": " + e.Err.Error()
}

// Unwrap gives errors.Is and errors.As both errors.
func (e *ContextError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Context}
	}
	return []error{e.Context, e.Err}
}
