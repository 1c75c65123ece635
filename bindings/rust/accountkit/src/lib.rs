//! Safe Rust bindings to accountkit: create, update, read, list and delete
//! customer accounts on vendor platforms through one model, one error
//! taxonomy and local validation, plus the built-in sandbox emulator.
//!
//! ```no_run
//! use accountkit::{Client, Sandbox};
//! use serde_json::json;
//!
//! let sandbox = Sandbox::start()?;
//! let client = sandbox.client("99digital")?;
//! let created = client.create_account(&json!({
//!     "account_name": "Acme Inc", "agents": 10, "inboxes": 5,
//!     "admin_email": "owner@acme.example", "admin_name": "Ada Owner",
//!     "admin_displayName": "Ada", "admin_password": "Str0ng!pass",
//! }))?;
//! println!("created {}", created.id());
//! # Ok::<(), accountkit::Error>(())
//! ```
//!
//! Thread rules follow `accountkit.h`: a [`Client`] and a [`Sandbox`] are
//! `Send + Sync` (the C library allows many threads at once); a [`Response`]
//! and a [`Pager`] are `Send` but not `Sync` (one thread at a time).
//!
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<accountkit::Response>();
//! ```
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<accountkit::Pager>();
//! ```

mod error;

pub use error::{Error, ErrorDetails, ErrorKind, FieldError};

use accountkit_sys as sys;
use error::{check, text};
use serde_json::Value;
use std::ffi::{CStr, CString};
use std::fmt;
use std::ptr::{self, NonNull};
use std::sync::OnceLock;
use std::time::Duration;

pub use sys::ak_status as Status;

fn cstring(what: &str, s: &str) -> Result<CString, Error> {
    CString::new(s).map_err(|_| {
        Error::local(
            ErrorKind::InvalidArgument,
            format!("{what} contains a NUL byte"),
        )
    })
}

/// The library's version ("0.1.0").
pub fn version() -> &'static str {
    // SAFETY: static storage, never NULL.
    unsafe { CStr::from_ptr(sys::ak_version()) }
        .to_str()
        .unwrap_or("")
}

// ---- fields (internal) -------------------------------------------------------

/// An owned ak_fields built from a JSON object (null stays an explicit null).
struct Fields(NonNull<sys::ak_fields>);

impl Fields {
    fn from_value(value: &Value) -> Result<Fields, Error> {
        let json = match value {
            Value::Object(_) => value.to_string(),
            Value::Null => "{}".to_string(),
            _ => {
                return Err(Error::local(
                    ErrorKind::InvalidArgument,
                    "fields must be a JSON object",
                ))
            }
        };
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: json is valid for len bytes; out/err are valid out-pointers.
        unsafe {
            check(
                sys::ak_fields_from_json(&mut out, json.as_ptr().cast(), json.len(), &mut err),
                err,
            )?;
        }
        NonNull::new(out).map(Fields).ok_or_else(|| {
            Error::local(
                ErrorKind::Internal,
                "ak_fields_from_json returned no fields",
            )
        })
    }
}

impl Drop for Fields {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        unsafe { sys::ak_fields_free(self.0.as_ptr()) }
    }
}

// ---- responses ----------------------------------------------------------------

/// One result of a call (or one item of a list): the vendor's response fields
/// by their own names. Owns its C handle.
pub struct Response(NonNull<sys::ak_result>);

// SAFETY: the header says ak_result objects belong to one thread at a time and
// may move between threads. The raw pointer keeps Response !Sync.
unsafe impl Send for Response {}

impl Response {
    fn from_raw(r: *mut sys::ak_result) -> Result<Response, Error> {
        NonNull::new(r)
            .map(Response)
            .ok_or_else(|| Error::local(ErrorKind::Internal, "the library returned no result"))
    }

    fn str_of(&self, p: *const std::os::raw::c_char) -> &str {
        if p.is_null() {
            return "";
        }
        // SAFETY: the string is owned by the result and lives as long as &self.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("")
    }

    /// The account id the result names, or "".
    pub fn id(&self) -> &str {
        // SAFETY: valid handle.
        self.str_of(unsafe { sys::ak_result_id(self.0.as_ptr()) })
    }

    /// The account's normalised status ("active", "suspended", ...), or "".
    pub fn status(&self) -> &str {
        // SAFETY: valid handle.
        self.str_of(unsafe { sys::ak_result_status(self.0.as_ptr()) })
    }

    /// The whole result as compact JSON text.
    pub fn json_str(&self) -> &str {
        // SAFETY: valid handle.
        self.str_of(unsafe { sys::ak_result_json(self.0.as_ptr()) })
    }

    /// The whole result as a JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.json_str()).unwrap_or(Value::Null)
    }

    /// The string at `path` ("list[0].account_name"), if there is one.
    pub fn get_str(&self, path: &str) -> Option<&str> {
        let path = CString::new(path).ok()?;
        let mut out = ptr::null();
        // SAFETY: valid handle and out-pointer.
        let status = unsafe { sys::ak_result_get_string(self.0.as_ptr(), path.as_ptr(), &mut out) };
        (status == sys::AK_OK).then(|| self.str_of(out))
    }

    /// The integer at `path`, if there is one.
    pub fn get_i64(&self, path: &str) -> Option<i64> {
        let path = CString::new(path).ok()?;
        let mut out = 0i64;
        // SAFETY: valid handle and out-pointer.
        let status = unsafe { sys::ak_result_get_int(self.0.as_ptr(), path.as_ptr(), &mut out) };
        (status == sys::AK_OK).then_some(out)
    }

    /// Whether `path` exists and holds null.
    pub fn is_null(&self, path: &str) -> bool {
        let Ok(path) = CString::new(path) else {
            return false;
        };
        // SAFETY: valid handle.
        unsafe { sys::ak_result_is_null(self.0.as_ptr(), path.as_ptr()) != 0 }
    }

    /// Elements of the array (or members of the object) at `path`; 0 if absent.
    pub fn size(&self, path: &str) -> usize {
        let Ok(path) = CString::new(path) else {
            return 0;
        };
        // SAFETY: valid handle.
        unsafe { sys::ak_result_size(self.0.as_ptr(), path.as_ptr()) }
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        unsafe { sys::ak_result_free(self.0.as_ptr()) }
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("id", &self.id())
            .field("status", &self.status())
            .field("json", &self.json_str())
            .finish()
    }
}

// ---- vendors --------------------------------------------------------------------

/// One operation of a vendor, from `ak_vendors_json`.
#[derive(Debug, Clone)]
pub struct Operation {
    pub name: String,
    /// create, read, list, update or delete.
    pub kind: String,
    pub method: String,
    pub path: String,
    /// The field the typed helpers fill with an account id.
    pub id_field: Option<String>,
    /// Whether the id field is an integer (ids given as digits are sent as numbers).
    pub id_is_integer: bool,
}

/// A vendor's description, from `ak_vendors_json`.
#[derive(Debug, Clone)]
pub struct Vendor {
    pub name: String,
    pub display_name: String,
    pub default_base_url: String,
    /// Option names of the credentials.
    pub credentials: Vec<String>,
    pub secret_options: Vec<String>,
    /// Whether `wait` applies.
    pub asynchronous: bool,
    pub operations: Vec<Operation>,
    /// The whole description, field rules included.
    pub raw: Value,
}

impl Vendor {
    /// The operation named `name`.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn parse_vendor(v: &Value) -> Vendor {
    let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
    let operations = v["operations"]
        .as_array()
        .map(|ops| {
            ops.iter()
                .map(|o| {
                    let id_field = o["id_field"]
                        .as_str()
                        .filter(|s| !s.is_empty())
                        .map(str::to_string);
                    let id_is_integer = id_field.as_deref().is_some_and(|id| {
                        o["fields"]
                            .as_array()
                            .and_then(|fs| fs.iter().find(|f| f["name"] == id))
                            .is_some_and(|f| f["type"] == "integer")
                    });
                    Operation {
                        name: o["name"].as_str().unwrap_or("").to_string(),
                        kind: o["kind"].as_str().unwrap_or("").to_string(),
                        method: o["method"].as_str().unwrap_or("").to_string(),
                        path: o["path"].as_str().unwrap_or("").to_string(),
                        id_field,
                        id_is_integer,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Vendor {
        name: s("name"),
        display_name: s("display_name"),
        default_base_url: s("default_base_url"),
        credentials: strings(&v["credentials"]),
        secret_options: strings(&v["secret_options"]),
        asynchronous: v["asynchronous"].as_bool().unwrap_or(false),
        operations,
        raw: v.clone(),
    }
}

/// Takes a "caller frees" string.
unsafe fn take_string(p: *mut std::os::raw::c_char) -> String {
    let s = text(p);
    sys::ak_string_free(p);
    s
}

/// Every vendor's description (`ak_vendors_json`).
pub fn vendors() -> Result<Vec<Vendor>, Error> {
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: valid out-pointers; the string is released by take_string.
    let json = unsafe {
        check(sys::ak_vendors_json(&mut out, &mut err), err)?;
        take_string(out)
    };
    let value: Value = serde_json::from_str(&json)
        .map_err(|e| Error::local(ErrorKind::Decode, format!("ak_vendors_json: {e}")))?;
    Ok(value
        .as_array()
        .map(|a| a.iter().map(parse_vendor).collect())
        .unwrap_or_default())
}

fn vendor_table() -> &'static [Vendor] {
    static TABLE: OnceLock<Vec<Vendor>> = OnceLock::new();
    TABLE.get_or_init(|| vendors().unwrap_or_default())
}

/// The vendor names (`ak_vendor_count` / `ak_vendor_name`).
pub fn vendor_names() -> Vec<&'static str> {
    // SAFETY: names are static storage.
    unsafe {
        (0..sys::ak_vendor_count())
            .filter_map(|i| {
                let p = sys::ak_vendor_name(i);
                (!p.is_null()).then(|| CStr::from_ptr(p).to_str().unwrap_or(""))
            })
            .collect()
    }
}

/// Validates fields for vendor/operation without any network access; every
/// problem is in [`Error::fields`].
pub fn validate(vendor: &str, operation: &str, fields: &Value) -> Result<(), Error> {
    let v = cstring("vendor", vendor)?;
    let op = cstring("operation", operation)?;
    let f = Fields::from_value(fields)?;
    let mut err = ptr::null_mut();
    // SAFETY: valid strings and handle.
    unsafe {
        check(
            sys::ak_validate(v.as_ptr(), op.as_ptr(), f.0.as_ptr(), &mut err),
            err,
        )
    }
}

// ---- client -----------------------------------------------------------------------

/// A client of one vendor. Cheap to share: `Arc<Client>` across threads.
pub struct Client {
    raw: NonNull<sys::ak_client>,
    vendor: &'static str,
}

// SAFETY: the header says an ak_client may be used from many threads at once
// (calls, ak_wait, ak_list and set_option are thread-safe). ak_client_free
// needs no concurrent calls, which Drop's &mut self guarantees.
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Client {
    /// A client for `vendor` ("99digital", "activeplatform", "commvault").
    pub fn new(vendor: &str) -> Result<Client, Error> {
        let v = cstring("vendor", vendor)?;
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid out-pointers.
        unsafe { check(sys::ak_client_new(&mut out, v.as_ptr(), &mut err), err)? };
        let raw = NonNull::new(out)
            .ok_or_else(|| Error::local(ErrorKind::Internal, "ak_client_new returned no client"))?;
        // SAFETY: the vendor name has static storage.
        let vendor = unsafe { CStr::from_ptr(sys::ak_client_vendor(raw.as_ptr())) }
            .to_str()
            .unwrap_or("");
        Ok(Client { raw, vendor })
    }

    /// A client with options set, in order.
    pub fn with_options<'a>(
        vendor: &str,
        options: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Client, Error> {
        let client = Client::new(vendor)?;
        for (name, value) in options {
            client.set_option(name, value)?;
        }
        Ok(client)
    }

    /// Sets an option and returns the client, for chaining.
    pub fn option(self, name: &str, value: &str) -> Result<Client, Error> {
        self.set_option(name, value)?;
        Ok(self)
    }

    /// Sets an option (see accountkit.h: base_url, timeout_ms, credentials, ...).
    /// Thread-safe; calls that start afterwards use the new value.
    pub fn set_option(&self, name: &str, value: &str) -> Result<(), Error> {
        let n = cstring("option name", name)?;
        let v = cstring("option value", value)?;
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and strings; thread-safe per the header.
        unsafe {
            check(
                sys::ak_client_set_option(self.raw.as_ptr(), n.as_ptr(), v.as_ptr(), &mut err),
                err,
            )
        }
    }

    /// The client's vendor name.
    pub fn vendor(&self) -> &'static str {
        self.vendor
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::ak_client {
        self.raw.as_ptr()
    }

    /// Runs an operation with JSON fields (an object; `null` values are sent
    /// as explicit nulls, left-out keys are not sent).
    pub fn call(&self, operation: &str, fields: &Value) -> Result<Response, Error> {
        let op = cstring("operation", operation)?;
        let f = Fields::from_value(fields)?;
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handles; ak_call is thread-safe on one client.
        unsafe {
            check(
                sys::ak_call(self.as_ptr(), op.as_ptr(), f.0.as_ptr(), &mut out, &mut err),
                err,
            )?
        };
        Response::from_raw(out)
    }

    /// `fields` with the operation's id field set to `id` (digits become an
    /// integer when the field is one).
    fn with_id(&self, operation: &str, id: &str, fields: &Value) -> Result<Value, Error> {
        let mut map = match fields {
            Value::Object(m) => m.clone(),
            Value::Null => serde_json::Map::new(),
            _ => {
                return Err(Error::local(
                    ErrorKind::InvalidArgument,
                    "fields must be a JSON object",
                ))
            }
        };
        let op = vendor_table()
            .iter()
            .find(|v| v.name == self.vendor)
            .and_then(|v| v.operation(operation));
        // An operation the vendor lacks: let the library report it.
        if let Some(Operation {
            id_field: Some(field),
            id_is_integer,
            ..
        }) = op
        {
            let value = match id.parse::<i64>() {
                Ok(n) if *id_is_integer => Value::from(n),
                _ => Value::from(id),
            };
            map.insert(field.clone(), value);
        }
        Ok(Value::Object(map))
    }

    /// `create_account` with these fields.
    pub fn create_account(&self, fields: &Value) -> Result<Response, Error> {
        self.call("create_account", fields)
    }

    /// `update_account` of account `id` (put in the operation's id field).
    pub fn update_account(&self, id: &str, fields: &Value) -> Result<Response, Error> {
        self.call(
            "update_account",
            &self.with_id("update_account", id, fields)?,
        )
    }

    /// `get_account` of account `id`.
    pub fn get_account(&self, id: &str) -> Result<Response, Error> {
        self.call(
            "get_account",
            &self.with_id("get_account", id, &Value::Null)?,
        )
    }

    /// `delete_account` of account `id`, with other fields the vendor needs
    /// (99digital's `server`).
    pub fn delete_account(&self, id: &str, fields: &Value) -> Result<Response, Error> {
        self.call(
            "delete_account",
            &self.with_id("delete_account", id, fields)?,
        )
    }

    /// Every account, page after page, one item at a time. Errors are items:
    /// an error starting the walk is the first (and only) item; iteration ends
    /// after an error (use [`Pager::next_item`] to retry the page instead).
    pub fn list_accounts(&self, filters: &Value) -> Pager {
        self.list("list_accounts", filters)
            .unwrap_or_else(Pager::failed)
    }

    /// A pager over a list operation (`ak_list`); no request is made until the
    /// first item is asked for.
    pub fn list(&self, operation: &str, filters: &Value) -> Result<Pager, Error> {
        let op = cstring("operation", operation)?;
        let f = Fields::from_value(filters)?;
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handles; the pager keeps the client alive on the C side.
        unsafe {
            check(
                sys::ak_list(self.as_ptr(), op.as_ptr(), f.0.as_ptr(), &mut out, &mut err),
                err,
            )?
        };
        let raw = NonNull::new(out)
            .ok_or_else(|| Error::local(ErrorKind::Internal, "ak_list returned no pager"))?;
        Ok(Pager {
            raw: Some(raw),
            pending: None,
            done: false,
        })
    }

    /// For asynchronous vendors (Commvault): polls account `id` until it
    /// settles, for at most `timeout`.
    pub fn wait(&self, id: &str, timeout: Duration) -> Result<Response, Error> {
        let id = cstring("id", id)?;
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and strings; thread-safe.
        unsafe {
            check(
                sys::ak_wait(
                    self.as_ptr(),
                    id.as_ptr(),
                    timeout.as_secs_f64(),
                    &mut out,
                    &mut err,
                ),
                err,
            )?;
        }
        Response::from_raw(out)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // SAFETY: we own the handle; &mut self means no call is running on it.
        unsafe { sys::ak_client_free(self.raw.as_ptr()) }
    }
}

impl fmt::Debug for Client {
    /// Shows the vendor only: options (credentials) are never read back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("vendor", &self.vendor)
            .finish_non_exhaustive()
    }
}

// ---- pager -------------------------------------------------------------------------

/// Every item of a list operation, fetched page by page (`ak_pager_next`).
pub struct Pager {
    raw: Option<NonNull<sys::ak_pager>>,
    pending: Option<Error>,
    done: bool,
}

// SAFETY: a pager belongs to one thread at a time and may move between threads
// (the header); the raw pointer keeps Pager !Sync.
unsafe impl Send for Pager {}

impl Pager {
    fn failed(e: Error) -> Pager {
        Pager {
            raw: None,
            pending: Some(e),
            done: false,
        }
    }

    /// The next item, `Ok(None)` at the end. After an error the same page is
    /// requested again by the next call.
    pub fn next_item(&mut self) -> Result<Option<Response>, Error> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        let Some(raw) = self.raw else { return Ok(None) };
        let mut item = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle, used by one thread (&mut self).
        unsafe { check(sys::ak_pager_next(raw.as_ptr(), &mut item, &mut err), err)? };
        Ok(NonNull::new(item).map(Response))
    }
}

impl Iterator for Pager {
    type Item = Result<Response, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_item() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl std::iter::FusedIterator for Pager {}

impl Drop for Pager {
    fn drop(&mut self) {
        if let Some(raw) = self.raw {
            // SAFETY: we own the handle.
            unsafe { sys::ak_pager_free(raw.as_ptr()) }
        }
    }
}

impl fmt::Debug for Pager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

// ---- batches -------------------------------------------------------------------------

/// Many operations of one client in flight at once, driven on the calling
/// thread by libcurl's multi interface (`ak_batch`): each gets what
/// [`Client::call`] gives it (validation, retries, the create lookup after a
/// lost answer, rate limits), and outcomes come back in completion order with
/// the caller's tag. Dropping a batch abandons what is still in flight.
pub struct Batch(NonNull<sys::ak_batch>);

/// One finished batch operation: the tag it was submitted under, and its outcome.
pub type Completion = (u64, Result<Response, Error>);

// SAFETY: a batch belongs to one thread at a time and may move between threads
// (the header); the raw pointer keeps Batch !Sync.
unsafe impl Send for Batch {}

impl Client {
    /// A batch running at most `max_in_flight` (1 to 1024) exchanges at once.
    pub fn batch(&self, max_in_flight: usize) -> Result<Batch, Error> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid client handle; out/err are valid out-pointers.
        unsafe {
            check(
                sys::ak_batch_new(self.as_ptr(), max_in_flight, &mut out, &mut err),
                err,
            )?
        };
        NonNull::new(out)
            .map(Batch)
            .ok_or_else(|| Error::local(ErrorKind::Internal, "ak_batch_new returned no batch"))
    }
}

impl Batch {
    /// Queues an operation under `tag`. Fails at once only for an unknown
    /// operation or unusable client options; invalid fields and every other
    /// failure are that operation's outcome.
    pub fn submit(&mut self, operation: &str, fields: &Value, tag: u64) -> Result<(), Error> {
        let op = cstring("operation", operation)?;
        let f = Fields::from_value(fields)?;
        let mut err = ptr::null_mut();
        // SAFETY: valid handles, used by one thread (&mut self); fields are copied.
        unsafe {
            check(
                sys::ak_batch_submit(self.0.as_ptr(), op.as_ptr(), f.0.as_ptr(), tag, &mut err),
                err,
            )
        }
    }

    /// Operations submitted and not yet taken.
    pub fn pending(&self) -> usize {
        // SAFETY: valid handle.
        unsafe { sys::ak_batch_pending(self.0.as_ptr()) }
    }

    /// Drives the transfers until an operation finishes and returns its tag
    /// and outcome; `None` when `timeout` passes first (`None` waits as long
    /// as it takes) or nothing is pending.
    pub fn next_outcome(&mut self, timeout: Option<Duration>) -> Result<Option<Completion>, Error> {
        let ms = timeout.map_or(-1, |d| d.as_millis().min(i32::MAX as u128) as i32);
        let (mut tag, mut result, mut failure) = (0u64, ptr::null_mut(), ptr::null_mut());
        // SAFETY: valid handle, used by one thread (&mut self); out-pointers are valid.
        let took =
            unsafe { sys::ak_batch_next(self.0.as_ptr(), ms, &mut tag, &mut result, &mut failure) };
        match took {
            1 if !result.is_null() => Ok(Some((tag, Response::from_raw(result)))),
            // SAFETY: failure is a new error object we own.
            1 => Ok(Some((
                tag,
                Err(unsafe { Error::from_raw(sys::ak_error_code(failure), failure) }),
            ))),
            0 => Ok(None),
            _ => Err(Error::local(
                ErrorKind::Internal,
                "the batch failed (out of memory or libcurl)",
            )),
        }
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        unsafe { sys::ak_batch_free(self.0.as_ptr()) }
    }
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("pending", &self.pending())
            .finish()
    }
}

// ---- sandbox ------------------------------------------------------------------------

/// The built-in emulator of every vendor, on 127.0.0.1. Stopped and freed on drop.
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
        let v = CString::new(vendor).ok()?;
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
        status: sys::ak_status,
        err: *mut sys::ak_error,
        out: *mut std::os::raw::c_char,
    ) -> Result<Value, Error> {
        // SAFETY: out is a "caller frees" string when status is AK_OK.
        let text = unsafe {
            check(status, err)?;
            take_string(out)
        };
        serde_json::from_str(&text)
            .map_err(|e| Error::local(ErrorKind::Decode, format!("sandbox JSON: {e}")))
    }

    /// The sandbox credentials of `vendor`: option name -> value.
    pub fn credentials(&self, vendor: &str) -> Result<Value, Error> {
        let v = cstring("vendor", vendor)?;
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and out-pointers.
        let status = unsafe {
            sys::ak_sandbox_credentials_json(self.0.as_ptr(), v.as_ptr(), &mut out, &mut err)
        };
        Self::take_json(status, err, out)
    }

    /// The request journal, oldest first, secrets masked.
    pub fn journal(&self) -> Result<Value, Error> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and out-pointers.
        let status = unsafe { sys::ak_sandbox_journal_json(self.0.as_ptr(), &mut out, &mut err) };
        Self::take_json(status, err, out)
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
