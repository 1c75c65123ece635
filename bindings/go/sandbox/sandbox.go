// Package sandbox runs accountkit's vendor emulator on 127.0.0.1 for tests,
// examples and development: every vendor accountkit speaks, with in-memory
// state, the vendors' own errors, expiring tokens, a request journal (secrets
// masked) and injectable faults.
//
// It links libaccountkit-sandbox (pkg-config accountkit-sandbox), a
// development tool outside accountkit's ABI promise; it is its own package so
// that programs importing only accountkit never link it. With the build tag
// accountkit_static it links libaccountkit-sandbox.a and libaccountkit.a
// (found in accountkit-sandbox.pc's library directory) plus the system's
// shared libcpp-httplib, libcurl, libsimdjson and libstdc++ instead, as
// package accountkit does.
//
//	sb, err := sandbox.Start()
//	defer sb.Close()
//	c, err := sb.Client("99digital") // an *accountkit.Client pointed at sb
package sandbox

/*
#cgo pkg-config: accountkit-sandbox
#cgo accountkit_static LDFLAGS: -l:libaccountkit-sandbox.a -l:libaccountkit.a -lcpp-httplib -lcurl -lsimdjson -lstdc++ -lm -Wl,--as-needed
#include <stdlib.h>
#include <accountkit/sandbox.h>
*/
import "C"

import (
	"encoding/json"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"accountkit.dev/go/accountkit"
)

// Sandbox is a running emulator. Its methods are safe for concurrent use;
// Close releases it.
type Sandbox struct {
	mu sync.RWMutex
	h  *C.ak_sandbox
}

// Start starts a sandbox on a free port.
func Start() (*Sandbox, error) { return StartWith(nil) }

// StartWith sets knobs ("commvault.update_delay_ms", ...; docs/sandbox.md)
// and starts a sandbox on a free port.
func StartWith(options map[string]string) (*Sandbox, error) {
	var h *C.ak_sandbox
	var cerr *C.ak_error
	if st := C.ak_sandbox_new(&h, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	s := &Sandbox{h: h}
	for k, v := range options {
		if err := s.SetOption(k, v); err != nil {
			C.ak_sandbox_free(h)
			return nil, err
		}
	}
	if st := C.ak_sandbox_start(h, 0, &cerr); st != C.AK_OK {
		C.ak_sandbox_free(h)
		return nil, takeError(st, cerr)
	}
	runtime.SetFinalizer(s, (*Sandbox).Close)
	return s, nil
}

// takeError copies an error of the sandbox library into an *accountkit.Error
// (through its exported fields only) and frees it.
func takeError(st C.ak_status, e *C.ak_error) error {
	k, msg := accountkit.Kind(st), C.GoString(C.ak_strerror(st))
	if e != nil {
		k, msg = accountkit.Kind(C.ak_error_code(e)), C.GoString(C.ak_error_message(e))
		C.ak_error_free(e)
	}
	return failure(k, msg)
}

func failure(k accountkit.Kind, msg string) error {
	return &accountkit.Error{Kind: k, Category: k.String(), Message: msg, RetryAfter: -1}
}

// cString copies s for C, refusing a NUL byte (C would see a shorter text).
func cString(s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, failure(accountkit.KindInvalidArgument, "the sandbox cannot take text with a NUL byte")
	}
	return C.CString(s), nil
}

// handle read-locks the sandbox for one C call; done unlocks it.
func (s *Sandbox) handle() (h *C.ak_sandbox, done func(), err error) {
	s.mu.RLock()
	if s.h == nil {
		s.mu.RUnlock()
		return nil, nil, failure(accountkit.KindInvalidArgument, "the sandbox is closed")
	}
	return s.h, s.mu.RUnlock, nil
}

// Close stops and releases the sandbox. Idempotent.
func (s *Sandbox) Close() error {
	runtime.SetFinalizer(s, nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	C.ak_sandbox_free(s.h)
	s.h = nil
	return nil
}

// Port is the port the sandbox listens on (0 when closed).
func (s *Sandbox) Port() int {
	h, done, err := s.handle()
	if err != nil {
		return 0
	}
	defer done()
	return int(C.ak_sandbox_port(h))
}

// URL is the base URL of vendor in this sandbox
// ("http://127.0.0.1:PORT/99digital"), or "" for a vendor it does not
// emulate or a closed sandbox.
func (s *Sandbox) URL(vendor string) string {
	h, done, err := s.handle()
	if err != nil {
		return ""
	}
	defer done()
	cv, err := cString(vendor)
	if err != nil {
		return ""
	}
	defer C.free(unsafe.Pointer(cv))
	if u := C.ak_sandbox_vendor_url(h, cv); u != nil {
		return C.GoString(u)
	}
	return ""
}

// SetOption sets a sandbox knob ("99digital.token_lifetime_s", ...).
func (s *Sandbox) SetOption(name, value string) error {
	h, done, err := s.handle()
	if err != nil {
		return err
	}
	defer done()
	cn, err := cString(name)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cn))
	cv, err := cString(value)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cv))
	var cerr *C.ak_error
	if st := C.ak_sandbox_set_option(h, cn, cv, &cerr); st != C.AK_OK {
		return takeError(st, cerr)
	}
	return nil
}

// Credentials returns the sandbox credentials of vendor (client option name
// to value, e.g. client_id and client_secret for 99digital).
func (s *Sandbox) Credentials(vendor string) (map[string]string, error) {
	h, done, err := s.handle()
	if err != nil {
		return nil, err
	}
	defer done()
	cv, err := cString(vendor)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cv))
	var out *C.char
	var cerr *C.ak_error
	if st := C.ak_sandbox_credentials_json(&out, h, cv, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	defer C.ak_string_free(out)
	var m map[string]string
	if err := json.Unmarshal([]byte(C.GoString(out)), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// settings are the client options that point a client of vendor here: the
// base URL first, then the sandbox credentials (as ak_sandbox_configure_client
// sets them).
func (s *Sandbox) settings(vendor string) ([][2]string, error) {
	creds, err := s.Credentials(vendor) // names the vendor the sandbox lacks
	if err != nil {
		return nil, err
	}
	url := s.URL(vendor)
	if url == "" {
		return nil, failure(accountkit.KindInvalidArgument, "the sandbox is not running")
	}
	out := [][2]string{{"base_url", url}}
	for _, name := range slices.Sorted(maps.Keys(creds)) {
		out = append(out, [2]string{name, creds[name]})
	}
	return out, nil
}

// Options are the accountkit options that point a client of vendor at this
// sandbox: its base URL and the sandbox credentials, as ordinary options.
// Options given after them to accountkit.NewClient win.
func (s *Sandbox) Options(vendor string) ([]accountkit.Option, error) {
	set, err := s.settings(vendor)
	if err != nil {
		return nil, err
	}
	opts := make([]accountkit.Option, len(set))
	for i, kv := range set {
		opts[i] = accountkit.WithOption(kv[0], kv[1])
	}
	return opts, nil
}

// Client makes a client of vendor pointed at this sandbox; opts are applied
// after the sandbox's own options, so they win.
func (s *Sandbox) Client(vendor string, opts ...accountkit.Option) (*accountkit.Client, error) {
	base, err := s.Options(vendor)
	if err != nil {
		return nil, err
	}
	return accountkit.NewClient(vendor, append(base, opts...)...)
}

// ConfigureClient points an existing client at this sandbox: base URL and
// the sandbox credentials of the client's vendor.
func (s *Sandbox) ConfigureClient(c *accountkit.Client) error {
	set, err := s.settings(c.Vendor())
	if err != nil {
		return err
	}
	for _, kv := range set {
		if err := c.SetOption(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// JournalEntry is one request the sandbox received (secrets masked "***").
type JournalEntry struct {
	Vendor  string            `json:"vendor"`
	Method  string            `json:"method"`
	Path    string            `json:"path"` // below the vendor prefix
	Query   map[string]any    `json:"query"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"` // parsed JSON as sent, or a JSON string, or null
	Status  int               `json:"status"`
	Fault   string            `json:"fault,omitempty"`
}

// JournalJSON returns the request journal as a JSON array, oldest first.
func (s *Sandbox) JournalJSON() (string, error) {
	h, done, err := s.handle()
	if err != nil {
		return "", err
	}
	defer done()
	var out *C.char
	var cerr *C.ak_error
	if st := C.ak_sandbox_journal_json(&out, h, &cerr); st != C.AK_OK {
		return "", takeError(st, cerr)
	}
	defer C.ak_string_free(out)
	return C.GoString(out), nil
}

// Journal returns every request received, oldest first.
func (s *Sandbox) Journal() ([]JournalEntry, error) {
	text, err := s.JournalJSON()
	if err != nil {
		return nil, err
	}
	var out []JournalEntry
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ClearJournal empties the journal.
func (s *Sandbox) ClearJournal() {
	if h, done, err := s.handle(); err == nil {
		defer done()
		C.ak_sandbox_journal_clear(h)
	}
}

// ExpireTokens invalidates every token issued so far.
func (s *Sandbox) ExpireTokens() {
	if h, done, err := s.handle(); err == nil {
		defer done()
		C.ak_sandbox_expire_tokens(h)
	}
}

// AddFaults injects faults given as a JSON object or array (docs/sandbox.md).
func (s *Sandbox) AddFaults(spec string) error {
	h, done, err := s.handle()
	if err != nil {
		return err
	}
	defer done()
	cs, err := cString(spec)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cs))
	var cerr *C.ak_error
	if st := C.ak_sandbox_add_faults(h, cs, &cerr); st != C.AK_OK {
		return takeError(st, cerr)
	}
	return nil
}

// ClearFaults removes every fault.
func (s *Sandbox) ClearFaults() {
	if h, done, err := s.handle(); err == nil {
		defer done()
		C.ak_sandbox_clear_faults(h)
	}
}
