//! A request's fields: `serde_json::Value` handed to the C library as JSON
//! text (`ak_fields_from_json`), which decides what it accepts; positional
//! account ids bound by the library (`ak_fields_set_id`); offline validation.
use crate::error::check;
use crate::{cstring, sys, Error, ErrorKind};
use serde_json::Value;
use std::ptr::{self, NonNull};

/// An owned `ak_fields`.
pub(crate) struct Fields(NonNull<sys::ak_fields>);

impl Fields {
    /// An empty field set (`ak_fields_new`).
    fn new() -> Result<Fields, Error> {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: out/err are valid out-pointers.
        unsafe { check(sys::ak_fields_new(&mut out, &mut err), err)? };
        NonNull::new(out)
            .map(Fields)
            .ok_or_else(|| Error::local(ErrorKind::Internal, "ak_fields_new returned no fields"))
    }

    /// The fields for `value`: `None` (no fields, a NULL pointer) for
    /// `Value::Null`; anything else is given to `ak_fields_from_json` as its
    /// JSON text (`null` members stay explicit nulls, left-out keys stay
    /// absent), and the library says what it refuses.
    pub(crate) fn from_value(value: &Value) -> Result<Option<Fields>, Error> {
        if value.is_null() {
            return Ok(None);
        }
        let json = value.to_string();
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: json is valid for len bytes; out/err are valid out-pointers.
        unsafe {
            check(
                sys::ak_fields_from_json(&mut out, json.as_ptr().cast(), json.len(), &mut err),
                err,
            )?;
        }
        NonNull::new(out).map(|f| Some(Fields(f))).ok_or_else(|| {
            Error::local(
                ErrorKind::Internal,
                "ak_fields_from_json returned no fields",
            )
        })
    }

    /// The fields for `value` with the positional account `id` bound to the
    /// id field of `vendor`'s `operation` by the C library
    /// (`ak_fields_set_id`: it knows the field, its type, and refuses an id
    /// given twice or one the operation does not take).
    pub(crate) fn with_id(
        vendor: &str,
        operation: &str,
        id: &str,
        value: &Value,
    ) -> Result<Fields, Error> {
        let fields = match Fields::from_value(value)? {
            Some(f) => f,
            None => Fields::new()?,
        };
        let v = cstring("vendor", vendor)?;
        let op = cstring("operation", operation)?;
        let id = cstring("id", id)?;
        let mut err = ptr::null_mut();
        // SAFETY: valid handle (owned here) and strings.
        unsafe {
            check(
                sys::ak_fields_set_id(
                    fields.0.as_ptr(),
                    v.as_ptr(),
                    op.as_ptr(),
                    id.as_ptr(),
                    &mut err,
                ),
                err,
            )?;
        }
        Ok(fields)
    }

    /// The pointer to hand to C: NULL for no fields.
    pub(crate) fn ptr(fields: Option<&Fields>) -> *const sys::ak_fields {
        fields.map_or(ptr::null(), |f| f.0.as_ptr().cast_const())
    }
}

impl Drop for Fields {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        unsafe { sys::ak_fields_free(self.0.as_ptr()) }
    }
}

fn validate_fields(vendor: &str, operation: &str, fields: Option<&Fields>) -> Result<(), Error> {
    let v = cstring("vendor", vendor)?;
    let op = cstring("operation", operation)?;
    let mut err = ptr::null_mut();
    // SAFETY: valid strings; fields is NULL or a valid handle.
    unsafe {
        check(
            sys::ak_validate(v.as_ptr(), op.as_ptr(), Fields::ptr(fields), &mut err),
            err,
        )
    }
}

/// Validates fields for vendor/operation without any network access, exactly
/// as a call does before sending; every problem is in
/// [`ErrorDetails::fields`](crate::ErrorDetails::fields). `Value::Null` means
/// no fields at all.
pub fn validate(vendor: &str, operation: &str, fields: &Value) -> Result<(), Error> {
    let f = Fields::from_value(fields)?;
    validate_fields(vendor, operation, f.as_ref())
}

/// [`validate`] with a positional account id, bound as
/// [`Client::call_with_id`](crate::Client::call_with_id) binds it.
pub fn validate_with_id(
    vendor: &str,
    operation: &str,
    id: &str,
    fields: &Value,
) -> Result<(), Error> {
    let f = Fields::with_id(vendor, operation, id, fields)?;
    validate_fields(vendor, operation, Some(&f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::take_string;
    use serde_json::json;

    fn json_of(f: &Fields) -> Value {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle; the string is released by take_string.
        let text = unsafe {
            check(
                sys::ak_fields_to_json(&mut out, f.0.as_ptr(), &mut err),
                err,
            )
            .unwrap();
            take_string(out)
        };
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn null_is_no_fields_and_the_library_judges_the_rest() {
        assert!(Fields::from_value(&Value::Null).unwrap().is_none());
        let e = Fields::from_value(&json!([1])).err().unwrap();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert!(e.message.contains("array"), "{e}");
        let e = Fields::from_value(&json!("text")).err().unwrap();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        let f = Fields::from_value(&json!({"a": null, "b": [1, {"c": "d"}]}))
            .unwrap()
            .unwrap();
        assert_eq!(json_of(&f), json!({"a": null, "b": [1, {"c": "d"}]}));
    }

    #[test]
    fn ids_are_bound_by_the_library() {
        let f = Fields::with_id(
            "99digital",
            "update_account",
            "1000",
            &json!({"server": "online"}),
        )
        .unwrap();
        assert_eq!(json_of(&f), json!({"account_id": 1000, "server": "online"}));
        let f = Fields::with_id("commvault", "get_account", "abc", &Value::Null).unwrap();
        assert_eq!(json_of(&f), json!({"id": "abc"}));

        let twice = Fields::with_id(
            "99digital",
            "update_account",
            "1000",
            &json!({"account_id": 1000}),
        )
        .err()
        .unwrap();
        assert_eq!(twice.kind, ErrorKind::InvalidArgument);
        assert!(twice.message.contains("given twice"), "{twice}");
        let no_id_field = Fields::with_id("99digital", "create_account", "1000", &json!({}))
            .err()
            .unwrap();
        assert_eq!(
            no_id_field.kind,
            ErrorKind::InvalidArgument,
            "{no_id_field}"
        );
        let unknown = Fields::with_id("99digital", "get_account", "1000", &Value::Null)
            .err()
            .unwrap();
        assert_eq!(unknown.kind, ErrorKind::UnknownOperation, "{unknown}");
        let nul = Fields::with_id("99digital", "update_account", "1\0x", &Value::Null)
            .err()
            .unwrap();
        assert_eq!(nul.kind, ErrorKind::InvalidArgument);
        assert_eq!(nul.category, "invalid_argument");
    }

    #[test]
    fn validate_with_and_without_an_id() {
        validate("99digital", "list_accounts", &Value::Null).unwrap();
        let e = validate("99digital", "create_account", &Value::Null).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
        assert_eq!(e.fields.len(), 7, "{e}");
        validate_with_id(
            "99digital",
            "delete_account",
            "1000",
            &json!({"server": "online"}),
        )
        .unwrap();
        let e = validate_with_id(
            "99digital",
            "delete_account",
            "abc",
            &json!({"server": "online"}),
        )
        .unwrap_err();
        assert_eq!(e.field("accountID").unwrap().rule, "type");
    }
}
