//! Raw FFI declarations for the accountkit C API (`accountkit/accountkit.h`
//! and `accountkit/plan.h`, which it includes), written by hand. See the header for every function's ownership and thread
//! rules; the safe wrapper is the `accountkit` crate.
//!
//! The vendors' emulator (`accountkit/sandbox.h`, libaccountkit-sandbox) is a
//! development and test tool outside the ABI promise: its declarations (the
//! `ak_sandbox_*` functions) exist only with the cargo feature `sandbox`,
//! which also links `accountkit-sandbox` (pkg-config). Without the feature
//! nothing of the sandbox is declared or linked.
//!
//! `tests/header.rs` checks these declarations against the headers: every
//! `AK_API` function of `accountkit.h` and `plan.h` is declared in `src/lib.rs` and every
//! one of `sandbox.h` in `src/sandbox.rs`, each with the same parameter and
//! return types in the same order, nothing else is declared, and every enum
//! value and version macro matches.
#![allow(non_camel_case_types)]
#![no_std]

use core::ffi::{c_char, c_double, c_int, c_long, c_uint, c_void};
use core::marker::{PhantomData, PhantomPinned};

macro_rules! opaque {
    ($($name:ident),* $(,)?) => {$(
        /// An opaque handle owned by the library.
        #[repr(C)]
        pub struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}

opaque!(ak_error, ak_fields, ak_client, ak_result, ak_pager, ak_batch, ak_cancel);

/// `AK_CALL_OPTIONS_VERSION`: the `version` of an [`ak_call_options`] this crate fills.
pub const AK_CALL_OPTIONS_VERSION: c_uint = 1;

/// `ak_call_options`: what one call carries beyond the client's options.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ak_call_options {
    pub version: c_uint,
    /// > 0: the whole call ends within this many seconds; 0: no deadline.
    pub timeout_s: c_double,
    /// Null: none. Not owned by the call.
    pub cancel: *mut ak_cancel,
}

/// `AK_PLAN_OPTIONS_VERSION`: the `version` of an [`ak_plan_options`] this crate fills.
pub const AK_PLAN_OPTIONS_VERSION: c_uint = 1;

/// `ak_plan_options` (`plan.h`): what a plan or an account view may take
/// beyond its inputs.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ak_plan_options {
    pub version: c_uint,
    /// Nonzero: plan removing the accounts only at the vendor (account views ignore it).
    pub prune: c_int,
    /// The custom attribute that holds your key (ActivePlatform). Null or "":
    /// none. Copied by the call.
    pub key_attribute: *const c_char,
}

#[cfg(feature = "sandbox")]
mod sandbox;
#[cfg(feature = "sandbox")]
pub use sandbox::*;

// ---- version ---------------------------------------------------------------
pub const AK_VERSION_MAJOR: c_int = 0;
pub const AK_VERSION_MINOR: c_int = 2;
pub const AK_VERSION_PATCH: c_int = 0;

// ---- status codes ----------------------------------------------------------
/// `enum ak_status` (an `int` in the C ABI).
pub type ak_status = c_int;
pub const AK_OK: ak_status = 0;
pub const AK_E_INVALID_ARGUMENT: ak_status = 1;
pub const AK_E_VALIDATION: ak_status = 2;
pub const AK_E_AUTH: ak_status = 3;
pub const AK_E_NOT_FOUND: ak_status = 4;
pub const AK_E_RATE_LIMITED: ak_status = 5;
pub const AK_E_VENDOR: ak_status = 6;
pub const AK_E_TRANSPORT: ak_status = 7;
pub const AK_E_TIMEOUT: ak_status = 8;
pub const AK_E_DECODE: ak_status = 9;
pub const AK_E_UNKNOWN_OPERATION: ak_status = 10;
pub const AK_E_OUTCOME_UNKNOWN: ak_status = 11;
pub const AK_E_NOMEM: ak_status = 12;
pub const AK_E_INTERNAL: ak_status = 13;
pub const AK_E_OPERATION_FAILED: ak_status = 14;
pub const AK_E_CANCELLED: ak_status = 15;

// ---- log levels -------------------------------------------------------------
/// `enum ak_log_level` (an `int` in the C ABI).
pub type ak_log_level = c_int;
pub const AK_LOG_DEBUG: ak_log_level = 10;
pub const AK_LOG_INFO: ak_log_level = 20;
pub const AK_LOG_WARNING: ak_log_level = 30;
pub const AK_LOG_ERROR: ak_log_level = 40;

/// Receives one log line. It must not unwind: catch panics inside it.
pub type ak_log_fn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, level: ak_log_level, message: *const c_char),
>;

extern "C" {
    // ---- version
    pub fn ak_version() -> *const c_char;
    pub fn ak_version_number() -> c_int;

    // ---- status codes
    pub fn ak_strerror(status: ak_status) -> *const c_char;
    pub fn ak_status_name(status: c_int) -> *const c_char;
    pub fn ak_status_parent(status: c_int) -> ak_status;

    // ---- errors
    pub fn ak_error_new(code: ak_status, message: *const c_char) -> *mut ak_error;
    pub fn ak_error_free(err: *mut ak_error);
    pub fn ak_error_code(err: *const ak_error) -> ak_status;
    pub fn ak_error_category(err: *const ak_error) -> *const c_char;
    pub fn ak_error_message(err: *const ak_error) -> *const c_char;
    pub fn ak_error_vendor(err: *const ak_error) -> *const c_char;
    pub fn ak_error_operation(err: *const ak_error) -> *const c_char;
    pub fn ak_error_http_status(err: *const ak_error) -> c_long;
    pub fn ak_error_vendor_code(err: *const ak_error) -> *const c_char;
    pub fn ak_error_request_id(err: *const ak_error) -> *const c_char;
    pub fn ak_error_raw_body(err: *const ak_error) -> *const c_char;
    pub fn ak_error_is_retriable(err: *const ak_error) -> c_int;
    pub fn ak_error_attempts(err: *const ak_error) -> c_int;
    pub fn ak_error_retry_after(err: *const ak_error) -> c_double;
    pub fn ak_error_field_count(err: *const ak_error) -> usize;
    pub fn ak_error_field_path(err: *const ak_error, i: usize) -> *const c_char;
    pub fn ak_error_field_rule(err: *const ak_error, i: usize) -> *const c_char;
    pub fn ak_error_field_message(err: *const ak_error, i: usize) -> *const c_char;
    pub fn ak_error_candidate_count(err: *const ak_error) -> usize;
    pub fn ak_error_candidate(err: *const ak_error, i: usize) -> *const c_char;
    pub fn ak_string_free(s: *mut c_char);

    // ---- fields
    pub fn ak_fields_new(out: *mut *mut ak_fields, err: *mut *mut ak_error) -> ak_status;
    pub fn ak_fields_from_json(
        out: *mut *mut ak_fields,
        json: *const c_char,
        len: usize,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_fields_free(f: *mut ak_fields);
    pub fn ak_fields_set_string(
        f: *mut ak_fields,
        path: *const c_char,
        value: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_fields_set_int(
        f: *mut ak_fields,
        path: *const c_char,
        value: i64,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_fields_set_double(
        f: *mut ak_fields,
        path: *const c_char,
        value: c_double,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_fields_set_bool(
        f: *mut ak_fields,
        path: *const c_char,
        value: c_int,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_fields_set_null(
        f: *mut ak_fields,
        path: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_fields_set_json(
        f: *mut ak_fields,
        path: *const c_char,
        json: *const c_char,
        len: usize,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_fields_unset(
        f: *mut ak_fields,
        path: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_fields_set_id(
        f: *mut ak_fields,
        vendor: *const c_char,
        operation: *const c_char,
        id: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_fields_to_json(
        out: *mut *mut c_char,
        f: *const ak_fields,
        err: *mut *mut ak_error,
    ) -> ak_status;

    // ---- client
    pub fn ak_client_new(
        out: *mut *mut ak_client,
        vendor: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_client_free(c: *mut ak_client);
    pub fn ak_client_vendor(c: *const ak_client) -> *const c_char;
    pub fn ak_client_set_option(
        c: *mut ak_client,
        name: *const c_char,
        value: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_client_check_credentials(
        checked: *mut c_int,
        c: *mut ak_client,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_client_set_log_callback(
        c: *mut ak_client,
        min_level: ak_log_level,
        fn_: ak_log_fn,
        user_data: *mut c_void,
        err: *mut *mut ak_error,
    ) -> ak_status;

    // ---- results
    pub fn ak_result_free(r: *mut ak_result);
    pub fn ak_result_json(r: *const ak_result) -> *const c_char;
    pub fn ak_result_id(r: *const ak_result) -> *const c_char;
    pub fn ak_result_status(r: *const ak_result) -> *const c_char;
    pub fn ak_result_is_recovered(r: *const ak_result) -> c_int;
    pub fn ak_result_unavailable(r: *const ak_result, i: usize) -> *const c_char;
    pub fn ak_result_get_string(
        out: *mut *const c_char,
        r: *const ak_result,
        path: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_result_get_int(
        out: *mut i64,
        r: *const ak_result,
        path: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_result_get_double(
        out: *mut c_double,
        r: *const ak_result,
        path: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_result_get_bool(
        out: *mut c_int,
        r: *const ak_result,
        path: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_result_get_json(
        out: *mut *mut c_char,
        r: *const ak_result,
        path: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_result_is_null(r: *const ak_result, path: *const c_char) -> c_int;
    pub fn ak_result_size(r: *const ak_result, path: *const c_char) -> usize;

    // ---- calls
    pub fn ak_call(
        out: *mut *mut ak_result,
        c: *mut ak_client,
        operation: *const c_char,
        fields: *const ak_fields,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_wait(
        out: *mut *mut ak_result,
        c: *mut ak_client,
        id: *const c_char,
        timeout_s: c_double,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_wait_for(
        out: *mut *mut ak_result,
        c: *mut ak_client,
        after: *const c_char,
        id: *const c_char,
        timeout_s: c_double,
        err: *mut *mut ak_error,
    ) -> ak_status;

    // ---- pagers
    pub fn ak_list(
        out: *mut *mut ak_pager,
        c: *mut ak_client,
        operation: *const c_char,
        filters: *const ak_fields,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_pager_next(
        item: *mut *mut ak_result,
        p: *mut ak_pager,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_pager_free(p: *mut ak_pager);
    pub fn ak_validate(
        vendor: *const c_char,
        operation: *const c_char,
        fields: *const ak_fields,
        err: *mut *mut ak_error,
    ) -> ak_status;

    // ---- batches
    pub fn ak_batch_new(
        out: *mut *mut ak_batch,
        c: *mut ak_client,
        max_in_flight: usize,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_batch_submit(
        b: *mut ak_batch,
        operation: *const c_char,
        fields: *const ak_fields,
        tag: u64,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_batch_submit_wait(
        b: *mut ak_batch,
        after: *const c_char,
        id: *const c_char,
        timeout_s: c_double,
        tag: u64,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_batch_pending(b: *const ak_batch) -> usize;
    pub fn ak_batch_next(
        tag: *mut u64,
        result: *mut *mut ak_result,
        failure: *mut *mut ak_error,
        b: *mut ak_batch,
        timeout_ms: c_int,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_batch_wakeup(b: *mut ak_batch);
    pub fn ak_batch_free(b: *mut ak_batch);

    // ---- vendors
    pub fn ak_vendor_count() -> usize;
    pub fn ak_vendor_name(i: usize) -> *const c_char;
    pub fn ak_vendors_json(out: *mut *mut c_char, err: *mut *mut ak_error) -> ak_status;

    // ---- webhooks
    pub fn ak_webhook_parse(
        out: *mut *mut ak_result,
        vendor: *const c_char,
        body: *const c_char,
        len: usize,
        err: *mut *mut ak_error,
    ) -> ak_status;

    // ---- the common account view
    pub fn ak_account_view(
        out_json: *mut *mut c_char,
        vendor: *const c_char,
        record_json: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;

    // ---- plans
    pub fn ak_plan(
        out_json: *mut *mut c_char,
        vendor: *const c_char,
        desired_json: *const c_char,
        current_json: *const c_char,
        prune: c_int,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_plan_changed_since(
        out_text: *mut *mut c_char,
        expect_json: *const c_char,
        view_json: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_account_view_with(
        out_json: *mut *mut c_char,
        vendor: *const c_char,
        record_json: *const c_char,
        opts: *const ak_plan_options,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_plan_with(
        out_json: *mut *mut c_char,
        vendor: *const c_char,
        desired_json: *const c_char,
        current_json: *const c_char,
        opts: *const ak_plan_options,
        err: *mut *mut ak_error,
    ) -> ak_status;

    // ---- cancellation and deadlines
    pub fn ak_cancel_new(out: *mut *mut ak_cancel, err: *mut *mut ak_error) -> ak_status;
    pub fn ak_cancel_trigger(token: *mut ak_cancel);
    pub fn ak_cancel_is_triggered(token: *const ak_cancel) -> c_int;
    pub fn ak_cancel_free(token: *mut ak_cancel);
    pub fn ak_call_with(
        out: *mut *mut ak_result,
        c: *mut ak_client,
        operation: *const c_char,
        fields: *const ak_fields,
        opts: *const ak_call_options,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_wait_with(
        out: *mut *mut ak_result,
        c: *mut ak_client,
        after: *const c_char,
        id: *const c_char,
        timeout_s: c_double,
        opts: *const ak_call_options,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_list_with(
        out: *mut *mut ak_pager,
        c: *mut ak_client,
        operation: *const c_char,
        filters: *const ak_fields,
        opts: *const ak_call_options,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_batch_cancel(b: *mut ak_batch, tag: u64);
}
