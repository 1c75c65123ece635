// Package accountkit creates, updates, reads, lists and deletes customer
// accounts on vendor platforms (99digital, ActivePlatform, Commvault) through
// the accountkit C library. The vendors' emulator for tests is the separate
// package accountkit.dev/go/accountkit/sandbox, so programs that do not
// import it do not link the sandbox library.
//
// A *Client is safe for concurrent use by many goroutines. Calls block in C;
// when a call's context ends first, the method returns ctx.Err() at once and
// the C call completes in the background, freeing everything it made (its
// outcome is discarded: a create may still have happened).
//
// Linking: pkg-config finds the library (accountkit.pc; set PKG_CONFIG_PATH
// for an install off its default path). By default the program links
// libaccountkit.so and the loader must find it at run time. Built with the tag
// accountkit_static (go build -tags accountkit_static), it links
// libaccountkit.a from the same directory instead, plus the system's shared
// libcurl, libsimdjson and libstdc++, and runs without libaccountkit.so
// (-Wl,--as-needed keeps the unused -laccountkit of accountkit.pc out of the
// binary).
package accountkit

/*
#cgo pkg-config: accountkit
#cgo accountkit_static LDFLAGS: -l:libaccountkit.a -lcurl -lsimdjson -lstdc++ -lm -Wl,--as-needed
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"context"
	"iter"
	"runtime"
	"runtime/cgo"
	"sort"
	"strconv"
	"sync"
	"time"
	"unsafe"
)

// Version returns the C library's version ("0.2.0").
func Version() string { return C.GoString(C.ak_version()) }

// Option configures a client in NewClient.
type Option func(*clientConfig)

type clientConfig struct {
	opts     [][2]string
	logger   Logger
	logLevel LogLevel
}

// WithOption sets a client option by its C name ("timeout_ms", "max_attempts",
// "poll_initial_ms", ...; see accountkit.h).
func WithOption(name, value string) Option {
	return func(c *clientConfig) { c.opts = append(c.opts, [2]string{name, value}) }
}

// WithBaseURL sets the vendor URL.
func WithBaseURL(url string) Option { return WithOption("base_url", url) }

// WithTimeout sets the total time for one HTTP exchange (option timeout_ms).
func WithTimeout(d time.Duration) Option {
	return WithOption("timeout_ms", strconv.FormatInt(d.Milliseconds(), 10))
}

// WithCredentials sets credential options by the vendor's names, e.g.
// {"client_id": ..., "client_secret": ...} for 99digital.
func WithCredentials(creds map[string]string) Option {
	keys := make([]string, 0, len(creds))
	for k := range creds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return func(c *clientConfig) {
		for _, k := range keys {
			c.opts = append(c.opts, [2]string{k, creds[k]})
		}
	}
}

// Client talks to one vendor. Create it with NewClient and release it with
// Close. It is safe for concurrent use.
type Client struct {
	vendor string

	mu     sync.Mutex
	h      *C.ak_client
	refs   int        // calls running in C on h
	closed bool       // Close was called; h is freed when refs reaches 0
	log    cgo.Handle // the Logger given to C, deleted after h is freed
}

// freeLocked frees the C client and then the logger handle. c.mu is held.
func (c *Client) freeLocked() {
	if c.h != nil {
		C.ak_client_free(c.h)
		c.h = nil
	}
	if c.log != 0 {
		c.log.Delete()
		c.log = 0
	}
}

// NewClient creates a client for vendor ("99digital", "activeplatform",
// "activeplatform-v3", "commvault"). Unknown vendors and bad options fail with KindInvalidArgument.
func NewClient(vendor string, opts ...Option) (*Client, error) {
	var cfg clientConfig
	for _, o := range opts {
		o(&cfg)
	}
	cv, err := cString(vendor, "", "vendor", vendor)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cv))
	var h *C.ak_client
	var cerr *C.ak_error
	if st := C.ak_client_new(&h, cv, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	c := &Client{vendor: vendor, h: h}
	fail := func(err error) (*Client, error) {
		c.mu.Lock()
		c.freeLocked()
		c.mu.Unlock()
		return nil, err
	}
	for _, o := range cfg.opts {
		if err := c.SetOption(o[0], o[1]); err != nil {
			return fail(err)
		}
	}
	if cfg.logger != nil {
		hd, err := setLogger(h, cfg.logLevel, cfg.logger)
		if err != nil {
			return fail(err)
		}
		c.log = hd
	}
	runtime.SetFinalizer(c, (*Client).Close)
	return c, nil
}

// Vendor returns the client's vendor name.
func (c *Client) Vendor() string { return c.vendor }

// acquire pins the C handle for one call; release unpins it.
func (c *Client) acquire(op string) (*C.ak_client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.h == nil {
		return nil, localError(KindInvalidArgument, c.vendor, op, "the client is closed")
	}
	c.refs++
	return c.h, nil
}

func (c *Client) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refs--
	if c.closed && c.refs == 0 {
		c.freeLocked()
	}
}

// Close releases the client. Calls still running in the background finish
// first; the handle is freed when the last one returns. Close is idempotent.
func (c *Client) Close() error {
	runtime.SetFinalizer(c, nil)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if c.refs == 0 {
		c.freeLocked()
	}
	return nil
}

// SetOption sets a client option by name (see WithOption). Thread-safe.
func (c *Client) SetOption(name, value string) error {
	h, err := c.acquire("")
	if err != nil {
		return err
	}
	defer c.release()
	cn, err := cString(c.vendor, "", "option name", name)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cn))
	cv, err := cString(c.vendor, "", "value of option "+name, value)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cv))
	var cerr *C.ak_error
	if st := C.ak_client_set_option(h, cn, cv, &cerr); st != C.AK_OK {
		return takeError(st, cerr)
	}
	return nil
}

// CheckCredentials checks the credentials without touching an account: it
// fetches a token if the vendor uses one. It returns false for a static token,
// which only a real call checks. A refusal (KindAuth) is remembered: later
// calls fail at once, sending nothing, until a credential is set again.
func (c *Client) CheckCredentials() (bool, error) {
	h, err := c.acquire("")
	if err != nil {
		return false, err
	}
	defer c.release()
	var checked C.int
	var cerr *C.ak_error
	if st := C.ak_client_check_credentials(&checked, h, &cerr); st != C.AK_OK {
		return false, takeError(st, cerr)
	}
	return checked != 0, nil
}

// outcome is what a blocking C call hands back.
type outcome struct {
	res *C.ak_result
	st  C.ak_status
	err *C.ak_error
}

func (o outcome) free() {
	C.ak_result_free(o.res)
	C.ak_error_free(o.err)
}

// block runs fn (a blocking C call) in a goroutine. If ctx ends first it
// returns ctx.Err(); the goroutine then runs to completion and frees the
// outcome and whatever cleanup releases.
func block(ctx context.Context, fn func() outcome, cleanup func(abandoned bool)) (*Result, error) {
	ch := make(chan outcome, 1)
	go func() { ch <- fn() }()
	select {
	case o := <-ch:
		if cleanup != nil {
			cleanup(false)
		}
		if o.st != C.AK_OK {
			C.ak_result_free(o.res)
			return nil, takeError(o.st, o.err)
		}
		return takeResult(o.res), nil
	case <-ctx.Done():
		go func() {
			o := <-ch
			o.free()
			if cleanup != nil {
				cleanup(true)
			}
		}()
		return nil, ctx.Err()
	}
}

// Call runs an operation ("create_account", "update_account", "get_account",
// "list_accounts", "delete_account", ...) with fields (nil = no fields; a nil
// value inside = explicit null).
func (c *Client) Call(ctx context.Context, operation string, fields map[string]any) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := newCFields(c.vendor, operation, fields)
	if err != nil {
		return nil, err
	}
	return c.call(ctx, operation, f)
}

// CallWithID runs an operation on the account id, given positionally: the C
// library binds it to the operation's id field (ak_fields_set_id: 99digital
// account_id or accountID, ActivePlatform account_id, Commvault id), as an
// integer where that field is one and id is digits. An id also given in
// fields, or an operation that takes no account id, is KindInvalidArgument;
// an operation the vendor lacks is KindUnknownOperation.
func (c *Client) CallWithID(ctx context.Context, operation, id string, fields map[string]any) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := newCFieldsWithID(c.vendor, operation, id, fields)
	if err != nil {
		return nil, err
	}
	return c.call(ctx, operation, f)
}

// call runs ak_call with f, which it frees.
func (c *Client) call(ctx context.Context, operation string, f *C.ak_fields) (*Result, error) {
	cop, err := cString(c.vendor, operation, "operation", operation)
	if err != nil {
		C.ak_fields_free(f)
		return nil, err
	}
	h, err := c.acquire(operation)
	if err != nil {
		C.free(unsafe.Pointer(cop))
		C.ak_fields_free(f)
		return nil, err
	}
	return block(ctx, func() outcome {
		var o outcome
		o.st = C.ak_call(&o.res, h, cop, f, &o.err)
		return o
	}, func(bool) {
		C.free(unsafe.Pointer(cop))
		C.ak_fields_free(f)
		c.release()
	})
}

// CreateAccount runs create_account.
func (c *Client) CreateAccount(ctx context.Context, fields map[string]any) (*Result, error) {
	return c.Call(ctx, "create_account", fields)
}

// UpdateAccount runs update_account on the account id (bound as CallWithID
// binds it).
func (c *Client) UpdateAccount(ctx context.Context, id string, fields map[string]any) (*Result, error) {
	return c.CallWithID(ctx, "update_account", id, fields)
}

// GetAccount runs get_account on the account id.
func (c *Client) GetAccount(ctx context.Context, id string) (*Result, error) {
	return c.CallWithID(ctx, "get_account", id, nil)
}

// DeleteAccount runs delete_account on the account id with extra fields
// (99digital needs "server").
func (c *Client) DeleteAccount(ctx context.Context, id string, fields map[string]any) (*Result, error) {
	return c.CallWithID(ctx, "delete_account", id, fields)
}

// ListAccounts walks every page of list_accounts, one account at a time.
// filters may choose the first page and the page size (vendor names).
func (c *Client) ListAccounts(ctx context.Context, filters map[string]any) iter.Seq2[*Result, error] {
	return c.List(ctx, "list_accounts", filters)
}

// List walks every item of a list operation lazily. The walk stops after
// the first error is yielded. Breaking out of the loop releases the pager.
func (c *Client) List(ctx context.Context, operation string, filters map[string]any) iter.Seq2[*Result, error] {
	return func(yield func(*Result, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		p, err := c.startList(operation, filters)
		if err != nil {
			yield(nil, err)
			return
		}
		owned := true // false once an abandoned background call owns p
		defer func() {
			if owned {
				C.ak_pager_free(p)
			}
		}()
		for {
			r, err := block(ctx, func() outcome {
				var o outcome
				o.st = C.ak_pager_next(&o.res, p, &o.err)
				return o
			}, func(abandoned bool) {
				if abandoned { // the background goroutine owns p now
					C.ak_pager_free(p)
				}
			})
			if err != nil {
				if _, isAK := err.(*Error); !isAK {
					owned = false // ctx ended: the background call frees p
				}
				yield(nil, err)
				return
			}
			if r == nil {
				return // end of the list
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// startList makes the pager of a walk (ak_list; no request is made yet).
func (c *Client) startList(operation string, filters map[string]any) (*C.ak_pager, error) {
	f, err := newCFields(c.vendor, operation, filters)
	if err != nil {
		return nil, err
	}
	defer C.ak_fields_free(f) // the pager keeps its own copy
	cop, err := cString(c.vendor, operation, "operation", operation)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cop))
	h, err := c.acquire(operation)
	if err != nil {
		return nil, err
	}
	defer c.release() // the pager keeps the client alive by itself
	var p *C.ak_pager
	var cerr *C.ak_error
	if st := C.ak_list(&p, h, cop, f, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	return p, nil
}

// Wait polls an asynchronous vendor's account (Commvault) until it leaves
// its pending states and returns the settled account. timeout bounds the
// wait (a ctx deadline that comes sooner shortens it; timeout <= 0 means the
// ctx deadline, or 5 minutes without one). A failed operation is
// KindOperationFailed, a wait that runs out KindTimeout.
func (c *Client) Wait(ctx context.Context, id string, timeout time.Duration) (*Result, error) {
	return c.WaitFor(ctx, "", id, timeout)
}

// WaitFor is Wait for the result of operation after, whose id is id
// (r.ID() of the Result that operation returned). Where that result
// is not yet an account the wait follows it to one: Commvault's
// create_account answers with a fulfillment, and WaitFor returns the new
// account once the fulfillment is complete and the account settled. An
// after whose results do not settle is KindUnknownOperation.
func (c *Client) WaitFor(ctx context.Context, after, id string, timeout time.Duration) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); timeout <= 0 || left < timeout {
			timeout = left
		}
	}
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	cid, err := cString(c.vendor, "wait", "id", id)
	if err != nil {
		return nil, err
	}
	cafter, err := cString(c.vendor, "wait", "after", after)
	if err != nil {
		C.free(unsafe.Pointer(cid))
		return nil, err
	}
	h, err := c.acquire("wait")
	if err != nil {
		C.free(unsafe.Pointer(cid))
		C.free(unsafe.Pointer(cafter))
		return nil, err
	}
	secs := C.double(timeout.Seconds())
	return block(ctx, func() outcome {
		var o outcome
		o.st = C.ak_wait_for(&o.res, h, cafter, cid, secs, &o.err)
		return o
	}, func(bool) {
		C.free(unsafe.Pointer(cid))
		C.free(unsafe.Pointer(cafter))
		c.release()
	})
}

// Validate checks fields for vendor/operation without any network access.
// It returns nil or a KindValidation *Error listing every field problem.
func Validate(vendor, operation string, fields map[string]any) error {
	f, err := newCFields(vendor, operation, fields)
	if err != nil {
		return err
	}
	return validate(vendor, operation, f)
}

// ValidateWithID is Validate for an operation on the account id, given
// positionally and bound as CallWithID binds it.
func ValidateWithID(vendor, operation, id string, fields map[string]any) error {
	f, err := newCFieldsWithID(vendor, operation, id, fields)
	if err != nil {
		return err
	}
	return validate(vendor, operation, f)
}

// validate runs ak_validate on f, which it frees.
func validate(vendor, operation string, f *C.ak_fields) error {
	defer C.ak_fields_free(f)
	cv, err := cString(vendor, operation, "vendor", vendor)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cv))
	cop, err := cString(vendor, operation, "operation", operation)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cop))
	var cerr *C.ak_error
	if st := C.ak_validate(cv, cop, f, &cerr); st != C.AK_OK {
		return takeError(st, cerr)
	}
	return nil
}
