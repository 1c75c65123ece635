//! The rules the bindings take from the C library instead of repeating them:
//! positional ids, what fields are, path reads, the status hierarchy, batch
//! limits (feature `sandbox`).
mod common;

use accountkit::{validate, validate_with_id, ErrorKind, Sandbox};
use common::{journal_of, nn_account};
use serde_json::{json, Value};
use std::time::Duration;

#[test]
fn positional_ids_are_bound_by_the_c_library() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("99digital").unwrap();
    let created = c.create_account(&nn_account("ids1")).unwrap();
    let id = created.id().to_string();

    // call_with_id is what update_account uses: digits become the integer field.
    c.call_with_id(
        "update_account",
        &id,
        &json!({"server": "online", "account_status": 1}),
    )
    .unwrap();
    let posts = journal_of(&sb, "99digital", "POST");
    let update = posts.last().unwrap();
    assert_eq!(update["path"], "/api/online/updateAccount");
    assert_eq!(
        update["body"]["account_id"],
        json!(id.parse::<i64>().unwrap())
    );

    // Given twice: refused, nothing sent (0.1's bindings overwrote it).
    sb.clear_journal();
    let twice = c
        .update_account(&id, &json!({"account_id": 1, "server": "online"}))
        .unwrap_err();
    assert_eq!(twice.kind, ErrorKind::InvalidArgument, "{twice}");
    assert!(twice.message.contains("given twice"), "{twice}");
    assert_eq!(twice.category, "invalid_argument");
    // An operation without id field: refused (0.1's bindings dropped the id).
    let no_field = c
        .call_with_id("create_account", &id, &nn_account("ids2"))
        .unwrap_err();
    assert_eq!(no_field.kind, ErrorKind::InvalidArgument, "{no_field}");
    assert!(
        no_field.message.contains("takes no positional account id"),
        "{no_field}"
    );
    assert_eq!(
        c.call_with_id("get_account", &id, &Value::Null)
            .unwrap_err()
            .kind,
        ErrorKind::UnknownOperation
    );
    assert_eq!(sb.journal().unwrap(), json!([]), "nothing is sent");

    // The same rule offline.
    validate_with_id(
        "99digital",
        "delete_account",
        &id,
        &json!({"server": "online"}),
    )
    .unwrap();
    assert_eq!(
        validate_with_id(
            "99digital",
            "delete_account",
            &id,
            &json!({"accountID": 5, "server": "online"})
        )
        .unwrap_err()
        .kind,
        ErrorKind::InvalidArgument
    );
    let text = validate_with_id(
        "99digital",
        "delete_account",
        "12a",
        &json!({"server": "online"}),
    )
    .unwrap_err();
    assert_eq!(text.kind, ErrorKind::Validation);
    assert_eq!(text.field("accountID").unwrap().rule, "type");
}

#[test]
fn fields_are_judged_by_the_c_library() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("99digital").unwrap();
    // Null is no fields at all.
    assert_eq!(
        c.call("list_accounts", &Value::Null).unwrap().size("list"),
        0
    );
    let none = c.call("create_account", &Value::Null).unwrap_err();
    assert_eq!(none.kind, ErrorKind::Validation);
    assert_eq!(none.fields.len(), 7, "{none}");
    // Anything but an object is refused by the library, saying what it got.
    for (fields, got) in [
        (json!([1]), "array"),
        (json!("x"), "string"),
        (json!(5), "integer"),
    ] {
        let e = c.call("create_account", &fields).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
        assert!(e.message.contains(got), "{e}");
        assert_eq!(
            validate("99digital", "create_account", &fields)
                .unwrap_err()
                .kind,
            ErrorKind::InvalidArgument
        );
    }
    let mut deep = json!(1);
    for _ in 0..65 {
        deep = json!({ "a": deep });
    }
    let e = c.call("list_accounts", &deep).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(e.message.contains("more than 64 levels"), "{e}");
}

#[test]
fn response_get_says_why() {
    let sb = Sandbox::start().unwrap();
    let c = sb.client("99digital").unwrap();
    c.create_account(&nn_account("get1")).unwrap();
    let page = c.call("list_accounts", &json!({})).unwrap();
    assert_eq!(page.get("list[0].reference").unwrap(), json!("get1"));
    assert_eq!(page.get("totalOnline").unwrap(), json!(1));
    assert_eq!(page.get("list").unwrap().as_array().unwrap().len(), 1);
    assert_eq!(page.get_f64("totalOnline"), Some(1.0));
    assert_eq!(
        page.get_bool("totalOnline"),
        None,
        "an integer is no boolean"
    );

    let nothing = page.get("list[5].reference").unwrap_err();
    assert_eq!(nothing.kind, ErrorKind::NotFound, "{nothing}");
    assert_eq!(page.get_str("list[5].reference"), None);
    let malformed = page.get("list[").unwrap_err();
    assert_eq!(malformed.kind, ErrorKind::InvalidArgument, "{malformed}");
    assert!(malformed.message.contains("unterminated"), "{malformed}");
    let limit = page.get("list[100001]").unwrap_err();
    assert_eq!(limit.kind, ErrorKind::InvalidArgument, "{limit}");
    assert!(limit.message.contains("from 0 to 100000"), "{limit}");
    assert_eq!(
        page.get("a\0b").unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
}

#[test]
fn a_timeout_is_a_transport_error() {
    let sb = Sandbox::start().unwrap();
    sb.add_faults(
        &json!({"vendor": "99digital", "path": "/api/online/getAccounts",
                          "kind": "delay", "delay_ms": 1500}),
    )
    .unwrap();
    let c = sb
        .client("99digital")
        .unwrap()
        .option("timeout_ms", "200")
        .unwrap()
        .option("max_attempts", "1")
        .unwrap();
    let e = c.call("list_accounts", &json!({})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert_eq!(e.category, "timeout");
    assert!(e.is(ErrorKind::Timeout));
    assert!(e.is(ErrorKind::Transport), "a timeout is a transport error");
    assert!(!e.is(ErrorKind::Vendor));
    assert_eq!(e.kind.parent(), Some(ErrorKind::Transport));
}

#[test]
fn batch_limits_and_failures_come_from_the_c_library() {
    let sb = Sandbox::start().unwrap();
    let client = sb.client("99digital").unwrap();
    for n in [0, 1025] {
        let e = client.batch(n).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{n}: {e}");
        assert!(e.message.contains("max_in_flight"), "{e}");
    }
    let mut batch = client.batch(1024).unwrap();
    assert!(batch
        .next_outcome(Some(Duration::from_millis(10)))
        .unwrap()
        .is_none());
    let e = batch.submit("create_account", &json!([1]), 1).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    batch.submit("list_accounts", &Value::Null, 7).unwrap();
    let (tag, outcome) = batch.next_outcome(None).unwrap().unwrap();
    assert_eq!(tag, 7);
    assert_eq!(outcome.unwrap().size("list"), 0);
    assert!(
        batch.next_outcome(None).unwrap().is_none(),
        "nothing pending"
    );
}
