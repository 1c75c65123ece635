//! The common account view (`ak_account_view`).
use crate::error::check;
use crate::{cstring, parse_json, sys, take_string, Error};
use serde_json::Value;
use std::ptr;

/// Reads `record`, one account record of `vendor` (a
/// [`Client::get_account`](crate::Client::get_account) answer's JSON, or one
/// item of a list), as the same few fields for every vendor: "vendor", "id",
/// "name", "email", "country" and "key" (your own key for the account:
/// 99digital "reference", Commvault "externalId"; strings, or null where the
/// vendor or the record has none), "status" ("active", "suspended",
/// "pending", "deleted" or "unknown"), "vendor_status" (the vendor's own
/// value), "created" and "updated" (ISO 8601 UTC) and "record" (the record
/// itself, every secret masked); docs/vendors/<vendor>.md, "Account view".
/// Needs no client and sends nothing. An unknown vendor, or a record that is
/// not a JSON object, is an [`ErrorKind::InvalidArgument`](crate::ErrorKind)
/// error.
pub fn account_view(vendor: &str, record: &Value) -> Result<Value, Error> {
    view_of_json(vendor, &record.to_string())
}

/// `ak_account_view` of a record's JSON text.
pub(crate) fn view_of_json(vendor: &str, record: &str) -> Result<Value, Error> {
    let v = cstring("vendor", vendor)?;
    let r = cstring("record", record)?;
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: v and r outlive the call; out is "caller frees", taken once.
    let text = unsafe {
        check(
            sys::ak_account_view(&mut out, v.as_ptr(), r.as_ptr(), &mut err),
            err,
        )?;
        take_string(out)
    };
    parse_json("ak_account_view", &text)
}
