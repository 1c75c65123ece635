// Package accountkit creates, updates, reads, lists and deletes customer
// accounts on vendor platforms (99digital, ActivePlatform, Commvault) through
// the accountkit C library. The vendors' emulator for tests is the separate
// package accountkit.dev/go/accountkit/sandbox, so programs that do not
// import it do not link the sandbox library.
//
// A *Client is safe for concurrent use by many goroutines. Calls block in C
// and honour their context: each carries an ak_cancel token and ctx's
// deadline (ak_call_options), so when ctx ends the C call stops within
// milliseconds, where it is, and the method returns a *ContextError that is
// both ctx's error (errors.Is(err, context.Canceled) or
// context.DeadlineExceeded) and the library's (errors.Is(err,
// ErrOutcomeUnknown) when a create or delete may have reached the vendor,
// ErrCancelled when nothing was applied). The client stays usable. A context
// already done sends nothing: the method returns ctx.Err() itself.
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

// Close releases the client. Calls still running on other goroutines finish
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

// maxCallTimeout is the longest ak_call_options.timeout_s the C library takes.
const maxCallTimeout = 86400 * time.Second

// callCtl ties one C call (or one list walk) to its context: an ak_cancel
// token that a context.AfterFunc triggers when ctx ends, and ctx's deadline
// as the call's timeout_s. Make it with newCallCtl, pass opts to the C
// *_with function, map its errors with wrap and end it with close.
type callCtl struct {
	tok *C.ak_cancel
	// opts is an allocation of its own: cgo refuses a pointer into callCtl,
	// which holds Go pointers.
	opts  *C.ak_call_options
	dl    time.Time // ctx's deadline, when hasDL
	hasDL bool
	stop  func() bool   // stops the AfterFunc
	fired chan struct{} // closed once the AfterFunc has triggered tok
	// deadlineBound: ctx's deadline is what bounds this call (a wait whose
	// timeout it shortened), so a timeout is the deadline's even a little
	// before it (a wait gives up when its next poll cannot fit).
	deadlineBound bool
}

// newCallCtl starts watching ctx, which the caller has checked is not done
// yet. A deadline already past is context.DeadlineExceeded (nothing sent).
// A deadline further than the C library's longest timeout_s (a day) is left
// to the token alone: ctx still ends the call when it expires.
func newCallCtl(ctx context.Context) (*callCtl, error) {
	cc := &callCtl{opts: new(C.ak_call_options), fired: make(chan struct{})}
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return nil, context.DeadlineExceeded
		}
		cc.dl, cc.hasDL = dl, true
		if left <= maxCallTimeout-time.Second {
			// Whole milliseconds, rounded up with one to spare: the C library
			// counts whole milliseconds from a later instant, so its deadline
			// is never before ctx's (a timeout it reports is ctx's deadline).
			ms := (left+time.Millisecond-1)/time.Millisecond + 1
			cc.opts.timeout_s = C.double(float64(ms) / 1000)
		}
	}
	var tok *C.ak_cancel
	var cerr *C.ak_error
	if st := C.ak_cancel_new(&tok, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	cc.tok = tok
	cc.opts.version = C.AK_CALL_OPTIONS_VERSION
	cc.opts.cancel = tok
	fired := cc.fired
	cc.stop = context.AfterFunc(ctx, func() {
		C.ak_cancel_trigger(tok)
		close(fired)
	})
	return cc, nil
}

// close stops watching ctx, waits for a trigger already under way, and frees
// the token (a pager still holding it keeps it alive). Call it once.
func (cc *callCtl) close() {
	if !cc.stop() {
		<-cc.fired
	}
	C.ak_cancel_free(cc.tok)
}

// ctxErr is ctx's error once it has ended, or context.DeadlineExceeded once
// its deadline has passed (the C library may report that deadline an instant
// before ctx's own timer fires) or, for a call the deadline bounds, when the
// library gave up on meeting it (a timeout), else nil.
func (cc *callCtl) ctxErr(ctx context.Context, kind Kind) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if cc.hasDL && (!time.Now().Before(cc.dl) || cc.deadlineBound && kind == KindTimeout) {
		return context.DeadlineExceeded
	}
	return nil
}

// wrap is the error to return for a C call that failed with err: a
// *ContextError when ctx has ended and err is what ending it makes
// (cancelled, outcome unknown, timeout), else err itself.
func (cc *callCtl) wrap(ctx context.Context, err *Error) error {
	switch err.Kind {
	case KindCancelled, KindOutcomeUnknown, KindTimeout:
		if ce := cc.ctxErr(ctx, err.Kind); ce != nil {
			return &ContextError{Context: ce, Err: err}
		}
	}
	return err
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

// call runs ak_call_with with f, which it frees, stopping it when ctx ends.
func (c *Client) call(ctx context.Context, operation string, f *C.ak_fields) (*Result, error) {
	defer C.ak_fields_free(f)
	cop, err := cString(c.vendor, operation, "operation", operation)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cop))
	cc, err := newCallCtl(ctx)
	if err != nil {
		return nil, err
	}
	defer cc.close()
	h, err := c.acquire(operation)
	if err != nil {
		return nil, err
	}
	defer c.release()
	var res *C.ak_result
	var cerr *C.ak_error
	if st := C.ak_call_with(&res, h, cop, f, cc.opts, &cerr); st != C.AK_OK {
		C.ak_result_free(res)
		return nil, cc.wrap(ctx, takeError(st, cerr))
	}
	// A call that succeeded is returned even if ctx ended as it did: a
	// create that landed is worth more than ctx's error.
	return takeResult(c.vendor, res), nil
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
// ctx governs the whole walk: one cancellation token and ctx's deadline
// (counted from the start) go with every page, so ctx ending stops the page in
// flight (a *ContextError, as for Call) and no page is fetched after it.
func (c *Client) List(ctx context.Context, operation string, filters map[string]any) iter.Seq2[*Result, error] {
	return func(yield func(*Result, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		cc, err := newCallCtl(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		defer cc.close()
		p, err := c.startList(operation, filters, cc.opts)
		if err != nil {
			yield(nil, err)
			return
		}
		defer C.ak_pager_free(p)
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err) // ended between pages: nothing more is sent
				return
			}
			var res *C.ak_result
			var cerr *C.ak_error
			if st := C.ak_pager_next(&res, p, &cerr); st != C.AK_OK {
				C.ak_result_free(res)
				yield(nil, cc.wrap(ctx, takeError(st, cerr)))
				return
			}
			if res == nil {
				return // end of the list
			}
			if !yield(takeResult(c.vendor, res), nil) {
				return
			}
		}
	}
}

// startList makes the pager of a walk (ak_list_with; no request is made
// yet). The pager keeps opts' token and deadline.
func (c *Client) startList(operation string, filters map[string]any, opts *C.ak_call_options) (*C.ak_pager, error) {
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
	if st := C.ak_list_with(&p, h, cop, f, opts, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	return p, nil
}

// Wait polls an asynchronous vendor's account (Commvault) until it leaves
// its pending states and returns the settled account. timeout bounds the
// wait (a ctx deadline that comes sooner shortens it; timeout <= 0 means the
// ctx deadline, or 5 minutes without one). A failed operation is
// KindOperationFailed, a wait that runs out KindTimeout (when ctx's deadline
// ran it out, a *ContextError that is context.DeadlineExceeded as well; ctx
// ending stops the wait between or during polls, as for Call).
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
	bound := false // ctx's deadline comes before timeout
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); timeout <= 0 || left < timeout {
			timeout, bound = left, true
		}
	}
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	cid, err := cString(c.vendor, "wait", "id", id)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cid))
	cafter, err := cString(c.vendor, "wait", "after", after)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cafter))
	cc, err := newCallCtl(ctx)
	if err != nil {
		return nil, err
	}
	defer cc.close()
	cc.deadlineBound = bound
	h, err := c.acquire("wait")
	if err != nil {
		return nil, err
	}
	defer c.release()
	var res *C.ak_result
	var cerr *C.ak_error
	if st := C.ak_wait_with(&res, h, cafter, cid, C.double(timeout.Seconds()), cc.opts, &cerr); st != C.AK_OK {
		C.ak_result_free(res)
		return nil, cc.wrap(ctx, takeError(st, cerr))
	}
	return takeResult(c.vendor, res), nil
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
