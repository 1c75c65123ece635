//! Safe Rust bindings to accountkit: create, update, read, list and delete
//! customer accounts on vendor platforms through one model, one error
//! taxonomy and local validation. With the feature `sandbox`, also the
//! vendors' emulator for development and tests (`Sandbox`).
//!
//! ```no_run
//! use accountkit::Client;
//! use serde_json::json;
//!
//! let client = Client::new("99digital")?
//!     .option("client_id", "my-client-id")?
//!     .option("client_secret", "my-client-secret")?;
//! let created = client.create_account(&json!({
//!     "account_name": "Acme Inc", "agents": 10, "inboxes": 5,
//!     "admin_email": "owner@acme.example", "admin_name": "Ada Owner",
//!     "admin_displayName": "Ada", "admin_password": "Str0ng!pass",
//! }))?;
//! client.update_account(created.id(), &json!({"server": "online", "account_status": 0}))?;
//! # Ok::<(), accountkit::Error>(())
//! ```
//!
//! The C library owns every rule: validation, the positional-id binding
//! ([`Client::call_with_id`]), the limits on fields and paths, the status
//! names and their hierarchy ([`ErrorKind::name`], [`ErrorKind::parent`]).
//! These bindings convert values and own handles; they repeat none of it.
//!
//! Accounts as one view and plans: [`account_view`] (and
//! [`Response::view`]) reads any vendor's account record as the same few
//! fields; [`plan`] compares [`DesiredAccount`]s with those views and returns
//! the [`PlanStep`]s that bring the vendor in line (docs/plan.md), each run
//! with [`Client::call`] after [`changed_since`] finds nothing moved.
//! [`plan_with`] takes [`PlanOptions`]: the creates still in flight
//! (Commvault's fulfillments) and, for ActivePlatform, whose accounts have no
//! field for your own key, the custom attribute that holds it (its
//! `key_attribute`, which [`account_view_with`] and [`Response::view_with`]
//! take too). Neither sends anything.
//!
//! Cancellation and deadlines are runtime-agnostic: [`Client::call_with`],
//! [`Client::call_id_with`], [`Client::wait_with`] and [`Client::list_with`]
//! take [`CallOptions`], a deadline for the whole call and a [`CancelToken`]
//! that any thread may trigger to stop the call within milliseconds
//! ([`ErrorKind::Cancelled`]; [`ErrorKind::OutcomeUnknown`] for a create or
//! delete that may have landed); [`Batch::cancel`] stops a batch's
//! operations by tag, and a [`BatchCanceller`] does so from another thread.
//!
//! Thread rules follow `accountkit.h`: a [`Client`] (and a `Sandbox`) is
//! `Send + Sync` (the C library allows many threads at once), and so are a
//! [`CancelToken`] and a [`BatchCanceller`]; a [`Response`],
//! a [`Pager`] and a [`Batch`] are `Send` but not `Sync` (one thread at a time).
//!
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<accountkit::Response>();
//! ```
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<accountkit::Pager>();
//! ```
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<accountkit::Batch>();
//! ```

mod batch;
mod cancel;
mod client;
mod error;
mod fields;
mod pager;
mod plan;
mod response;
#[cfg(feature = "sandbox")]
mod sandbox;
mod vendor;
mod view;
mod webhook;

pub use batch::{Batch, BatchCanceller, Completion};
pub use cancel::{CallOptions, CancelToken};
pub use client::Client;
pub use error::{Error, ErrorDetails, ErrorKind, FieldError};
pub use fields::{validate, validate_with_id};
pub use pager::Pager;
pub use plan::{
    changed_since, plan, plan_with, DesiredAccount, FieldChange, PlanOptions, PlanStep,
};
pub use response::Response;
#[cfg(feature = "sandbox")]
pub use sandbox::Sandbox;
pub use vendor::{vendor_names, vendors, Operation, Vendor};
pub use view::{account_view, account_view_with};
pub use webhook::parse_webhook;

pub use accountkit_sys::ak_status as Status;

// The thread promises of accountkit.h, checked at compile time.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    const fn send<T: Send>() {}
    send_sync::<Client>();
    send_sync::<CancelToken>();
    send_sync::<BatchCanceller>();
    send_sync::<Error>();
    send::<Response>();
    send::<Pager>();
    send::<Batch>();
};

use accountkit_sys as sys;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;

/// The library's version ("0.2.0").
pub fn version() -> &'static str {
    // SAFETY: static storage, never NULL.
    unsafe { CStr::from_ptr(sys::ak_version()) }
        .to_str()
        .unwrap_or("")
}

/// A C string of `s`, or an InvalidArgument error naming `what` when `s`
/// holds a NUL byte (which C would cut the text at).
pub(crate) fn cstring(what: &str, s: &str) -> Result<CString, Error> {
    CString::new(s).map_err(|_| {
        Error::local(
            ErrorKind::InvalidArgument,
            format!("{what} contains a NUL byte"),
        )
    })
}

/// Copies a "caller frees" string and frees it.
///
/// # Safety
/// `p` is NULL or a string the library documented as "caller frees".
pub(crate) unsafe fn take_string(p: *mut c_char) -> String {
    let s = error::text(p);
    sys::ak_string_free(p);
    s
}

/// Parses JSON text the library produced.
pub(crate) fn parse_json(what: &str, text: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::local(ErrorKind::Decode, format!("{what}: {e}")))
}
