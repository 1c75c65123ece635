//! A client of one vendor (`ak_client`): calls, positional ids, lists,
//! waits and batches.
use crate::error::check;
use crate::fields::Fields;
use crate::{cstring, sys, Batch, CallOptions, Error, ErrorKind, Pager, Response};
use serde_json::Value;
use std::ffi::CStr;
use std::fmt;
use std::ptr::{self, NonNull};
use std::time::Duration;

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
    /// A client for `vendor` ("99digital", "activeplatform", "activeplatform-v3", "commvault").
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

    /// Checks the credentials without touching an account: fetches a token
    /// if the vendor uses one. `Ok(false)` for a static token, which only a
    /// real call checks. A refusal (`ErrorKind::Auth`) is remembered: later
    /// calls fail at once, sending nothing, until a credential is set again.
    pub fn check_credentials(&self) -> Result<bool, Error> {
        let mut checked: std::os::raw::c_int = 0;
        let mut err = ptr::null_mut();
        // SAFETY: valid handle; thread-safe per the header.
        unsafe {
            check(
                sys::ak_client_check_credentials(&mut checked, self.raw.as_ptr(), &mut err),
                err,
            )?;
        }
        Ok(checked != 0)
    }

    /// The client's vendor name.
    pub fn vendor(&self) -> &'static str {
        self.vendor
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::ak_client {
        self.raw.as_ptr()
    }

    fn call_fields(
        &self,
        operation: &str,
        fields: Option<&Fields>,
        opts: Option<&CallOptions<'_>>,
    ) -> Result<Response, Error> {
        let op = cstring("operation", operation)?;
        let raw_opts = opts.map(CallOptions::raw);
        // NULL options: ak_call_with is then ak_call (accountkit.h).
        let opts_ptr = raw_opts.as_ref().map_or(ptr::null(), ptr::from_ref);
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handles (fields NULL or owned by the caller; the
        // options and their token outlive the call); ak_call_with is
        // thread-safe on one client.
        unsafe {
            let status = sys::ak_call_with(
                &mut out,
                self.as_ptr(),
                op.as_ptr(),
                Fields::ptr(fields),
                opts_ptr,
                &mut err,
            );
            check(status, err)?
        };
        Response::from_raw(out, self.vendor)
    }

    /// Runs an operation with JSON fields: an object (`null` members are sent
    /// as explicit nulls, left-out keys are not sent), or `Value::Null` for
    /// no fields at all. Anything else is refused by the library
    /// ([`ErrorKind::InvalidArgument`]).
    pub fn call(&self, operation: &str, fields: &Value) -> Result<Response, Error> {
        let f = Fields::from_value(fields)?;
        self.call_fields(operation, f.as_ref(), None)
    }

    /// [`Client::call`] with options (`ak_call_with`): a [`CancelToken`]
    /// that stops it from another thread ([`ErrorKind::Cancelled`], or
    /// [`ErrorKind::OutcomeUnknown`] for a create or delete that may have
    /// landed) and a deadline for the whole call ([`ErrorKind::Timeout`]).
    ///
    /// [`CancelToken`]: crate::CancelToken
    pub fn call_with(
        &self,
        operation: &str,
        fields: &Value,
        opts: &CallOptions<'_>,
    ) -> Result<Response, Error> {
        let f = Fields::from_value(fields)?;
        self.call_fields(operation, f.as_ref(), Some(opts))
    }

    /// Runs an operation on the account `id`, given positionally: the C
    /// library binds it to the operation's id field (`ak_fields_set_id`:
    /// 99digital `account_id` / `accountID`, ActivePlatform `account_id`,
    /// Commvault `id`), as an integer when that field is one and `id` is
    /// digits. Fails with [`ErrorKind::InvalidArgument`] when the operation
    /// takes no account id or `fields` already hold the id field, and with
    /// [`ErrorKind::UnknownOperation`] for an operation the vendor lacks.
    pub fn call_with_id(
        &self,
        operation: &str,
        id: &str,
        fields: &Value,
    ) -> Result<Response, Error> {
        let f = Fields::with_id(self.vendor, operation, id, fields)?;
        self.call_fields(operation, Some(&f), None)
    }

    /// [`Client::call_with_id`] with options, as [`Client::call_with`].
    pub fn call_id_with(
        &self,
        operation: &str,
        id: &str,
        fields: &Value,
        opts: &CallOptions<'_>,
    ) -> Result<Response, Error> {
        let f = Fields::with_id(self.vendor, operation, id, fields)?;
        self.call_fields(operation, Some(&f), Some(opts))
    }

    /// `create_account` with the given fields.
    pub fn create_account(&self, fields: &Value) -> Result<Response, Error> {
        self.call("create_account", fields)
    }

    /// `update_account` of account `id` ([`call_with_id`](Self::call_with_id)).
    pub fn update_account(&self, id: &str, fields: &Value) -> Result<Response, Error> {
        self.call_with_id("update_account", id, fields)
    }

    /// `get_account` of account `id` ([`call_with_id`](Self::call_with_id)).
    pub fn get_account(&self, id: &str) -> Result<Response, Error> {
        self.call_with_id("get_account", id, &Value::Null)
    }

    /// `delete_account` of account `id`, with other fields the vendor needs
    /// (99digital's `server`; [`call_with_id`](Self::call_with_id)).
    pub fn delete_account(&self, id: &str, fields: &Value) -> Result<Response, Error> {
        self.call_with_id("delete_account", id, fields)
    }

    /// Every account, page after page, one item at a time. Errors are items:
    /// an error starting the walk is the first (and only) item; iteration ends
    /// after an error (use [`Pager::next_item`] to retry the page instead).
    pub fn list_accounts(&self, filters: &Value) -> Pager {
        self.list("list_accounts", filters)
            .unwrap_or_else(Pager::failed)
    }

    /// A pager over a list operation (`ak_list`; `Value::Null`: no filters);
    /// no request is made until the first item is asked for.
    pub fn list(&self, operation: &str, filters: &Value) -> Result<Pager, Error> {
        self.list_opts(operation, filters, None)
    }

    /// [`Client::list`] with options (`ak_list_with`): the pager keeps the
    /// token and the deadline (counted from now) for every page, so
    /// triggering the token stops the page in flight and every later one
    /// ([`ErrorKind::Cancelled`]). The pager does not borrow the token.
    pub fn list_with(
        &self,
        operation: &str,
        filters: &Value,
        opts: &CallOptions<'_>,
    ) -> Result<Pager, Error> {
        self.list_opts(operation, filters, Some(opts))
    }

    fn list_opts(
        &self,
        operation: &str,
        filters: &Value,
        opts: Option<&CallOptions<'_>>,
    ) -> Result<Pager, Error> {
        let op = cstring("operation", operation)?;
        let f = Fields::from_value(filters)?;
        let raw_opts = opts.map(CallOptions::raw);
        // NULL options: ak_list_with is then ak_list (accountkit.h).
        let opts_ptr = raw_opts.as_ref().map_or(ptr::null(), ptr::from_ref);
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handles; the pager copies the filters, keeps the
        // client alive on the C side and holds its own reference to the token.
        unsafe {
            let status = sys::ak_list_with(
                &mut out,
                self.as_ptr(),
                op.as_ptr(),
                Fields::ptr(f.as_ref()),
                opts_ptr,
                &mut err,
            );
            check(status, err)?
        };
        NonNull::new(out)
            .map(|p| Pager::from_raw(p, self.vendor))
            .ok_or_else(|| Error::local(ErrorKind::Internal, "ak_list returned no pager"))
    }

    /// For asynchronous vendors (Commvault): polls account `id` until it
    /// settles, for at most `timeout` (the library says which timeouts it
    /// accepts).
    pub fn wait(&self, id: &str, timeout: Duration) -> Result<Response, Error> {
        self.wait_for("", id, timeout)
    }

    /// [`Client::wait`] for the result of operation `after`, whose id is `id`
    /// (`ak_wait_for`). Where that result is not yet an account the wait
    /// follows it to one: Commvault's `create_account` answers with a
    /// fulfillment, and this returns the new account once it is complete and
    /// settled. An `after` whose results do not settle is
    /// [`ErrorKind::UnknownOperation`].
    pub fn wait_for(&self, after: &str, id: &str, timeout: Duration) -> Result<Response, Error> {
        self.wait_opts(after, id, timeout, None)
    }

    /// [`Client::wait_for`] with options (`ak_wait_with`): a token stops the
    /// wait during or between polls ([`ErrorKind::Cancelled`]); the smaller
    /// of `timeout` and the options' timeout applies.
    pub fn wait_with(
        &self,
        after: &str,
        id: &str,
        timeout: Duration,
        opts: &CallOptions<'_>,
    ) -> Result<Response, Error> {
        self.wait_opts(after, id, timeout, Some(opts))
    }

    fn wait_opts(
        &self,
        after: &str,
        id: &str,
        timeout: Duration,
        opts: Option<&CallOptions<'_>>,
    ) -> Result<Response, Error> {
        let after = cstring("after", after)?;
        let id = cstring("id", id)?;
        let raw_opts = opts.map(CallOptions::raw);
        // NULL options: ak_wait_with is then ak_wait_for (accountkit.h).
        let opts_ptr = raw_opts.as_ref().map_or(ptr::null(), ptr::from_ref);
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and strings; thread-safe; the options and
        // their token outlive the call.
        unsafe {
            let status = sys::ak_wait_with(
                &mut out,
                self.as_ptr(),
                after.as_ptr(),
                id.as_ptr(),
                timeout.as_secs_f64(),
                opts_ptr,
                &mut err,
            );
            check(status, err)?;
        }
        Response::from_raw(out, self.vendor)
    }

    /// A batch running at most `max_in_flight` exchanges at once
    /// (`ak_batch_new`, which refuses a number outside its limits with
    /// [`ErrorKind::InvalidArgument`]).
    pub fn batch(&self, max_in_flight: usize) -> Result<Batch, Error> {
        Batch::new(self, max_in_flight)
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
