//! `accountkit/sandbox.h` (libaccountkit-sandbox, pkg-config
//! `accountkit-sandbox`): every vendor emulated on loopback, for development
//! and tests. Outside accountkit's ABI promise; declared only with the cargo
//! feature `sandbox`. `tests/header.rs` checks this file against sandbox.h.
use crate::{ak_client, ak_error, ak_status};
use core::ffi::{c_char, c_int};
use core::marker::{PhantomData, PhantomPinned};

opaque!(ak_sandbox);

extern "C" {
    pub fn ak_sandbox_new(out: *mut *mut ak_sandbox, err: *mut *mut ak_error) -> ak_status;
    pub fn ak_sandbox_free(sb: *mut ak_sandbox);
    pub fn ak_sandbox_set_option(
        sb: *mut ak_sandbox,
        name: *const c_char,
        value: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_sandbox_start(sb: *mut ak_sandbox, port: c_int, err: *mut *mut ak_error)
        -> ak_status;
    pub fn ak_sandbox_stop(sb: *mut ak_sandbox);
    pub fn ak_sandbox_port(sb: *const ak_sandbox) -> c_int;
    pub fn ak_sandbox_vendor_url(sb: *mut ak_sandbox, vendor: *const c_char) -> *const c_char;
    pub fn ak_sandbox_configure_client(
        sb: *mut ak_sandbox,
        c: *mut ak_client,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_sandbox_credentials_json(
        out: *mut *mut c_char,
        sb: *mut ak_sandbox,
        vendor: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_sandbox_journal_json(
        out: *mut *mut c_char,
        sb: *mut ak_sandbox,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_sandbox_journal_clear(sb: *mut ak_sandbox);
    pub fn ak_sandbox_expire_tokens(sb: *mut ak_sandbox);
    pub fn ak_sandbox_add_faults(
        sb: *mut ak_sandbox,
        json: *const c_char,
        err: *mut *mut ak_error,
    ) -> ak_status;
    pub fn ak_sandbox_clear_faults(sb: *mut ak_sandbox);
}
