//! The vendors' emulator (`accountkit/sandbox.h`, libaccountkit-sandbox):
//! compiled only with the feature `sandbox`. A development and test tool
//! outside the C library's ABI promise; production programs leave it off and
//! link nothing of it.
use crate::error::{check, text};
use crate::{cstring, parse_json, sys, take_string, Client, Error, ErrorKind};
use serde_json::Value;
use std::fmt;
use std::os::raw::c_char;
use std::ptr::{self, NonNull};

/// The emulator of every vendor, on 127.0.0.1. Stopped and freed on drop.
///
/// ```no_run
/// use accountkit::Sandbox;
/// use serde_json::json;
///
/// let sandbox = Sandbox::start()?;
/// let client = sandbox.client("99digital")?;
/// let page = client.call("list_accounts", &json!({}))?;
/// assert_eq!(page.size("list"), 0);
/// assert_eq!(sandbox.journal()?[0]["path"], "/api/online/getAccounts");
/// # Ok::<(), accountkit::Error>(())
/// ```
pub struct Sandbox(NonNull<sys::ak_sandbox>);

// SAFETY: the header says ak_sandbox functions are thread-safe.
unsafe impl Send for Sandbox {}
unsafe impl Sync for Sandbox {}

impl Sandbox {
    /// A stopped sandbox (set knobs, then [`Sandbox::start_on`]).
    pub fn new() -> Result<Sandbox, Error> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid out-pointers.
        unsafe { check(sys::ak_sandbox_new(&mut out, &mut err), err)? };
        NonNull::new(out)
            .map(Sandbox)
            .ok_or_else(|| Error::local(ErrorKind::Internal, "ak_sandbox_new returned no sandbox"))
    }

    /// A sandbox serving on a free port.
    pub fn start() -> Result<Sandbox, Error> {
        let sb = Sandbox::new()?;
        sb.start_on(0)?;
        Ok(sb)
    }

    /// Starts serving on `port` (0 = a free one).
    pub fn start_on(&self, port: u16) -> Result<(), Error> {
        let mut err = ptr::null_mut();
        // SAFETY: valid handle; thread-safe.
        unsafe {
            check(
                sys::ak_sandbox_start(self.0.as_ptr(), i32::from(port), &mut err),
                err,
            )
        }
    }

    /// Stops serving; state and journal are kept.
    pub fn stop(&self) {
        // SAFETY: valid handle; thread-safe.
        unsafe { sys::ak_sandbox_stop(self.0.as_ptr()) }
    }

    /// The port, or 0 when stopped.
    pub fn port(&self) -> u16 {
        // SAFETY: valid handle.
        u16::try_from(unsafe { sys::ak_sandbox_port(self.0.as_ptr()) }).unwrap_or(0)
    }

    /// The base URL for a client of `vendor`, or None when stopped or unknown.
    pub fn url(&self, vendor: &str) -> Option<String> {
        let v = cstring("vendor", vendor).ok()?;
        // SAFETY: valid handle; the string is copied at once.
        let p = unsafe { sys::ak_sandbox_vendor_url(self.0.as_ptr(), v.as_ptr()) };
        // SAFETY: non-NULL strings are owned by the sandbox.
        (!p.is_null()).then(|| unsafe { text(p) })
    }

    /// Sets a knob ("commvault.update_delay_ms", ...).
    pub fn set_option(&self, name: &str, value: &str) -> Result<(), Error> {
        let n = cstring("option name", name)?;
        let v = cstring("option value", value)?;
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and strings.
        unsafe {
            check(
                sys::ak_sandbox_set_option(self.0.as_ptr(), n.as_ptr(), v.as_ptr(), &mut err),
                err,
            )
        }
    }

    /// Points `client` at this sandbox: base_url and the vendor's sandbox credentials.
    pub fn configure(&self, client: &Client) -> Result<(), Error> {
        let mut err = ptr::null_mut();
        // SAFETY: valid handles; setting client options is thread-safe.
        unsafe {
            check(
                sys::ak_sandbox_configure_client(self.0.as_ptr(), client.as_ptr(), &mut err),
                err,
            )
        }
    }

    /// A new client of `vendor` configured for this sandbox.
    pub fn client(&self, vendor: &str) -> Result<Client, Error> {
        let client = Client::new(vendor)?;
        self.configure(&client)?;
        Ok(client)
    }

    fn take_json(
        what: &str,
        status: sys::ak_status,
        err: *mut sys::ak_error,
        out: *mut c_char,
    ) -> Result<Value, Error> {
        // SAFETY: err is NULL or ours; out is a "caller frees" string (or
        // NULL) when status is AK_OK.
        let text = unsafe {
            check(status, err)?;
            take_string(out)
        };
        parse_json(what, &text)
    }

    /// The sandbox credentials of `vendor`: option name -> value.
    pub fn credentials(&self, vendor: &str) -> Result<Value, Error> {
        let v = cstring("vendor", vendor)?;
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and out-pointers.
        let status = unsafe {
            sys::ak_sandbox_credentials_json(&mut out, self.0.as_ptr(), v.as_ptr(), &mut err)
        };
        Self::take_json("ak_sandbox_credentials_json", status, err, out)
    }

    /// The request journal, oldest first, secrets masked.
    pub fn journal(&self) -> Result<Value, Error> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and out-pointers.
        let status = unsafe { sys::ak_sandbox_journal_json(&mut out, self.0.as_ptr(), &mut err) };
        Self::take_json("ak_sandbox_journal_json", status, err, out)
    }

    /// Empties the journal.
    pub fn clear_journal(&self) {
        // SAFETY: valid handle.
        unsafe { sys::ak_sandbox_journal_clear(self.0.as_ptr()) }
    }

    /// Invalidates every token issued so far.
    pub fn expire_tokens(&self) {
        // SAFETY: valid handle.
        unsafe { sys::ak_sandbox_expire_tokens(self.0.as_ptr()) }
    }

    /// Injects faults: one spec object or an array of them (see docs/sandbox.md).
    pub fn add_faults(&self, faults: &Value) -> Result<(), Error> {
        let json = cstring("faults", &faults.to_string())?;
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and string.
        unsafe {
            check(
                sys::ak_sandbox_add_faults(self.0.as_ptr(), json.as_ptr(), &mut err),
                err,
            )
        }
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        // SAFETY: valid handle.
        unsafe { sys::ak_sandbox_clear_faults(self.0.as_ptr()) }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        unsafe { sys::ak_sandbox_free(self.0.as_ptr()) }
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("port", &self.port())
            .finish()
    }
}
