//! The common account view (`ak_account_view_with`).
use crate::error::check;
use crate::{cstring, parse_json, sys, take_string, Error};
use serde_json::Value;
use std::ffi::CString;
use std::os::raw::c_int;
use std::ptr;

/// Reads `record`, one account record of `vendor` (a
/// [`Client::get_account`](crate::Client::get_account) answer's JSON, or one
/// item of a list), as the same few fields for every vendor: "vendor", "id",
/// "name", "email", "country" and "key" (your own key for the account:
/// 99digital "reference", Commvault "externalId"; for ActivePlatform, the
/// custom attribute [`account_view_with`] names, else none; strings, or null
/// where the vendor or the record has none), "status" ("active", "suspended",
/// "pending", "deleted" or "unknown"), "vendor_status" (the vendor's own
/// value), "created" and "updated" (ISO 8601 UTC) and "record" (the record
/// itself, every secret masked); docs/vendors/<vendor>.md, "Account view".
/// Needs no client and sends nothing. An unknown vendor, or a record that is
/// not a JSON object, is an [`ErrorKind::InvalidArgument`](crate::ErrorKind)
/// error.
pub fn account_view(vendor: &str, record: &Value) -> Result<Value, Error> {
    account_view_with(vendor, record, None)
}

/// [`account_view`] whose "key", for a vendor whose accounts have no field
/// for your own key but custom attributes (ActivePlatform's
/// "custom_attributes", `{"key", "value"}`), is the value of the attribute
/// `key_attribute` names (`Some("partner_id")`, as your installation defines
/// it; `None` or `Some("")`: none, the key is null). A vendor that keeps your
/// key in a field of its own (99digital, Commvault) takes no key attribute:
/// an [`ErrorKind::InvalidArgument`](crate::ErrorKind) error.
pub fn account_view_with(
    vendor: &str,
    record: &Value,
    key_attribute: Option<&str>,
) -> Result<Value, Error> {
    view_of_json(vendor, &record.to_string(), key_attribute)
}

/// `ak_account_view_with` of a record's JSON text.
pub(crate) fn view_of_json(
    vendor: &str,
    record: &str,
    key_attribute: Option<&str>,
) -> Result<Value, Error> {
    let v = cstring("vendor", vendor)?;
    let r = cstring("record", record)?;
    let key = key_attribute_cstring(key_attribute)?;
    let opts = plan_options(false, key.as_ref());
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: v, r and key (which opts points into) outlive the call; out is
    // "caller frees", taken once.
    let text = unsafe {
        check(
            sys::ak_account_view_with(&mut out, v.as_ptr(), r.as_ptr(), &opts, &mut err),
            err,
        )?;
        take_string(out)
    };
    parse_json("ak_account_view_with", &text)
}

/// A key attribute as a C string: `None` for none or "".
pub(crate) fn key_attribute_cstring(key_attribute: Option<&str>) -> Result<Option<CString>, Error> {
    key_attribute
        .filter(|k| !k.is_empty())
        .map(|k| cstring("key attribute", k))
        .transpose()
}

/// An `ak_plan_options`; it points into `key`, which must outlive its use.
pub(crate) fn plan_options(prune: bool, key: Option<&CString>) -> sys::ak_plan_options {
    sys::ak_plan_options {
        version: sys::AK_PLAN_OPTIONS_VERSION,
        prune: c_int::from(prune),
        key_attribute: key.map_or(ptr::null(), |k| k.as_ptr()),
    }
}
