//! What the C library says about its vendors (`ak_vendors_json`,
//! `ak_vendor_name`): read from it, never written here.
use crate::error::check;
use crate::{parse_json, sys, take_string, Error};
use serde_json::Value;
use std::ffi::CStr;
use std::ptr;

/// One operation of a vendor, from `ak_vendors_json`.
#[derive(Debug, Clone)]
pub struct Operation {
    pub name: String,
    /// create, read, list, update or delete.
    pub kind: String,
    pub method: String,
    pub path: String,
    /// The field a positional account id goes into
    /// ([`Client::call_with_id`](crate::Client::call_with_id), which lets
    /// the C library bind it).
    pub id_field: Option<String>,
}

/// A vendor's description, from `ak_vendors_json`.
#[derive(Debug, Clone)]
pub struct Vendor {
    pub name: String,
    pub display_name: String,
    pub default_base_url: String,
    /// Option names of the credentials.
    pub credentials: Vec<String>,
    /// Client options whose values are secrets.
    pub secret_options: Vec<String>,
    /// Every key whose value is a secret, in requests and answers (masked in
    /// the journal and in logs).
    pub secret_keys: Vec<String>,
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

fn text_of(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or("").to_string()
}

fn parse_operation(o: &Value) -> Operation {
    Operation {
        name: text_of(o, "name"),
        kind: text_of(o, "kind"),
        method: text_of(o, "method"),
        path: text_of(o, "path"),
        id_field: o["id_field"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    }
}

fn parse_vendor(v: &Value) -> Vendor {
    Vendor {
        name: text_of(v, "name"),
        display_name: text_of(v, "display_name"),
        default_base_url: text_of(v, "default_base_url"),
        credentials: strings(&v["credentials"]),
        secret_options: strings(&v["secret_options"]),
        secret_keys: strings(&v["secret_keys"]),
        asynchronous: v["asynchronous"].as_bool().unwrap_or(false),
        operations: v["operations"]
            .as_array()
            .map(|ops| ops.iter().map(parse_operation).collect())
            .unwrap_or_default(),
        raw: v.clone(),
    }
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
    let value = parse_json("ak_vendors_json", &json)?;
    Ok(value
        .as_array()
        .map(|a| a.iter().map(parse_vendor).collect())
        .unwrap_or_default())
}

/// The vendor names (`ak_vendor_count` / `ak_vendor_name`).
pub fn vendor_names() -> Vec<&'static str> {
    // SAFETY: takes nothing, returns a count.
    let count = unsafe { sys::ak_vendor_count() };
    (0..count)
        .filter_map(|i| {
            // SAFETY: any index is accepted; names are static storage or NULL.
            let p = unsafe { sys::ak_vendor_name(i) };
            // SAFETY: non-NULL: a NUL-terminated string in static storage.
            (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap_or(""))
        })
        .collect()
}
