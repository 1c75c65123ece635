//! Many operations of one client in flight at once (`ak_batch`).
use crate::error::check;
use crate::fields::Fields;
use crate::{cstring, sys, Client, Error, ErrorKind, Response};
use serde_json::Value;
use std::fmt;
use std::ptr::{self, NonNull};
use std::time::Duration;

/// Many operations of one client in flight at once, driven on the calling
/// thread by libcurl's multi interface (`ak_batch`): each gets what
/// [`Client::call`](crate::Client::call) gives it (validation, retries, the
/// create lookup after a lost answer, rate limits), and outcomes come back in
/// completion order with the caller's tag. Dropping a batch abandons what is
/// still in flight. Made by [`Client::batch`](crate::Client::batch).
pub struct Batch(NonNull<sys::ak_batch>);

/// One finished batch operation: the tag it was submitted under, and its outcome.
pub type Completion = (u64, Result<Response, Error>);

// SAFETY: a batch belongs to one thread at a time and may move between threads
// (the header); the raw pointer keeps Batch !Sync.
unsafe impl Send for Batch {}

impl Batch {
    /// A batch over `client` (`ak_batch_new`); the library checks
    /// `max_in_flight` against its limits.
    pub(crate) fn new(client: &Client, max_in_flight: usize) -> Result<Batch, Error> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid client handle; out/err are valid out-pointers. The
        // batch keeps the client alive on the C side.
        unsafe {
            check(
                sys::ak_batch_new(&mut out, client.as_ptr(), max_in_flight, &mut err),
                err,
            )?
        };
        NonNull::new(out)
            .map(Batch)
            .ok_or_else(|| Error::local(ErrorKind::Internal, "ak_batch_new returned no batch"))
    }

    /// Queues an operation under `tag` (`Value::Null`: no fields). Fails at
    /// once only for misuse (an unknown operation, unusable client options,
    /// fields that are not an object); invalid fields and every other
    /// failure are that operation's outcome.
    pub fn submit(&mut self, operation: &str, fields: &Value, tag: u64) -> Result<(), Error> {
        let op = cstring("operation", operation)?;
        let f = Fields::from_value(fields)?;
        let mut err = ptr::null_mut();
        // SAFETY: valid handles, used by one thread (&mut self); fields are copied.
        unsafe {
            check(
                sys::ak_batch_submit(
                    self.0.as_ptr(),
                    op.as_ptr(),
                    Fields::ptr(f.as_ref()),
                    tag,
                    &mut err,
                ),
                err,
            )
        }
    }

    /// Stops every operation submitted under `tag`, running or queued (and
    /// any submitted under `tag` later), as soon as it can
    /// (`ak_batch_cancel`): each still comes out of
    /// [`next_outcome`](Self::next_outcome), as [`ErrorKind::Cancelled`], or
    /// [`ErrorKind::OutcomeUnknown`] for a create or delete that may have
    /// reached the vendor. Call it between `next_outcome`s (with a timeout
    /// to come back in time); to stop from another thread, use a
    /// [`CancelToken`](crate::CancelToken) with
    /// [`Client::call_with`](crate::Client::call_with) instead.
    pub fn cancel(&mut self, tag: u64) {
        // SAFETY: valid handle, used by one thread (&mut self).
        unsafe { sys::ak_batch_cancel(self.0.as_ptr(), tag) }
    }

    /// Operations submitted and not yet taken.
    pub fn pending(&self) -> usize {
        // SAFETY: valid handle.
        unsafe { sys::ak_batch_pending(self.0.as_ptr()) }
    }

    /// Drives the transfers until an operation finishes and returns its tag
    /// and outcome; `Ok(None)` when nothing was taken: `timeout` passed first
    /// (`None` waits as long as it takes) or nothing is pending. `Err` is
    /// the batch itself failing (out of memory, libcurl); the operations in
    /// flight are lost with it.
    pub fn next_outcome(&mut self, timeout: Option<Duration>) -> Result<Option<Completion>, Error> {
        let ms = timeout.map_or(-1, |d| i32::try_from(d.as_millis()).unwrap_or(i32::MAX));
        let (mut tag, mut result, mut failure) = (0u64, ptr::null_mut(), ptr::null_mut());
        let mut err = ptr::null_mut();
        // SAFETY: valid handle, used by one thread (&mut self); out-pointers are valid.
        let status = unsafe {
            sys::ak_batch_next(
                &mut tag,
                &mut result,
                &mut failure,
                self.0.as_ptr(),
                ms,
                &mut err,
            )
        };
        if status != sys::AK_OK {
            // SAFETY: err is NULL or an error object we own; result and
            // failure are NULL when the batch itself fails.
            return Err(unsafe { Error::from_raw(status, err) });
        }
        if !result.is_null() {
            return Ok(Some((tag, Response::from_raw(result))));
        }
        if !failure.is_null() {
            // SAFETY: failure is a new error object we own.
            let e = unsafe { Error::from_raw(sys::ak_error_code(failure), failure) };
            return Ok(Some((tag, Err(e))));
        }
        Ok(None)
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
