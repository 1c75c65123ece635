//! Webhook calls a vendor makes to your server (`ak_webhook_parse`).
use crate::error::check;
use crate::{cstring, sys, Error, Response};
use std::os::raw::c_char;
use std::ptr;

/// Reads the body of a webhook call `vendor` made to your server into a
/// [`Response`]: [`Response::id`] is the account (or builder) the event
/// concerns, [`Response::status`] the event's kind ("account_created", ...),
/// and the JSON the event's fields by the vendor's names
/// (docs/vendors/99digital.md, "Webhooks"). Needs no client and sends
/// nothing. A malformed body is an [`ErrorKind::Decode`](crate::ErrorKind)
/// error naming the problem (never quoting the body); a vendor without
/// webhooks [`ErrorKind::UnknownOperation`](crate::ErrorKind).
///
/// The body cannot prove who sent it: 99digital's webhook calls come from
/// 34.165.99.212, and only your HTTP server, which sees the connection, can
/// accept them from that address alone.
pub fn parse_webhook(vendor: &str, body: &[u8]) -> Result<Response, Error> {
    let v = cstring("vendor", vendor)?;
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: v outlives the call; body is read for len bytes only; the
    // result, when there is one, is owned by the Response.
    unsafe {
        check(
            sys::ak_webhook_parse(
                &mut out,
                v.as_ptr(),
                body.as_ptr() as *const c_char,
                body.len(),
                &mut err,
            ),
            err,
        )?;
    }
    // The vendor's name in static storage (the library knows it: the call succeeded).
    let vendor = crate::vendor_names()
        .into_iter()
        .find(|n| *n == vendor)
        .unwrap_or("");
    Response::from_raw(out, vendor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn an_account_event_and_malformed_bodies() {
        let r = parse_webhook(
            "99digital",
            br#"{"type":"partners","event":"account_deleted","accountID":"1000"}"#,
        )
        .unwrap();
        assert_eq!(r.id(), "1000");
        assert_eq!(r.status(), "account_deleted");
        assert_eq!(r.json()["account_id"], 1000);

        let e = parse_webhook(
            "99digital",
            br#"{"type":"builder","login":"https://b.example/sso/cafebabecafebabe"}"#,
        )
        .err()
        .unwrap();
        assert_eq!(e.kind, ErrorKind::Decode);
        assert!(e.message.contains("builderID"), "{e}");
        assert!(!e.message.contains("cafebabe"), "{e}");
        let e = parse_webhook("commvault", b"{}").err().unwrap();
        assert_eq!(e.kind, ErrorKind::UnknownOperation);
    }
}
