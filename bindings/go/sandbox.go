package accountkit

/*
#include <stdlib.h>
#include <accountkit/accountkit.h>
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"sync"
	"unsafe"
)

// Sandbox is the embedded vendor emulator on 127.0.0.1, for tests and
// examples. Its methods are safe for concurrent use; Close releases it.
type Sandbox struct {
	mu sync.RWMutex
	h  *C.ak_sandbox
}

// StartSandbox starts a sandbox on a free port.
func StartSandbox() (*Sandbox, error) { return StartSandboxWith(nil) }

// StartSandboxWith sets knobs ("commvault.update_delay_ms", ...) and starts
// a sandbox on a free port.
func StartSandboxWith(options map[string]string) (*Sandbox, error) {
	var h *C.ak_sandbox
	var cerr *C.ak_error
	if st := C.ak_sandbox_new(&h, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	sb := &Sandbox{h: h}
	for k, v := range options {
		if err := sb.SetOption(k, v); err != nil {
			C.ak_sandbox_free(h)
			return nil, err
		}
	}
	if st := C.ak_sandbox_start(h, 0, &cerr); st != C.AK_OK {
		C.ak_sandbox_free(h)
		return nil, takeError(st, cerr)
	}
	runtime.SetFinalizer(sb, (*Sandbox).Close)
	return sb, nil
}

func (sb *Sandbox) handle() (*C.ak_sandbox, func(), error) {
	sb.mu.RLock()
	if sb.h == nil {
		sb.mu.RUnlock()
		return nil, nil, localError(KindInvalidArgument, "", "", "the sandbox is closed")
	}
	return sb.h, sb.mu.RUnlock, nil
}

// Close stops and releases the sandbox. Idempotent.
func (sb *Sandbox) Close() error {
	runtime.SetFinalizer(sb, nil)
	sb.mu.Lock()
	defer sb.mu.Unlock()
	C.ak_sandbox_free(sb.h)
	sb.h = nil
	return nil
}

// Port is the port the sandbox listens on (0 when closed).
func (sb *Sandbox) Port() int {
	h, done, err := sb.handle()
	if err != nil {
		return 0
	}
	defer done()
	return int(C.ak_sandbox_port(h))
}

// URL is the base URL of vendor in this sandbox, or "" for an unknown vendor.
func (sb *Sandbox) URL(vendor string) string {
	h, done, err := sb.handle()
	if err != nil {
		return ""
	}
	defer done()
	cv := C.CString(vendor)
	defer C.free(unsafe.Pointer(cv))
	return goStr(C.ak_sandbox_vendor_url(h, cv))
}

// SetOption sets a sandbox knob ("99digital.token_lifetime_s", ...).
func (sb *Sandbox) SetOption(name, value string) error {
	h, done, err := sb.handle()
	if err != nil {
		return err
	}
	defer done()
	cn, cv := C.CString(name), C.CString(value)
	defer C.free(unsafe.Pointer(cn))
	defer C.free(unsafe.Pointer(cv))
	var cerr *C.ak_error
	if st := C.ak_sandbox_set_option(h, cn, cv, &cerr); st != C.AK_OK {
		return takeError(st, cerr)
	}
	return nil
}

// ConfigureClient points c at this sandbox with the sandbox credentials.
func (sb *Sandbox) ConfigureClient(c *Client) error {
	h, done, err := sb.handle()
	if err != nil {
		return err
	}
	defer done()
	ch, err := c.acquire("")
	if err != nil {
		return err
	}
	defer c.release()
	var cerr *C.ak_error
	if st := C.ak_sandbox_configure_client(h, ch, &cerr); st != C.AK_OK {
		return takeError(st, cerr)
	}
	return nil
}

// Client makes a client of vendor configured for this sandbox; opts are
// applied afterwards.
func (sb *Sandbox) Client(vendor string, opts ...Option) (*Client, error) {
	return NewClient(vendor, append([]Option{WithSandbox(sb)}, opts...)...)
}

// Credentials returns the sandbox credentials of vendor (option name to value).
func (sb *Sandbox) Credentials(vendor string) (map[string]string, error) {
	h, done, err := sb.handle()
	if err != nil {
		return nil, err
	}
	defer done()
	cv := C.CString(vendor)
	defer C.free(unsafe.Pointer(cv))
	var s *C.char
	var cerr *C.ak_error
	if st := C.ak_sandbox_credentials_json(h, cv, &s, &cerr); st != C.AK_OK {
		return nil, takeError(st, cerr)
	}
	defer C.ak_string_free(s)
	var m map[string]string
	if err := json.Unmarshal([]byte(C.GoString(s)), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// JournalEntry is one request the sandbox received (secrets masked "***").
type JournalEntry struct {
	Vendor  string            `json:"vendor"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   map[string]any    `json:"query"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"` // parsed JSON as sent, or a JSON string, or null
	Status  int               `json:"status"`
	Fault   string            `json:"fault,omitempty"`
}

// JournalJSON returns the request journal as a JSON array, oldest first.
func (sb *Sandbox) JournalJSON() (string, error) {
	h, done, err := sb.handle()
	if err != nil {
		return "", err
	}
	defer done()
	var s *C.char
	var cerr *C.ak_error
	if st := C.ak_sandbox_journal_json(h, &s, &cerr); st != C.AK_OK {
		return "", takeError(st, cerr)
	}
	defer C.ak_string_free(s)
	return C.GoString(s), nil
}

// Journal returns every request received, oldest first.
func (sb *Sandbox) Journal() ([]JournalEntry, error) {
	s, err := sb.JournalJSON()
	if err != nil {
		return nil, err
	}
	var out []JournalEntry
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ClearJournal empties the journal.
func (sb *Sandbox) ClearJournal() {
	if h, done, err := sb.handle(); err == nil {
		defer done()
		C.ak_sandbox_journal_clear(h)
	}
}

// ExpireTokens invalidates every token issued so far.
func (sb *Sandbox) ExpireTokens() {
	if h, done, err := sb.handle(); err == nil {
		defer done()
		C.ak_sandbox_expire_tokens(h)
	}
}

// AddFaults injects faults given as a JSON object or array (see docs/sandbox.md).
func (sb *Sandbox) AddFaults(spec string) error {
	h, done, err := sb.handle()
	if err != nil {
		return err
	}
	defer done()
	cs := C.CString(spec)
	defer C.free(unsafe.Pointer(cs))
	var cerr *C.ak_error
	if st := C.ak_sandbox_add_faults(h, cs, &cerr); st != C.AK_OK {
		return takeError(st, cerr)
	}
	return nil
}

// ClearFaults removes every fault.
func (sb *Sandbox) ClearFaults() {
	if h, done, err := sb.handle(); err == nil {
		defer done()
		C.ak_sandbox_clear_faults(h)
	}
}
