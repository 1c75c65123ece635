//! Cancellation and deadlines (`ak_cancel`, `ak_call_options`): a token any
//! thread may trigger to stop the calls that carry it, and the options one
//! call carries ([`CallOptions`]: a token, a deadline for the whole call).
use crate::error::check;
use crate::{sys, Error, ErrorKind};
use std::fmt;
use std::ptr::{self, NonNull};
use std::time::Duration;

/// A cancellation token (`ak_cancel`). Give it to calls in [`CallOptions`];
/// [`trigger`](Self::trigger) it from any thread to stop every call, wait and
/// pager page that carries it, as soon as each can: a read (or anything not
/// yet sent) then fails with [`ErrorKind::Cancelled`]; a create or delete
/// that may have reached the vendor with [`ErrorKind::OutcomeUnknown`], never
/// a silent success or failure. The client stays usable. One token may be
/// carried by many calls at once, on many threads (share it by reference, or
/// in an `Arc`). No async runtime is involved: pair it with whatever decides
/// to stop (a timer thread, a shutdown signal, a runtime's cancellation).
///
/// ```no_run
/// use accountkit::{CallOptions, CancelToken, Client};
/// use serde_json::json;
///
/// let client = Client::new("99digital")?;
/// let token = CancelToken::new()?;
/// std::thread::scope(|s| {
///     s.spawn(|| {
///         std::thread::sleep(std::time::Duration::from_millis(100));
///         token.trigger();
///     });
///     let opts = CallOptions::new().cancel(&token);
///     let r = client.call_with("list_accounts", &json!({}), &opts);
///     // Err(e) with e.kind == ErrorKind::Cancelled unless the list came first.
///     # let _ = r;
/// });
/// # Ok::<(), accountkit::Error>(())
/// ```
pub struct CancelToken(NonNull<sys::ak_cancel>);

// SAFETY: the header says ak_cancel_trigger and ak_cancel_is_triggered may be
// called from any thread, and one token may be carried by many calls at once;
// ak_cancel_free (Drop) needs no other use, which ownership guarantees (calls
// still running keep the token alive on the C side).
unsafe impl Send for CancelToken {}
unsafe impl Sync for CancelToken {}

impl CancelToken {
    /// A new token, not triggered (`ak_cancel_new`).
    pub fn new() -> Result<CancelToken, Error> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid out-pointers.
        unsafe { check(sys::ak_cancel_new(&mut out, &mut err), err)? };
        NonNull::new(out)
            .map(CancelToken)
            .ok_or_else(|| Error::local(ErrorKind::Internal, "ak_cancel_new returned no token"))
    }

    /// Triggers the token (once; later triggers do nothing). Returns without
    /// waiting for the calls to stop. Any thread.
    pub fn trigger(&self) {
        // SAFETY: valid handle; thread-safe per the header.
        unsafe { sys::ak_cancel_trigger(self.0.as_ptr()) }
    }

    /// Whether the token has been triggered. Any thread.
    pub fn is_triggered(&self) -> bool {
        // SAFETY: valid handle; thread-safe per the header.
        unsafe { sys::ak_cancel_is_triggered(self.0.as_ptr()) != 0 }
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::ak_cancel {
        self.0.as_ptr()
    }
}

impl Drop for CancelToken {
    fn drop(&mut self) {
        // SAFETY: we own the handle; a pager still carrying it keeps it alive.
        unsafe { sys::ak_cancel_free(self.0.as_ptr()) }
    }
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelToken")
            .field("triggered", &self.is_triggered())
            .finish()
    }
}

/// What one call carries beyond the client's options (`ak_call_options`), for
/// [`Client::call_with`](crate::Client::call_with),
/// [`Client::call_id_with`](crate::Client::call_id_with),
/// [`Client::wait_with`](crate::Client::wait_with) and
/// [`Client::list_with`](crate::Client::list_with).
/// `CallOptions::default()` carries nothing (the plain calls).
#[derive(Debug, Clone, Copy, Default)]
pub struct CallOptions<'a> {
    /// The whole call (retries, a lost create's lookup, a wait's polls, a
    /// pager's pages, counted from `list_with`) ends within this, the
    /// exchange in flight included: [`ErrorKind::Timeout`]
    /// ([`ErrorKind::OutcomeUnknown`] for a create or delete that may have
    /// landed). `None`: no deadline beyond the client's per-exchange
    /// `timeout_ms`. `Some(Duration::ZERO)` has already run out. The library
    /// takes at most a day ([`ErrorKind::InvalidArgument`] beyond).
    pub timeout: Option<Duration>,
    /// A token that stops the call when triggered. The call does not own it.
    pub cancel: Option<&'a CancelToken>,
}

impl<'a> CallOptions<'a> {
    /// Options that carry nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// With a deadline for the whole call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// With a cancellation token.
    pub fn cancel(mut self, token: &'a CancelToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// The C struct; borrows the token for as long as `self` does.
    pub(crate) fn raw(&self) -> sys::ak_call_options {
        sys::ak_call_options {
            version: sys::AK_CALL_OPTIONS_VERSION,
            // 0 means "no deadline" to C: a zero Duration becomes the
            // smallest deadline instead, which has run out at once.
            timeout_s: self
                .timeout
                .map_or(0.0, |d| d.as_secs_f64().max(f64::MIN_POSITIVE)),
            cancel: self.cancel.map_or(ptr::null_mut(), CancelToken::as_ptr),
        }
    }
}
