//! One result of a call, or one item of a list (`ak_result`).
use crate::error::check;
use crate::{cstring, parse_json, sys, take_string, Error, ErrorKind};
use serde_json::Value;
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_char;
use std::ptr::{self, NonNull};

/// One result of a call (or one item of a list): the vendor's response fields
/// by their own names. Owns its C handle.
pub struct Response {
    raw: NonNull<sys::ak_result>,
    /// The vendor whose answer this is (for [`Response::view`]).
    vendor: &'static str,
}

// SAFETY: the header says ak_result objects belong to one thread at a time and
// may move between threads. The raw pointer keeps Response !Sync.
unsafe impl Send for Response {}

impl Response {
    /// Takes ownership of a result of `vendor`'s the library returned.
    pub(crate) fn from_raw(
        r: *mut sys::ak_result,
        vendor: &'static str,
    ) -> Result<Response, Error> {
        NonNull::new(r)
            .map(|raw| Response { raw, vendor })
            .ok_or_else(|| Error::local(ErrorKind::Internal, "the library returned no result"))
    }

    fn str_of(&self, p: *const c_char) -> &str {
        if p.is_null() {
            return "";
        }
        // SAFETY: the string is owned by the result and lives as long as &self.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("")
    }

    /// The account id the result names, or "".
    pub fn id(&self) -> &str {
        // SAFETY: valid handle.
        self.str_of(unsafe { sys::ak_result_id(self.raw.as_ptr()) })
    }

    /// The account's normalised status ("active", "suspended", ...), or "".
    pub fn status(&self) -> &str {
        // SAFETY: valid handle.
        self.str_of(unsafe { sys::ak_result_status(self.raw.as_ptr()) })
    }

    /// Whether this is a create whose answer was lost and whose account was
    /// found again by its natural key (provably this request's).
    pub fn is_recovered(&self) -> bool {
        // SAFETY: valid handle.
        unsafe { sys::ak_result_is_recovered(self.raw.as_ptr()) != 0 }
    }

    /// A recovered result: the fields a normal answer carries that the lookup
    /// could not (99digital: "agent_id").
    pub fn unavailable(&self) -> Vec<&str> {
        (0..)
            // SAFETY: valid handle; NULL past the last, each string owned by the result.
            .map(|i| unsafe { sys::ak_result_unavailable(self.raw.as_ptr(), i) })
            .take_while(|p| !p.is_null())
            .map(|p| self.str_of(p))
            .collect()
    }

    /// The whole result as compact JSON text.
    pub fn json_str(&self) -> &str {
        // SAFETY: valid handle.
        self.str_of(unsafe { sys::ak_result_json(self.raw.as_ptr()) })
    }

    /// This account as its vendor's common account view
    /// ([`account_view`](crate::account_view)): for a
    /// [`Client::get_account`](crate::Client::get_account) answer or an item
    /// of a list.
    pub fn view(&self) -> Result<Value, Error> {
        crate::view::view_of_json(self.vendor, self.json_str(), None)
    }

    /// [`view`](Self::view) with the custom attribute that holds your key
    /// ([`account_view_with`](crate::account_view_with); ActivePlatform).
    pub fn view_with(&self, key_attribute: Option<&str>) -> Result<Value, Error> {
        crate::view::view_of_json(self.vendor, self.json_str(), key_attribute)
    }

    /// The whole result as a JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(self.json_str()).unwrap_or(Value::Null)
    }

    /// The value at `path` (`"list[0].account_name"`; `ak_result_get_json`).
    /// [`ErrorKind::NotFound`] when the path holds nothing;
    /// [`ErrorKind::InvalidArgument`] for a malformed path (the message says
    /// why: the C library's path rules and limits).
    pub fn get(&self, path: &str) -> Result<Value, Error> {
        let p = cstring("path", path)?;
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: valid handle and out-pointers; out is "caller frees".
        let text = unsafe {
            check(
                sys::ak_result_get_json(&mut out, self.raw.as_ptr(), p.as_ptr(), &mut err),
                err,
            )?;
            take_string(out)
        };
        parse_json("ak_result_get_json", &text)
    }

    /// The string at `path`, if there is one ([`get`](Self::get) says why not).
    pub fn get_str(&self, path: &str) -> Option<&str> {
        let path = cstring("path", path).ok()?;
        let mut out = ptr::null();
        // SAFETY: valid handle and out-pointer; errors are not asked for.
        let status = unsafe {
            sys::ak_result_get_string(&mut out, self.raw.as_ptr(), path.as_ptr(), ptr::null_mut())
        };
        (status == sys::AK_OK).then(|| self.str_of(out))
    }

    /// The integer at `path`, if there is one.
    pub fn get_i64(&self, path: &str) -> Option<i64> {
        let path = cstring("path", path).ok()?;
        let mut out = 0i64;
        // SAFETY: valid handle and out-pointer; errors are not asked for.
        let status = unsafe {
            sys::ak_result_get_int(&mut out, self.raw.as_ptr(), path.as_ptr(), ptr::null_mut())
        };
        (status == sys::AK_OK).then_some(out)
    }

    /// The number at `path` (an integer too), if there is one.
    pub fn get_f64(&self, path: &str) -> Option<f64> {
        let path = cstring("path", path).ok()?;
        let mut out = 0f64;
        // SAFETY: valid handle and out-pointer; errors are not asked for.
        let status = unsafe {
            sys::ak_result_get_double(&mut out, self.raw.as_ptr(), path.as_ptr(), ptr::null_mut())
        };
        (status == sys::AK_OK).then_some(out)
    }

    /// The boolean at `path`, if there is one.
    pub fn get_bool(&self, path: &str) -> Option<bool> {
        let path = cstring("path", path).ok()?;
        let mut out = 0;
        // SAFETY: valid handle and out-pointer; errors are not asked for.
        let status = unsafe {
            sys::ak_result_get_bool(&mut out, self.raw.as_ptr(), path.as_ptr(), ptr::null_mut())
        };
        (status == sys::AK_OK).then_some(out != 0)
    }

    /// Whether `path` exists and holds null.
    pub fn is_null(&self, path: &str) -> bool {
        let Ok(path) = cstring("path", path) else {
            return false;
        };
        // SAFETY: valid handle.
        unsafe { sys::ak_result_is_null(self.raw.as_ptr(), path.as_ptr()) != 0 }
    }

    /// Elements of the array (or members of the object) at `path`; 0 if absent.
    pub fn size(&self, path: &str) -> usize {
        let Ok(path) = cstring("path", path) else {
            return 0;
        };
        // SAFETY: valid handle.
        unsafe { sys::ak_result_size(self.raw.as_ptr(), path.as_ptr()) }
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        // SAFETY: we own the handle.
        unsafe { sys::ak_result_free(self.raw.as_ptr()) }
    }
}

/// Replaces the non-null value of every key in `keys`, at any depth, by "***".
fn mask_secrets(v: &mut Value, keys: &[String]) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if !child.is_null() && keys.iter().any(|s| s == k) {
                    *child = Value::String("***".into());
                } else {
                    mask_secrets(child, keys);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| mask_secrets(c, keys)),
        _ => {}
    }
}

impl fmt::Debug for Response {
    /// Shows the JSON with the value of every secret key (the C library's
    /// list, [`crate::Vendor::secret_keys`]) replaced by "***".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<String> = crate::vendors()
            .map(|vs| vs.into_iter().flat_map(|v| v.secret_keys).collect())
            .unwrap_or_default();
        let mut json = self.json();
        mask_secrets(&mut json, &keys);
        f.debug_struct("Response")
            .field("id", &self.id())
            .field("status", &self.status())
            .field("json", &json.to_string())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_secrets_masks_secret_keys_at_any_depth() {
        let keys = vec![
            "access_token".to_string(),
            "password".to_string(),
            "api_token".to_string(),
        ];
        let mut v: Value = serde_json::from_str(
            r#"{"name":"n","access_token":"tok-Q1","nested":[{"password":"pw-Z2","api_token":null}]}"#,
        )
        .unwrap();
        mask_secrets(&mut v, &keys);
        let text = v.to_string();
        assert!(
            !text.contains("tok-Q1") && !text.contains("pw-Z2"),
            "a secret shows"
        );
        assert_eq!(v["access_token"], "***");
        assert_eq!(v["nested"][0]["password"], "***");
        assert!(v["nested"][0]["api_token"].is_null());
        assert_eq!(v["name"], "n");
    }
}
