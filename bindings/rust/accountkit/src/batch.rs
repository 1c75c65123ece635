//! Many operations of one client in flight at once (`ak_batch`).
use crate::error::check;
use crate::fields::Fields;
use crate::{cstring, sys, Client, Error, ErrorKind, Response};
use serde_json::Value;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::time::Duration;

/// Many operations of one client in flight at once, driven on the calling
/// thread by libcurl's multi interface (`ak_batch`): each gets what
/// [`Client::call`](crate::Client::call) gives it (validation, retries, the
/// create lookup after a lost answer, rate limits), and outcomes come back in
/// completion order with the caller's tag. Dropping a batch abandons what is
/// still in flight (no longer driven; its connections close when the last
/// [`BatchCanceller`] goes too). Made by [`Client::batch`](crate::Client::batch).
pub struct Batch {
    handle: Arc<Handle>,
    vendor: &'static str,
    // A batch belongs to one thread at a time (the header): Send, not Sync.
    _one_thread: PhantomData<Cell<()>>,
}

/// Cancels a [`Batch`]'s operations by tag from any thread, while the batch's
/// own thread waits in [`Batch::next_outcome`] (`ak_batch_cancel`). Made by
/// [`Batch::canceller`]; cheap to clone; keeps the C batch alive.
#[derive(Clone)]
pub struct BatchCanceller {
    handle: Arc<Handle>,
}

/// The C batch, freed when its last owner (the Batch, its cancellers) goes.
struct Handle(NonNull<sys::ak_batch>);

// SAFETY: the handle moves between threads with its Batch; through a shared
// Handle other threads call only ak_batch_cancel, which the header allows
// from any thread while another runs ak_batch_next.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the last owner frees the handle, once.
        unsafe { sys::ak_batch_free(self.0.as_ptr()) }
    }
}

/// One finished batch operation: the tag it was submitted under, and its outcome.
pub type Completion = (u64, Result<Response, Error>);

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
            .map(|p| Batch {
                handle: Arc::new(Handle(p)),
                vendor: client.vendor(),
                _one_thread: PhantomData,
            })
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
                    self.ptr(),
                    op.as_ptr(),
                    Fields::ptr(f.as_ref()),
                    tag,
                    &mut err,
                ),
                err,
            )
        }
    }

    /// Queues a wait for `id` to settle under `tag`
    /// (`ak_batch_submit_wait`), with [`Client::wait_for`](crate::Client::wait_for)'s
    /// rules: `after` names the operation `id` is a result of (`""`: an
    /// account); the batch polls it between its other operations, sleeping
    /// as a timer, and its outcome is the settled account. A timeout out of
    /// range ([`ErrorKind::InvalidArgument`]) or an `after` whose results do
    /// not settle ([`ErrorKind::UnknownOperation`]) is refused here.
    pub fn submit_wait(
        &mut self,
        after: &str,
        id: &str,
        timeout: Duration,
        tag: u64,
    ) -> Result<(), Error> {
        let after = cstring("after", after)?;
        let id = cstring("id", id)?;
        let mut err = ptr::null_mut();
        // SAFETY: valid handle, used by one thread (&mut self); the strings are copied.
        unsafe {
            check(
                sys::ak_batch_submit_wait(
                    self.ptr(),
                    after.as_ptr(),
                    id.as_ptr(),
                    timeout.as_secs_f64(),
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
    /// reached the vendor. From another thread, use a [`canceller`](Self::canceller).
    pub fn cancel(&self, tag: u64) {
        cancel(&self.handle, tag)
    }

    /// A handle that cancels this batch's operations by tag from any thread.
    pub fn canceller(&self) -> BatchCanceller {
        BatchCanceller {
            handle: Arc::clone(&self.handle),
        }
    }

    fn ptr(&self) -> *mut sys::ak_batch {
        self.handle.0.as_ptr()
    }

    /// Operations submitted and not yet taken.
    pub fn pending(&self) -> usize {
        // SAFETY: valid handle.
        unsafe { sys::ak_batch_pending(self.ptr()) }
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
                self.ptr(),
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
            return Ok(Some((tag, Response::from_raw(result, self.vendor))));
        }
        if !failure.is_null() {
            // SAFETY: failure is a new error object we own.
            let e = unsafe { Error::from_raw(sys::ak_error_code(failure), failure) };
            return Ok(Some((tag, Err(e))));
        }
        Ok(None)
    }
}

impl BatchCanceller {
    /// What [`Batch::cancel`] does, from any thread; after the batch was
    /// dropped it does nothing that matters (nothing runs any more).
    pub fn cancel(&self, tag: u64) {
        cancel(&self.handle, tag)
    }
}

fn cancel(handle: &Handle, tag: u64) {
    // SAFETY: a live handle; ak_batch_cancel may run on any thread, beside
    // the batch thread's ak_batch_next.
    unsafe { sys::ak_batch_cancel(handle.0.as_ptr(), tag) }
}

impl fmt::Debug for BatchCanceller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchCanceller").finish_non_exhaustive()
    }
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("pending", &self.pending())
            .finish()
    }
}
